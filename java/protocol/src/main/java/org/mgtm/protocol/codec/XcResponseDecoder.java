package org.mgtm.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.ResultType;
import org.mgtm.protocol.WireFormat;
import org.mgtm.protocol.WireMessage;

/**
 * Client side: bytes from a GTM (or gtm_proxy) to {@link WireMessage.Backend} messages: 'R' startup
 * acknowledgements and 'S'/'E' answers. A client cannot answer a broken answer, so every fault,
 * including an unknown result type or a truncated payload, throws {@link XcProtocolException}, after
 * which all further input of the channel is dropped.
 */
public final class XcResponseDecoder extends ByteToMessageDecoder {

    private final WireFormat fmt;
    private final boolean proxyFraming;
    private boolean failed;

    /** @param proxyFraming whether answers carry the 2-byte conid header (this client said isproxy=1) */
    public XcResponseDecoder(WireFormat fmt, boolean proxyFraming) {
        this.fmt = fmt;
        this.proxyFraming = proxyFraming;
    }

    public boolean proxyFraming() {
        return proxyFraming;
    }

    /** Bytes received but not yet decoded (part of an incomplete frame). */
    public int bufferedBytes() {
        return actualReadableBytes();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        WireMessage.Backend msg = decodeOne(in);
        if (msg != null) {
            out.add(msg);
        }
    }

    /** One frame, or null when more bytes are needed (or the input is being dropped). */
    WireMessage.Backend decodeOne(ByteBuf in) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return null;
        }
        try {
            return frame(in);
        } catch (XcProtocolException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    private WireMessage.Backend frame(ByteBuf in) {
        if (!in.isReadable()) {
            return null;
        }
        int start = in.readerIndex();
        byte type = in.getByte(start);
        if (type != Frames.STARTUP_ACK && type != Frames.SUCCESS && type != Frames.ERROR) {
            throw new XcProtocolException("invalid backend frame type '" + Frames.printable(type) + "'");
        }
        if (in.readableBytes() < Frames.HEADER) {
            return null;
        }
        int bodyLen = Frames.bodyLength(in, fmt);
        checkBodyLength(type, bodyLen);
        if (in.readableBytes() < Frames.HEADER + bodyLen) {
            return null;
        }
        ByteBuf body = in.slice(start + Frames.HEADER, bodyLen);
        in.skipBytes(Frames.HEADER + bodyLen);
        if (type == Frames.STARTUP_ACK) {
            return WireMessage.StartupAck.INSTANCE;
        }
        PayloadReader r = new PayloadReader(body, fmt);
        return type == Frames.SUCCESS ? success(r) : error(r);
    }

    private void checkBodyLength(byte type, int bodyLen) {
        int header = proxyFraming ? Frames.PROXY_HEADER : 0;
        if (type == Frames.STARTUP_ACK && bodyLen != 0) {
            // The XC client reads exactly 4 length bytes after 'R'; a body would desynchronise it.
            throw new XcProtocolException("startup acknowledgement with a " + bodyLen + "-byte body");
        }
        if (type == Frames.SUCCESS && bodyLen < 4 + header) {
            throw new XcProtocolException("success frame body of " + bodyLen + " bytes cannot hold its result type"
                    + (proxyFraming ? " and proxy header" : ""));
        }
        if (type == Frames.ERROR && bodyLen < 1 + header) {
            throw new XcProtocolException("error frame body of " + bodyLen + " bytes is too short");
        }
    }

    private WireMessage.Backend success(PayloadReader r) {
        int code = r.be32();
        int conid = proxyFraming ? r.h16() : WireMessage.NO_CONID;
        ResultType type = ResultType.fromCode(code);
        if (type == null) {
            throw new XcProtocolException("unknown result type " + code);
        }
        try {
            return new WireMessage.Answer(conid, ResponsePayloads.decode(type, r));
        } catch (PayloadException e) {
            throw new XcProtocolException("bad " + type + " answer: " + e.getMessage());
        }
    }

    private WireMessage.Backend error(PayloadReader r) {
        int conid = proxyFraming ? r.h16() : WireMessage.NO_CONID;
        try {
            Response.Error e = ResponsePayloads.decodeError(r);
            return new WireMessage.Answer(conid, e);
        } catch (PayloadException e) {
            throw new XcProtocolException("bad error answer: " + e.getMessage());
        }
    }
}
