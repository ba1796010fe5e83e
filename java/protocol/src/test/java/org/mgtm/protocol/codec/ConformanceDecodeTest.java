package org.mgtm.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.mgtm.protocol.codec.CodecTestSupport.LE;
import static org.mgtm.protocol.codec.CodecTestSupport.hex;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mgtm.conformance.HexCapture;
import org.mgtm.conformance.HexCapture.Direction;
import org.mgtm.conformance.HexCapture.Segment;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.WireMessage;

/**
 * Every captured XC 0.9.2 connection decodes completely with the mgtm decoders, and the encoders give
 * back the captured bytes exactly. The only bytes exempt are the 3 padding bytes of the startup
 * packet (uninitialised struct padding on the sender, protocol notes, "Startup"; our encoder writes ff ff ff, as
 * every capture happens to show). No other garbage field occurs in these captures: backends name
 * transactions by GXID only, so the uninitialised GXID echo of handle-based requests never shows.
 *
 * <p>As an independent check, the decoded message sequence of each connection must match the one
 * listed in the capture set's own {@code *.summary.txt} (written by a separate dissector).
 */
class ConformanceDecodeTest {

    /**
     * No captured message spans TCP segments (the senders write whole messages), so the captures are
     * also fed in chunks that cut through every frame.
     */
    private static final int[] ODD_CHUNKS = {1, 7};

    static Stream<Named<Path>> captures() {
        return HexCapture.captureFilesOrMissing().stream()
                .map(p -> Named.of(p == null ? "XC 0.9.2 capture set missing" : HexCapture.read(p).name(), p));
    }

