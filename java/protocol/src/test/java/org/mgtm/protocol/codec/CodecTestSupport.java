package org.mgtm.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.mgtm.protocol.WireFormat;
import org.mgtm.protocol.WireMessage;

/** Channel plumbing for the codec tests. */
final class CodecTestSupport {

    static final WireFormat LE = WireFormat.DEFAULT;
    /** Chunk sizes every decoding test feeds with: whole, a byte at a time, and 3 bytes at a time. */
    static final int WHOLE = Integer.MAX_VALUE;
    static final int[] CHUNKS = {WHOLE, 1, 3};

    private CodecTestSupport() {
    }

    /** Hex with optional spaces, e.g. {@code "52 00 00 00 04"}. */
    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** Hex of the ASCII bytes of {@code s}, to write captured examples with readable keys. */
    static String ascii(String s) {
        return hex(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Writes {@code bytes} in chunks of {@code chunk} and returns everything the decoder emitted. */
    static List<Object> feed(EmbeddedChannel ch, byte[] bytes, int chunk) {
        for (int i = 0; i < bytes.length; i += chunk) {
            int n = Math.min(chunk, bytes.length - i);
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, i, n));
        }
        return drainInbound(ch);
    }

    static List<Object> drainInbound(EmbeddedChannel ch) {
        List<Object> out = new ArrayList<>();
        for (Object o = ch.readInbound(); o != null; o = ch.readInbound()) {
            out.add(o);
        }
        return out;
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

    static byte[] encodeRequest(WireMessage.Frontend msg) {
        return encodeVia(new EmbeddedChannel(new XcRequestEncoder(LE)), msg);
    }

    static byte[] encodeResponse(WireMessage.Backend msg) {
        return encodeVia(new EmbeddedChannel(new XcResponseEncoder(LE)), msg);
    }
}
