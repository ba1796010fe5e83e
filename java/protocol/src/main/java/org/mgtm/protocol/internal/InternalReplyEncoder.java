package org.mgtm.protocol.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.nio.charset.StandardCharsets;
import org.mgtm.protocol.codec.XcBodies;

/**
 * Server side: {@link ServerMessage}s to bytes. A frame over the format's limit (in practice a huge
 * STATUS) is refused: the write fails with the reason and nothing is sent.
 */
public final class InternalReplyEncoder extends MessageToByteEncoder<ServerMessage> {

    private final InternalFormat fmt;

    public InternalReplyEncoder(InternalFormat fmt) {
        super(ServerMessage.class);
        this.fmt = fmt;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ServerMessage msg, ByteBuf out) {
        write(fmt, msg, out);
    }

    /** Appends the frame for {@code msg} to {@code out}. */
    public static void write(InternalFormat fmt, ServerMessage msg, ByteBuf out) {
        int start;
        if (msg instanceof ServerMessage.Welcome w) {
            start = Frames.begin(out, Kinds.WELCOME);
            out.writeShort(InternalFormat.VERSION);
            out.writeByte((w.leader() ? InternalReplyDecoder.WELCOME_LEADER : 0)
                    | (w.resumed() ? InternalReplyDecoder.WELCOME_RESUMED : 0));
            out.writeLong(w.term());
            Frames.str16(out, w.memberId());
        } else if (msg instanceof ServerMessage.XcReply r) {
            start = Frames.begin(out, Kinds.XC_REPLY);
            out.writeLong(r.requestNo());
            XcBodies.writeResponse(fmt.xc(), r.response(), out);
        } else if (msg instanceof ServerMessage.Pong p) {
            start = Frames.begin(out, Kinds.PONG);
            out.writeLong(p.nonce());
            out.writeLong(p.term());
        } else if (msg instanceof ServerMessage.Status s) {
            start = Frames.begin(out, Kinds.STATUS);
            out.writeBytes(s.json().getBytes(StandardCharsets.UTF_8));
        } else if (msg instanceof ServerMessage.SessionEnded) {
            start = Frames.begin(out, Kinds.SESSION_ENDED);
        } else if (msg instanceof ServerMessage.NotLeader n) {
            start = Frames.begin(out, Kinds.NOT_LEADER);
            out.writeLong(n.term());
            Frames.str16(out, n.leaderId());
            Frames.str16(out, n.leaderAddress());
        } else if (msg instanceof ServerMessage.Error e) {
            start = Frames.begin(out, Kinds.ERROR);
            out.writeShort(e.code().code);
            Frames.str16(out, e.message());
        } else {
            throw new IllegalArgumentException("not an encodable message: " + msg);
        }
        Frames.end(out, start, fmt.maxFrameLength());
    }
}
