package org.mgtm.protocol.codec;

import io.netty.buffer.ByteBuf;
import org.mgtm.protocol.MessageType;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.ResultType;
import org.mgtm.protocol.WireFormat;
import org.mgtm.protocol.subcluster.SubclusterCodec;
import org.mgtm.protocol.subcluster.SubclusterRequest;
import org.mgtm.protocol.subcluster.SubclusterResponse;

/**
 * The body of one XC request or response without any XC framing (no type byte, length word or proxy
 * header), for protocols that carry XC messages inside their own frames, such as mgtm's internal
 * protocol. Field byte order is the XC one: host-order fields follow {@code fmt}, the rest is
 * big-endian, exactly as on the XC wire.
 *
 * <ul>
 *   <li>request body: BE32 message type + payload, as in a plain 'C' frame after its length word;</li>
 *   <li>response body: one outcome byte, then for 'S' the BE32 result type + payload, for 'E' the
 *       error fields, for 'N' (no answer on the XC wire) nothing. With a length word inserted after
 *       the outcome byte, an 'S' or 'E' body is the plain XC frame itself.</li>
 * </ul>
 *
 * <p>Readers consume every readable byte of the given buffer and reject trailing bytes even where
 * the XC GTM tolerates them: a body is bounded by an outer frame written by our own encoder, so
 * extra bytes mean the two ends disagree on the format.
 */
public final class XcBodies {

    /** Outcome byte of a response body: an 'S' answer. */
    public static final byte SUCCESS = Frames.SUCCESS;
    /** Outcome byte of a response body: an 'E' answer. */
    public static final byte ERROR = Frames.ERROR;
    /** Outcome byte of a response body: the request gets no answer on the XC wire. */
    public static final byte NONE = 'N';

    private XcBodies() {
    }

    /** Appends BE32 message type + payload (a sub-cluster request: its code and bytes, see SubclusterCodec). */
    public static void writeRequest(WireFormat fmt, Request request, ByteBuf out) {
        if (request instanceof SubclusterRequest s) {
            out.writeInt(SubclusterCodec.MESSAGE_CODE).writeBytes(SubclusterCodec.encode(s));
            return;
        }
        PayloadWriter w = new PayloadWriter(out, fmt);
        w.be32(request.type().code);
        RequestPayloads.encode(request, w);
    }

    /**
     * Decodes a request body filling all readable bytes of {@code body}, which it consumes.
     *
     * @throws XcBodyException when the body is not exactly one request of a 'C' message type
     */
    public static Request readRequest(WireFormat fmt, ByteBuf body) {
        PayloadReader r = new PayloadReader(body, fmt);
        try {
            int code = r.be32();
            if (code == SubclusterCodec.MESSAGE_CODE) {
                return readSubclusterRequest(body);
            }
            MessageType type = MessageType.fromCode(code);
            if (!RequestPayloads.isCommandType(type)) {
                throw new XcBodyException("invalid XC message type " + code);
            }
            Request request = RequestPayloads.decode(type, r);
            requireEnd(r, type.name());
            return request;
        } catch (PayloadException e) {
            throw new XcBodyException(e.getMessage());
        }
    }

    /** Appends the outcome byte and, for 'S' and 'E', the XC answer's body. */
    public static void writeResponse(WireFormat fmt, Response response, ByteBuf out) {
        if (response instanceof SubclusterResponse s) {
            out.writeByte(SubclusterCodec.OUTCOME).writeBytes(SubclusterCodec.encode(s));
            return;
        }
        PayloadWriter w = new PayloadWriter(out, fmt);
        if (response instanceof Response.Success s) {
            w.u8(SUCCESS).be32(s.resultType().code);
            ResponsePayloads.encode(s, w);
        } else if (response instanceof Response.Error e) {
            w.u8(ERROR);
            ResponsePayloads.encodeError(e, w);
        } else if (response instanceof Response.None) {
            w.u8(NONE);
        } else {
            throw new IllegalArgumentException("cannot encode " + response);
        }
    }

    /**
     * Decodes a response body filling all readable bytes of {@code body}, which it consumes.
     *
     * @throws XcBodyException when the body is not exactly one response
     */
    public static Response readResponse(WireFormat fmt, ByteBuf body) {
        PayloadReader r = new PayloadReader(body, fmt);
        try {
            int outcome = r.u8();
            if (outcome == SubclusterCodec.OUTCOME) {
                return readSubclusterResponse(body);
            }
            Response response;
            if (outcome == SUCCESS) {
                int code = r.be32();
                ResultType type = ResultType.fromCode(code);
                if (type == null) {
                    throw new XcBodyException("unknown XC result type " + code);
                }
                response = ResponsePayloads.decode(type, r);
            } else if (outcome == ERROR) {
                response = ResponsePayloads.decodeError(r);
            } else if (outcome == NONE) {
                response = Response.None.INSTANCE;
            } else {
                throw new XcBodyException("unknown response outcome " + Frames.printable((byte) outcome));
            }
            requireEnd(r, response.getClass().getSimpleName());
            return response;
        } catch (PayloadException e) {
            throw new XcBodyException(e.getMessage());
        }
    }

    private static Request readSubclusterRequest(ByteBuf rest) {
        byte[] bytes = new byte[rest.readableBytes()];
        rest.readBytes(bytes);
        try {
            return SubclusterCodec.decodeRequest(bytes);
        } catch (IllegalArgumentException e) {
            throw new XcBodyException("bad sub-cluster request: " + e.getMessage());
        }
    }

    private static Response readSubclusterResponse(ByteBuf rest) {
        byte[] bytes = new byte[rest.readableBytes()];
        rest.readBytes(bytes);
        try {
            return SubclusterCodec.decodeResponse(bytes);
        } catch (IllegalArgumentException e) {
            throw new XcBodyException("bad sub-cluster answer: " + e.getMessage());
        }
    }

    private static void requireEnd(PayloadReader r, String what) {
        if (r.remaining() != 0) {
            throw new XcBodyException(r.remaining() + " trailing bytes after " + what);
        }
    }
}
