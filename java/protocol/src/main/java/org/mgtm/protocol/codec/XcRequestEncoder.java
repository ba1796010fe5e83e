package org.mgtm.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import org.mgtm.protocol.MessageType;
import org.mgtm.protocol.WireFormat;
import org.mgtm.protocol.WireMessage;

/**
 * Client side: {@link WireMessage.Frontend} messages to bytes, identical to what XC backends and
 * gtm_proxy send (including the ff ff ff startup padding). A command gets the proxy header iff its
 * conid is not {@link WireMessage#NO_CONID}. {@link WireMessage.InvalidCommand} is a decoding outcome,
 * not something to send, and is refused.
 */
public final class XcRequestEncoder extends MessageToByteEncoder<WireMessage.Frontend> {

    private final WireFormat fmt;

    public XcRequestEncoder(WireFormat fmt) {
        super(WireMessage.Frontend.class);
        this.fmt = fmt;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, WireMessage.Frontend msg, ByteBuf out) {
        write(fmt, msg, out);
    }

    /** Appends the frame for {@code msg} to {@code out}. */
    public static void write(WireFormat fmt, WireMessage.Frontend msg, ByteBuf out) {
        PayloadWriter w = new PayloadWriter(out, fmt);
        if (msg instanceof WireMessage.Startup s) {
            int start = Frames.begin(out, Frames.STARTUP);
            w.h32(s.coordinatorId()).bool(s.isProxy());
            for (int i = 0; i < Frames.STARTUP_PAD; i++) {
                w.u8(Frames.STARTUP_PAD_BYTE);
            }
            Frames.end(out, start);
        } else if (msg instanceof WireMessage.Command c) {
            int conid = c.conid();
            if (conid != WireMessage.NO_CONID && !Frames.isShort(conid)) {
                throw new IllegalArgumentException("conid " + conid + " does not fit the 2-byte proxy header");
            }
            int start = Frames.begin(out, Frames.COMMAND);
            if (conid != WireMessage.NO_CONID) {
                w.h16(conid);
            }
            w.be32(c.request().type().code);
            RequestPayloads.encode(c.request(), w);
            Frames.end(out, start);
        } else if (msg instanceof WireMessage.Flush) {
            int start = Frames.begin(out, Frames.FLUSH);
            w.be32(MessageType.DATA_FLUSH.code);
            Frames.end(out, start);
        } else if (msg instanceof WireMessage.Terminate) {
            Frames.end(out, Frames.begin(out, Frames.TERMINATE));
        } else {
            throw new IllegalArgumentException("not an encodable message: " + msg);
        }
    }
}
