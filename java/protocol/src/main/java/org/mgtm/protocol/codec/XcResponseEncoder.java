package org.mgtm.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.WireFormat;
import org.mgtm.protocol.WireMessage;

/**
 * Server side: {@link WireMessage.Backend} messages to bytes. The proxy header is written iff the
 * answer's conid is not {@link WireMessage#NO_CONID}; the handler decides that from the connection's
 * startup, the encoder keeps no state.
 */
public final class XcResponseEncoder extends MessageToByteEncoder<WireMessage.Backend> {

    private final WireFormat fmt;

    public XcResponseEncoder(WireFormat fmt) {
        super(WireMessage.Backend.class);
        this.fmt = fmt;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, WireMessage.Backend msg, ByteBuf out) {
        write(fmt, msg, out);
    }

    /** Appends the frame for {@code msg} to {@code out}. */
    public static void write(WireFormat fmt, WireMessage.Backend msg, ByteBuf out) {
        if (msg instanceof WireMessage.StartupAck) {
            // Exactly 52 00 00 00 04: the client reads no more than that.
            Frames.end(out, Frames.begin(out, Frames.STARTUP_ACK));
            return;
        }
        WireMessage.Answer answer = (WireMessage.Answer) msg;
        int conid = answer.conid();
        if (conid != WireMessage.NO_CONID && !Frames.isShort(conid)) {
            throw new IllegalArgumentException("conid " + conid + " does not fit the 2-byte proxy header");
        }
        PayloadWriter w = new PayloadWriter(out, fmt);
        if (answer.response() instanceof Response.Error e) {
            int start = Frames.begin(out, Frames.ERROR);
            if (conid != WireMessage.NO_CONID) {
                w.h16(conid);
            }
            ResponsePayloads.encodeError(e, w);
            Frames.end(out, start);
        } else if (answer.response() instanceof Response.Success s) {
            int start = Frames.begin(out, Frames.SUCCESS);
            w.be32(s.resultType().code);
            if (conid != WireMessage.NO_CONID) {
                w.h16(conid);
            }
            ResponsePayloads.encode(s, w);
            Frames.end(out, start);
        } else {
            throw new IllegalArgumentException("cannot encode " + answer.response());
        }
    }
}
