package org.mgtm.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.mgtm.protocol.WireFormat;
import org.mgtm.protocol.WireMessage;

/**
 * Encoding and decoding of whole frames to and from byte arrays, without a channel, for the tests (the
 * fuzz targets and the conformance replay): no main code needs it, so it lives with them.
 */
public final class XcCodecs {

    private XcCodecs() {
    }

    /** The bytes of one client-to-server frame. */
    public static byte[] encode(WireFormat fmt, WireMessage.Frontend msg) {
        ByteBuf buf = Unpooled.buffer();
        XcRequestEncoder.write(fmt, msg, buf);
        return ByteBufUtil.getBytes(buf);
    }

    /** The bytes of one server-to-client frame. */
    public static byte[] encode(WireFormat fmt, WireMessage.Backend msg) {
        ByteBuf buf = Unpooled.buffer();
        XcResponseEncoder.write(fmt, msg, buf);
        return ByteBufUtil.getBytes(buf);
    }

    /**
     * Decodes whole frames with {@code decoder}, which keeps its state (startup seen, failure) for
     * later calls.
     *
     * @throws XcProtocolException      when the stream is broken
     * @throws IllegalArgumentException when the bytes end inside a frame
     */
    public static List<WireMessage.Frontend> decode(XcRequestDecoder decoder, byte[] bytes) {
        return decodeAll(decoder::decodeOne, bytes);
    }

    /** As {@link #decode(XcRequestDecoder, byte[])}, for answers. */
    public static List<WireMessage.Backend> decode(XcResponseDecoder decoder, byte[] bytes) {
        return decodeAll(decoder::decodeOne, bytes);
    }

    private static <T> List<T> decodeAll(Function<ByteBuf, T> one, byte[] bytes) {
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        List<T> out = new ArrayList<>();
        while (in.isReadable()) {
            int before = in.readerIndex();
            T msg = one.apply(in);
            if (msg != null) {
                out.add(msg);
            } else if (in.readerIndex() == before) {
                throw new IllegalArgumentException(in.readableBytes() + " bytes at offset " + before
                        + " do not form a whole frame");
            }
        }
        return out;
    }
}
