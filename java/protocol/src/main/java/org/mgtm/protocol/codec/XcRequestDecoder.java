package org.mgtm.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.mgtm.protocol.MessageType;
import org.mgtm.protocol.WireFormat;
import org.mgtm.protocol.WireMessage;

/**
 * Server side: bytes from a backend or a gtm_proxy worker to {@link WireMessage.Frontend} messages.
 *
 * <p>Expects the 'A' startup first, then 'C', 'F' and 'X' frames. A payload that cannot be decoded
 * inside a sound frame becomes an {@link WireMessage.InvalidCommand} and decoding goes on, because
 * the frame boundary is known and the client can be answered with an error. A broken frame (wrong
 * type byte, impossible length) throws {@link XcProtocolException}; from then on every byte of the
 * channel is dropped, since nothing after it can be trusted. After 'X' the rest of the input is
 * dropped too: the client has left and nothing it sent later may be acted on.
 */
public final class XcRequestDecoder extends ByteToMessageDecoder {

    private enum State { STARTUP, COMMANDS, TERMINATED, FAILED }

    private final WireFormat fmt;
    private final boolean honourProxyFlag;
    private State state;
    private boolean proxyFraming;

    /**
     * @param honourProxyFlag whether a startup with isproxy=1 switches the connection to proxy framing:
     *                        true on a GTM, false on a gtm_proxy's backend side (backends are always
     *                        answered in plain framing, whatever their startup says)
     */
    public XcRequestDecoder(WireFormat fmt, boolean honourProxyFlag) {
        this.fmt = fmt;
        this.honourProxyFlag = honourProxyFlag;
        this.state = State.STARTUP;
    }

    /** For a stream already past its startup (for example a capture taken mid-connection). */
    public static XcRequestDecoder afterStartup(WireFormat fmt, boolean proxyFraming) {
        XcRequestDecoder d = new XcRequestDecoder(fmt, proxyFraming);
        d.state = State.COMMANDS;
        d.proxyFraming = proxyFraming;
        return d;
    }

    /** Whether 'C' frames carry the 2-byte conid header (known once the startup has been decoded). */
    public boolean proxyFraming() {
        return proxyFraming;
    }

    /** Bytes received but not yet decoded (part of an incomplete frame). */
    public int bufferedBytes() {
        return actualReadableBytes();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        WireMessage.Frontend msg = decodeOne(in);
        if (msg != null) {
            out.add(msg);
        }
    }

    /** One frame, or null when more bytes are needed (or the input is being dropped). */
    WireMessage.Frontend decodeOne(ByteBuf in) {
        if (state == State.FAILED || state == State.TERMINATED) {
            in.skipBytes(in.readableBytes());
            return null;
        }
        try {
            return frame(in);
        } catch (XcProtocolException e) {
            state = State.FAILED;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    private WireMessage.Frontend frame(ByteBuf in) {
        if (!in.isReadable()) {
            return null;
        }
        int start = in.readerIndex();
        byte type = in.getByte(start);
        checkType(type);
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
        PayloadReader r = new PayloadReader(body, fmt);
        return switch (type) {
            case Frames.STARTUP -> startup(r);
            case Frames.COMMAND -> command(r);
            case Frames.FLUSH -> flush(r);
            default -> {
                // A terminate with a body is still a terminate: the client is gone either way.
                state = State.TERMINATED;
                yield WireMessage.Terminate.INSTANCE;
            }
        };
    }

    private void checkType(byte type) {
        if (state == State.STARTUP) {
            if (type != Frames.STARTUP) {
                throw new XcProtocolException("expected a startup message 'A', got frame type '"
                        + Frames.printable(type) + "'");
            }
        } else if (type != Frames.COMMAND && type != Frames.FLUSH && type != Frames.TERMINATE) {
            throw new XcProtocolException("invalid frontend frame type '" + Frames.printable(type) + "'");
        }
    }

    private void checkBodyLength(byte type, int bodyLen) {
        if (type == Frames.STARTUP && bodyLen != Frames.STARTUP_BODY) {
            throw new XcProtocolException("startup packet body is " + bodyLen + " bytes, expected 8");
        }
        int min = Frames.MSGTYPE_SIZE + (proxyFraming ? Frames.PROXY_HEADER : 0);
        if (type == Frames.COMMAND && bodyLen < min) {
            throw new XcProtocolException("command frame body of " + bodyLen + " bytes cannot hold its "
                    + (proxyFraming ? "proxy header and " : "") + "message type");
        }
    }

    private WireMessage.Frontend startup(PayloadReader r) {
        int cid = r.h32();
        boolean isProxy = r.bool();
        // The 3 remaining bytes are uninitialised struct padding on the sender: ignored.
        state = State.COMMANDS;
        proxyFraming = isProxy && honourProxyFlag;
        return new WireMessage.Startup(cid, isProxy);
    }

    private WireMessage.Frontend command(PayloadReader r) {
        int conid = proxyFraming ? r.h16() : WireMessage.NO_CONID;
        int code = r.be32();
        MessageType type = MessageType.fromCode(code);
        if (!RequestPayloads.isCommandType(type)) {
            return new WireMessage.InvalidCommand(conid, code, "invalid frontend message type " + code);
        }
        try {
            return new WireMessage.Command(conid, RequestPayloads.decode(type, r));
        } catch (PayloadException e) {
            return new WireMessage.InvalidCommand(conid, code, e.getMessage());
        }
    }

    /**
     * 'F' has no proxy header even on proxy connections. Should it be malformed, the error answer is
     * addressed to conid -1 there, because a proxy can only parse answers that carry a header.
     */
    private WireMessage.Frontend flush(PayloadReader r) {
        int conid = proxyFraming ? WireMessage.GROUP_CONID : WireMessage.NO_CONID;
        if (r.remaining() < Frames.MSGTYPE_SIZE) {
            return new WireMessage.InvalidCommand(conid, MessageType.DATA_FLUSH.code,
                    PayloadException.INSUFFICIENT_DATA);
        }
        int code = r.be32();
        if (code != MessageType.DATA_FLUSH.code || r.remaining() != 0) {
            return new WireMessage.InvalidCommand(conid, code, PayloadException.INVALID_FORMAT);
        }
        return WireMessage.Flush.INSTANCE;
    }
}
