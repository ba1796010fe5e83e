package org.mgtm.protocol.codec;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.mgtm.fuzz.DecoderHarness;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.WireFormat;
import org.mgtm.protocol.WireMessage;

/**
 * Coverage-guided fuzz targets (Jazzer) for the XC 0.9.2 codecs, server side (XcRequestDecoder) and
 * client side (XcResponseDecoder), plain and proxy framing (docs/fuzzing.md). Input: one control byte,
 * then the stream. Control bits: 0 = start before the startup message (requests), 1 = big-endian host
 * order, 2-7 = chunk size - 1 for the chunked decoding compared with whole decoding.
 *
 * <p>In a normal {@code mvn test} each target runs once per file of its seed corpus under
 * {@code src/test/resources/org/mgtm/protocol/codec/XcCodecFuzzTestInputs/<target>/}; with
 * JAZZER_FUZZ=1 Jazzer fuzzes the selected target.
 */
class XcCodecFuzzTest {
    static final WireFormat BE = new WireFormat(ByteOrder.BIG_ENDIAN, WireFormat.DEFAULT_MAX_FRAME_LENGTH);

    @FuzzTest(maxDuration = "20s")
    void requestPlain(byte[] input) {
        request(input, false);
    }

    @FuzzTest(maxDuration = "20s")
    void requestProxy(byte[] input) {
        request(input, true);
    }

    @FuzzTest(maxDuration = "20s")
    void responsePlain(byte[] input) {
        response(input, false);
    }

    @FuzzTest(maxDuration = "20s")
    void responseProxy(byte[] input) {
        response(input, true);
    }

    private static WireFormat format(int ctrl) {
        return (ctrl & 2) != 0 ? BE : WireFormat.DEFAULT;
    }

    private static int chunk(int ctrl) {
        return (ctrl >>> 2) + 1;
    }

    private static byte[] stream(byte[] input) {
        return input.length == 0 ? input : java.util.Arrays.copyOfRange(input, 1, input.length);
    }

    /**
     * Requests on a GTM (honouring the startup's proxy flag). Proxy framing: a connection whose startup
     * said isproxy=1, or one taken up after such a startup.
     */
    static void request(byte[] input, boolean proxy) {
        int ctrl = input.length == 0 ? 0 : input[0] & 0xff;
        WireFormat fmt = format(ctrl);
        boolean atStartup = (ctrl & 1) != 0;
        DecoderHarness.check(() -> atStartup ? new XcRequestDecoder(fmt, proxy) : XcRequestDecoder.afterStartup(fmt, proxy),
                stream(input), chunk(ctrl), XcProtocolException.class,
                m -> !(m instanceof WireMessage.InvalidCommand),
                m -> XcCodecs.encode(fmt, (WireMessage.Frontend) m));
    }

    static void response(byte[] input, boolean proxy) {
        int ctrl = input.length == 0 ? 0 : input[0] & 0xff;
        WireFormat fmt = format(ctrl);
        DecoderHarness.check(() -> new XcResponseDecoder(fmt, proxy), stream(input), chunk(ctrl),
                XcProtocolException.class, m -> true, m -> XcCodecs.encode(fmt, (WireMessage.Backend) m));
    }

    /**
     * Writes the seed corpus from the codec tests' samples: {@code mvn test -Dtest=XcCodecFuzzTest#writeSeeds
     * -Dmgtm.fuzz.writeSeeds=src/test/resources}.
     */
    @Test
    @EnabledIfSystemProperty(named = "mgtm.fuzz.writeSeeds", matches = ".+")
    void writeSeeds() throws IOException {
        Path root = Path.of(System.getProperty("mgtm.fuzz.writeSeeds"), "org", "mgtm", "protocol", "codec",
                "XcCodecFuzzTestInputs");
        for (boolean proxy : new boolean[] {false, true}) {
            String suffix = proxy ? "Proxy" : "Plain";
            List<byte[]> requests = new ArrayList<>();
            List<byte[]> responses = new ArrayList<>();
            List<Request> reqs = MessageSamples.requests();
            List<Response> resps = MessageSamples.responses();
            for (int i = 0; i < reqs.size(); i++) {
                Request r = reqs.get(i);
                int conid = !proxy ? WireMessage.NO_CONID : r.type().name().endsWith("_MULTI") ? WireMessage.GROUP_CONID : i;
                requests.add(XcCodecs.encode(WireFormat.DEFAULT, new WireMessage.Command(conid, r)));
            }
            for (int i = 0; i < resps.size(); i++) {
                int conid = proxy ? i : WireMessage.NO_CONID;
                responses.add(XcCodecs.encode(WireFormat.DEFAULT, new WireMessage.Answer(conid, resps.get(i))));
            }
            byte[] startup = XcCodecs.encode(WireFormat.DEFAULT, new WireMessage.Startup(7, proxy));
            byte[] ack = XcCodecs.encode(WireFormat.DEFAULT, WireMessage.StartupAck.INSTANCE);
            Path rq = Files.createDirectories(root.resolve("request" + suffix));
            Path rs = Files.createDirectories(root.resolve("response" + suffix));
            for (int i = 0; i < requests.size(); i++) {
                // odd files start at the startup message, even ones after it; chunk sizes vary
                Files.write(rq.resolve(String.format("sample-%03d", i)), CodecTestSupport.concat(
                        new byte[] {(byte) (((i % 16) << 2) | (i % 2))}, i % 2 == 1 ? startup : new byte[0],
                        requests.get(i)));
            }
            Files.write(rq.resolve("all"), CodecTestSupport.concat(new byte[] {(byte) (3 << 2 | 1)}, startup,
                    CodecTestSupport.concat(requests.toArray(byte[][]::new)),
                    XcCodecs.encode(WireFormat.DEFAULT, WireMessage.Flush.INSTANCE),
                    XcCodecs.encode(WireFormat.DEFAULT, WireMessage.Terminate.INSTANCE)));
            for (int i = 0; i < responses.size(); i++) {
                Files.write(rs.resolve(String.format("sample-%03d", i)), CodecTestSupport.concat(
                        new byte[] {(byte) ((i % 16) << 2)}, i % 2 == 1 ? ack : new byte[0], responses.get(i)));
            }
            Files.write(rs.resolve("all"), CodecTestSupport.concat(new byte[] {(byte) (5 << 2)}, ack,
                    CodecTestSupport.concat(responses.toArray(byte[][]::new))));
        }
    }
}
