package org.mgtm.fuzz;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What the fuzz targets check on a decoder fed through an {@link EmbeddedChannel}:
 * <ol>
 *   <li>the only exception that may come out is the codec's documented protocol exception (itself,
 *       not wrapped: {@code ByteToMessageDecoder} wraps anything else in a plain DecoderException), at
 *       most once per channel, however many writes follow;</li>
 *   <li>the bytes decode to the same messages and the same failure whether written whole or in chunks;</li>
 *   <li>whatever decodes re-encodes: encoding the decoded messages gives bytes that a fresh decoder turns
 *       into the same messages without error, and encoding those again gives the same bytes.</li>
 * </ol>
 * A violation throws {@link AssertionError} (which Jazzer reports as a finding).
 */
public final class DecoderHarness {
    private DecoderHarness() {
    }

    /** The messages a stream decoded to, and the protocol exception it ended with (class name), if any. */
    public record Outcome(List<Object> messages, String failure) {
    }

    /**
     * Writes {@code bytes} in chunks of {@code chunk} into a fresh channel around {@code decoder}.
     *
     * @param allowed the codec's documented protocol exception
     */
    public static Outcome feed(ChannelHandler decoder, byte[] bytes, int chunk, Class<? extends RuntimeException> allowed) {
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        List<Object> msgs = new ArrayList<>();
        String failure = null;
        for (int i = 0; i < bytes.length; i += chunk) {
            int n = Math.min(chunk, bytes.length - i);
            try {
                ch.writeInbound(Unpooled.wrappedBuffer(bytes, i, n));
            } catch (RuntimeException e) {
                if (e.getClass() != allowed) {
                    throw new AssertionError("undocumented exception from the decoder at byte " + i + ": " + e, e);
                }
                if (failure != null) {
                    throw new AssertionError("a second exception after the first (" + failure + "): " + e, e);
                }
                failure = e.getClass().getSimpleName();
            }
            for (Object o = ch.readInbound(); o != null; o = ch.readInbound()) {
                msgs.add(o);
            }
        }
        return new Outcome(msgs, failure);
    }

    /**
     * Runs the three checks.
     *
     * @param fresh       a new decoder in the configuration under test
     * @param chunk       the chunk size to compare whole decoding against
     * @param reencodable which decoded messages are messages (not decoding outcomes such as an invalid command)
     * @param encode      a message's bytes
     */
    public static void check(Supplier<ChannelHandler> fresh, byte[] bytes, int chunk,
                             Class<? extends RuntimeException> allowed, Predicate<Object> reencodable,
                             Function<Object, byte[]> encode) {
        Outcome whole = feed(fresh.get(), bytes, Math.max(1, bytes.length), allowed);
        Outcome chunked = feed(fresh.get(), bytes, chunk, allowed);
        if (!Objects.equals(whole, chunked)) {
            throw new AssertionError("whole and chunk-" + chunk + " decoding differ:\n  " + whole + "\n  " + chunked);
        }
        List<Object> kept = whole.messages().stream().filter(reencodable).toList();
        if (kept.isEmpty()) {
            return;
        }
        byte[] again = encodeAll(kept, encode);
        Outcome redecoded = feed(fresh.get(), again, again.length, allowed);
        if (redecoded.failure() != null || !redecoded.messages().equals(kept)) {
            throw new AssertionError("re-encoded messages decode differently:\n  " + kept + "\n  " + redecoded);
        }
        byte[] third = encodeAll(redecoded.messages(), encode);
        if (!java.util.Arrays.equals(again, third)) {
            throw new AssertionError("encoding is not stable over a decode: " + java.util.HexFormat.of().formatHex(again)
                    + " vs " + java.util.HexFormat.of().formatHex(third));
        }
    }

    private static byte[] encodeAll(List<Object> msgs, Function<Object, byte[]> encode) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object m : msgs) {
            byte[] b;
            try {
                b = encode.apply(m);
            } catch (RuntimeException e) {
                throw new AssertionError("a decoded message does not encode: " + m + ": " + e, e);
            }
            out.writeBytes(b);
        }
        return out.toByteArray();
    }
}
