package org.mgtm.protocol.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.mgtm.protocol.WireFormat;

/** Channel plumbing for the internal codec tests. */
final class InternalTestSupport {

    static final InternalFormat LE = InternalFormat.DEFAULT;
    static final InternalFormat BE = InternalFormat.of(
            new WireFormat(ByteOrder.BIG_ENDIAN, WireFormat.DEFAULT_MAX_FRAME_LENGTH));
    static final int WHOLE = Integer.MAX_VALUE;
    /** Whole, a byte at a time, and chunk sizes that cut length words and fields in odd places. */
    static final int[] CHUNKS = {WHOLE, 1, 3, 7};

    private InternalTestSupport() {
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }

    /** A frame with a correct length word around the given kind and payload (hex). */
    static byte[] frame(int kind, String payloadHex) {
        byte[] p = hex(payloadHex);
        ByteBuf b = Unpooled.buffer();
        b.writeInt(p.length + 1).writeByte(kind).writeBytes(p);
        return ByteBufUtil.getBytes(b);
    }

    static byte[] encode(InternalFormat fmt, ClientMessage msg) {
        ByteBuf b = Unpooled.buffer();
        InternalRequestEncoder.write(fmt, msg, b);
        return ByteBufUtil.getBytes(b);
    }

    static byte[] encode(InternalFormat fmt, ServerMessage msg) {
        ByteBuf b = Unpooled.buffer();
        InternalReplyEncoder.write(fmt, msg, b);
        return ByteBufUtil.getBytes(b);
    }

    /** The bytes an encoder in {@code ch} wrote for {@code msg}. */
    static byte[] encodeVia(EmbeddedChannel ch, Object msg) {
        ch.writeOutbound(msg);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuf b = ch.readOutbound(); b != null; b = ch.readOutbound()) {
            out.writeBytes(ByteBufUtil.getBytes(b));
            b.release();
        }
        return out.toByteArray();
    }

    static List<Object> drainInbound(EmbeddedChannel ch) {
        List<Object> out = new ArrayList<>();
        for (Object o = ch.readInbound(); o != null; o = ch.readInbound()) {
            out.add(o);
        }
        return out;
    }

    /** What the decoder made of a byte stream: its messages and the protocol error, if any. */
    record Outcome(List<Object> messages, InternalProtocolException error, int errorAtByte) {
    }

    /**
     * Writes {@code bytes} in chunks of {@code chunk}, collecting messages and the protocol error;
     * asserts that there is at most one error however many writes follow it.
     */
    static Outcome feed(EmbeddedChannel ch, byte[] bytes, int chunk) {
        List<Object> msgs = new ArrayList<>();
        InternalProtocolException error = null;
        int errorAt = -1;
        for (int i = 0; i < bytes.length; i += chunk) {
            int n = Math.min(chunk, bytes.length - i);
            try {
                ch.writeInbound(Unpooled.wrappedBuffer(bytes, i, n));
            } catch (InternalProtocolException e) {
                assertTrue(error == null, "a second error after the first: " + e.getMessage());
                error = e;
                errorAt = i + n;
            }
            msgs.addAll(drainInbound(ch));
        }
        return new Outcome(msgs, error, errorAt);
    }

    /** Feeds a stream that must decode without error, and returns the messages. */
    static List<Object> feedClean(EmbeddedChannel ch, byte[] bytes, int chunk) {
        Outcome o = feed(ch, bytes, chunk);
        assertEquals(null, o.error(), () -> "unexpected error " + o.error().getMessage());
        return o.messages();
    }
}
