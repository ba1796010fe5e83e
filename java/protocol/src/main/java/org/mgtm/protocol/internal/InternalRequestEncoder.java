package org.mgtm.protocol.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.nio.ByteOrder;
import org.mgtm.protocol.codec.XcBodies;

/**
 * Client side: {@link ClientMessage}s to bytes. Refuses (the write fails, nothing is sent) a frame
 * over the format's limit, a HELLO whose XC byte order is not the format's, and
 * {@link ClientMessage.UnsupportedHello}, which is a decoding outcome.
 */
public final class InternalRequestEncoder extends MessageToByteEncoder<ClientMessage> {

    private final InternalFormat fmt;

    public InternalRequestEncoder(InternalFormat fmt) {
        super(ClientMessage.class);
        this.fmt = fmt;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ClientMessage msg, ByteBuf out) {
        write(fmt, msg, out);
    }

    /** Appends the frame for {@code msg} to {@code out}. */
    public static void write(InternalFormat fmt, ClientMessage msg, ByteBuf out) {
        if (msg instanceof ClientMessage.UnsupportedHello) {
            throw new IllegalArgumentException("UnsupportedHello is a decoding outcome, not a message");
        }
        int start = Frames.begin(out, kind(msg));
        if (msg instanceof ClientMessage.Hello h) {
            if (h.xcHostOrder() != fmt.xc().hostOrder()) {
                out.writerIndex(start);
                throw new IllegalArgumentException("HELLO announces " + h.xcHostOrder()
                        + " XC bodies but this encoder writes " + fmt.xc().hostOrder());
            }
            out.writeInt(InternalFormat.MAGIC);
            out.writeShort(InternalFormat.VERSION);
            out.writeByte(h.resume() ? InternalRequestDecoder.HELLO_RESUME : 0);
            out.writeByte(h.xcHostOrder() == ByteOrder.LITTLE_ENDIAN
                    ? InternalRequestDecoder.ORDER_LITTLE_ENDIAN : InternalRequestDecoder.ORDER_BIG_ENDIAN);
            out.writeLong(h.sessionId());
            Frames.bytes16(out, h.tokenBytes());
            Frames.str16(out, h.clientName());
        } else if (msg instanceof ClientMessage.XcRequest r) {
            out.writeLong(r.requestNo());
            out.writeLong(r.ackedRequestNo());
            out.writeInt(r.backendId());
            XcBodies.writeRequest(fmt.xc(), r.request(), out);
        } else if (msg instanceof ClientMessage.Ping p) {
            out.writeLong(p.nonce());
        }
        Frames.end(out, start, fmt.maxFrameLength());
    }

    private static int kind(ClientMessage msg) {
        if (msg instanceof ClientMessage.Hello) {
            return Kinds.HELLO;
        } else if (msg instanceof ClientMessage.XcRequest) {
            return Kinds.XC_REQUEST;
        } else if (msg instanceof ClientMessage.Ping) {
            return Kinds.PING;
        } else if (msg instanceof ClientMessage.StatusRequest) {
            return Kinds.STATUS_REQUEST;
        } else if (msg instanceof ClientMessage.EndSession) {
            return Kinds.END_SESSION;
        }
        throw new IllegalArgumentException("not an encodable message: " + msg);
    }
}