    /** The capture set has what the other tests rely on (skipped, or failed when required, without it: CaptureSet). */
    @Test
    void captureSetIsPresent() {
        assertTrue(Files.isDirectory(HexCapture.conformanceDir()));
        List<HexCapture> all = HexCapture.readAll();
        assertTrue(all.stream().anyMatch(HexCapture::proxyFramed), "some proxy->gtm captures");
        assertTrue(all.stream().anyMatch(c -> c.name().startsWith("x86_64")), "64-bit captures");
        assertTrue(all.stream().anyMatch(HexCapture::startsMidConnection), "captures starting mid-connection");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void decodesCompletelyAndReencodesExactly(Path file) {
        if (file == null) {
            HexCapture.conformanceDir(); // skips loudly, or fails when the captures are required
        }
        HexCapture cap = HexCapture.read(file);
        boolean proxy = cap.proxyFramed();

        XcRequestDecoder reqDecoder = requestDecoder(cap);
        List<Object> requests = feedSegments(reqDecoder, cap.segments(Direction.CLIENT_TO_SERVER));
        assertEquals(0, reqDecoder.bufferedBytes(), "undecoded C->S bytes");
        List<Object> invalid = requests.stream().filter(m -> m instanceof WireMessage.InvalidCommand).toList();
        assertTrue(invalid.isEmpty(), "InvalidCommand: " + invalid);
        assertEquals(proxy, reqDecoder.proxyFraming(), "framing of the connection");
        assertEquals(requests, new ArrayList<>(XcCodecs.decode(requestDecoder(cap), cap.clientToServer())),
                "whole-stream decoding agrees with segment-wise decoding");
        for (int chunk : ODD_CHUNKS) {
            assertEquals(requests, CodecTestSupport.feed(new EmbeddedChannel(requestDecoder(cap)), cap.clientToServer(),
                    chunk), "C->S fed in chunks of " + chunk);
        }
        assertReencodes("C->S", cap.clientToServer(), requests,
                m -> XcCodecs.encode(LE, (WireMessage.Frontend) m));

        XcResponseDecoder respDecoder = new XcResponseDecoder(LE, proxy);
        List<Object> responses = feedSegments(respDecoder, cap.segments(Direction.SERVER_TO_CLIENT));
        assertEquals(0, respDecoder.bufferedBytes(), "undecoded S->C bytes");
        assertEquals(responses, new ArrayList<>(XcCodecs.decode(new XcResponseDecoder(LE, proxy), cap.serverToClient())));
        for (int chunk : ODD_CHUNKS) {
            assertEquals(responses, CodecTestSupport.feed(new EmbeddedChannel(new XcResponseDecoder(LE, proxy)),
                    cap.serverToClient(), chunk), "S->C fed in chunks of " + chunk);
        }
        assertReencodes("S->C", cap.serverToClient(), responses, m -> XcCodecs.encode(LE, (WireMessage.Backend) m));

        assertMatchesSummary(cap, requests, responses);
        System.out.printf("%-52s C->S %5dB %4d msgs %s | S->C %5dB %4d msgs %s%n", cap.name(),
                cap.clientToServer().length, requests.size(), kinds(requests),
                cap.serverToClient().length, responses.size(), kinds(responses));
    }

    /** Proxy->gtm captures may begin after the startup; the first byte tells. */
    private static XcRequestDecoder requestDecoder(HexCapture cap) {
        if (cap.startsMidConnection()) {
            return XcRequestDecoder.afterStartup(LE, cap.proxyFramed());
        }
        return new XcRequestDecoder(LE, !cap.serverIsProxy());
    }

    /** One write per TCP segment, as the bytes arrived. */
    private static List<Object> feedSegments(ChannelHandler decoder, List<Segment> segments) {
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        List<Object> out = new ArrayList<>();
        for (Segment s : segments) {
            ch.writeInbound(Unpooled.wrappedBuffer(s.bytes()));
            out.addAll(CodecTestSupport.drainInbound(ch));
        }
        return out;
    }

    private static void assertReencodes(String dir, byte[] captured, List<Object> msgs, Function<Object, byte[]> enc) {
        int offset = 0;
        for (int i = 0; i < msgs.size(); i++) {
            Object m = msgs.get(i);
            byte[] mine = enc.apply(m);
            if (offset + mine.length > captured.length) {
                fail(dir + " message " + i + " " + m + " re-encodes past the end of the capture");
            }
            byte[] theirs = Arrays.copyOfRange(captured, offset, offset + mine.length);
            // The startup's last 3 bytes are struct padding: whatever the sender's stack held.
            int compared = m instanceof WireMessage.Startup ? mine.length - Frames.STARTUP_PAD : mine.length;
            if (!Arrays.equals(mine, 0, compared, theirs, 0, compared)) {
                fail(dir + " message " + i + " at offset " + offset + " " + m + "\n captured: " + hex(theirs)
                        + "\n encoded:  " + hex(mine));
            }
            offset += mine.length;
        }
        assertEquals(captured.length, offset, dir + " bytes covered by the decoded messages");
    }

    private static String kinds(List<Object> msgs) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Object m : msgs) {
            counts.merge(label(m), 1, Integer::sum);
        }
        return counts.toString();
    }

    /** The name the capture summaries use for a message. */
    private static String label(Object m) {
        if (m instanceof WireMessage.Command c) {
            return "MSG_" + c.request().type().name();
        } else if (m instanceof WireMessage.Answer a) {
            return a.response() instanceof Response.Success s ? s.resultType().name() + "_RESULT" : "E";
        } else if (m instanceof WireMessage.Startup) {
            return "A";
        } else if (m instanceof WireMessage.Flush) {
            return "MSG_DATA_FLUSH";
        } else if (m instanceof WireMessage.Terminate) {
            return "X";
        } else if (m instanceof WireMessage.StartupAck) {
            return "R";
        }
        return m.getClass().getSimpleName();
    }

    /**
     * The summary lists, per connection, one line per message: {@code <time> C->S C conid(LE)=n MSG_X ...},
     * {@code <time> C->S F MSG_DATA_FLUSH}, {@code <time> S->C R auth-ok}, {@code <time> C->S A startup},
     * {@code <time> C->S X terminate}.
     */
    private static void assertMatchesSummary(HexCapture cap, List<Object> requests, List<Object> responses) {
        Path summary = cap.path().resolveSibling(cap.path().getFileName().toString().replaceFirst("\\.stream\\d+\\..*",
                ".summary.txt"));
        List<String> c2s = new ArrayList<>();
        List<String> s2c = new ArrayList<>();
        boolean mine = false;
        try {
            for (String line : Files.readAllLines(summary)) {
                String t = line.strip();
                if (t.startsWith("file ")) {
                    mine = t.split("\\s+")[1].equals(cap.path().getFileName().toString());
                } else if (t.startsWith("==")) {
                    mine = false;
                } else if (mine && t.matches("[0-9.]+ (C->S|S->C) .*")) {
                    String[] f = t.split("\\s+");
                    String name = switch (f[2]) {
                        case "A", "R", "X", "E" -> f[2];
                        default -> f[3].startsWith("conid") ? f[4] : f[3];
                    };
                    (f[1].equals("C->S") ? c2s : s2c).add(name);
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot read " + summary, e);
        }
        assertFalse(c2s.isEmpty() && s2c.isEmpty(), "summary lists nothing for " + cap.name());
        assertEquals(c2s, requests.stream().map(ConformanceDecodeTest::label).toList(), "C->S sequence vs summary");
        assertEquals(s2c, responses.stream().map(ConformanceDecodeTest::label).toList(), "S->C sequence vs summary");
    }
}
