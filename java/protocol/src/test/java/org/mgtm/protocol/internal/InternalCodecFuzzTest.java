package org.mgtm.protocol.internal;

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

/**
 * Coverage-guided fuzz targets (Jazzer) for the internal protocol's decoders: InternalRequestDecoder
 * (what a replica reads) and InternalReplyDecoder (what a proxy or mgtm-ctl reads). Input: one control
 * byte (bit 1 = big-endian XC bodies, bits 2-7 = chunk size - 1), then the stream. See
 * docs/fuzzing.md and {@link DecoderHarness} for what is checked.
 */
class InternalCodecFuzzTest {

    @FuzzTest(maxDuration = "20s")
    void requestDecoder(byte[] input) {
        int ctrl = input.length == 0 ? 0 : input[0] & 0xff;
        InternalFormat fmt = (ctrl & 2) != 0 ? InternalTestSupport.BE : InternalTestSupport.LE;
        DecoderHarness.check(() -> new InternalRequestDecoder(fmt), stream(input), (ctrl >>> 2) + 1,
                InternalProtocolException.class,
                m -> !(m instanceof ClientMessage.UnsupportedHello)
                        && !(m instanceof ClientMessage.Hello h && h.xcHostOrder() != fmt.xc().hostOrder()),
                m -> InternalTestSupport.encode(fmt, (ClientMessage) m));
    }

    @FuzzTest(maxDuration = "20s")
    void replyDecoder(byte[] input) {
        int ctrl = input.length == 0 ? 0 : input[0] & 0xff;
        InternalFormat fmt = (ctrl & 2) != 0 ? InternalTestSupport.BE : InternalTestSupport.LE;
        DecoderHarness.check(() -> new InternalReplyDecoder(fmt), stream(input), (ctrl >>> 2) + 1,
                InternalProtocolException.class, m -> true, m -> InternalTestSupport.encode(fmt, (ServerMessage) m));
    }

    private static byte[] stream(byte[] input) {
        return input.length == 0 ? input : java.util.Arrays.copyOfRange(input, 1, input.length);
    }

    /**
     * Writes the seed corpus from the protocol tests' samples: {@code mvn test
     * -Dtest=InternalCodecFuzzTest#writeSeeds -Dmgtm.fuzz.writeSeeds=src/test/resources}.
     */
    @Test
    @EnabledIfSystemProperty(named = "mgtm.fuzz.writeSeeds", matches = ".+")
    void writeSeeds() throws IOException {
        Path root = Path.of(System.getProperty("mgtm.fuzz.writeSeeds"), "org", "mgtm", "protocol", "internal",
                "InternalCodecFuzzTestInputs");
        Path rq = Files.createDirectories(root.resolve("requestDecoder"));
        Path rp = Files.createDirectories(root.resolve("replyDecoder"));
        for (int big = 0; big < 2; big++) {
            InternalFormat fmt = big == 1 ? InternalTestSupport.BE : InternalTestSupport.LE;
            ByteOrder order = fmt.xc().hostOrder();
            byte[] hello = InternalTestSupport.encode(fmt, Samples.hello(order));
            byte[] tool = InternalTestSupport.encode(fmt, new ClientMessage.Hello(0, false, order, Samples.TOKEN, "ctl"));
            List<ClientMessage> traffic = Samples.sessionTraffic();
            List<byte[]> all = new ArrayList<>(List.of(hello));
            for (int i = 0; i < traffic.size(); i++) {
                byte[] m = InternalTestSupport.encode(fmt, traffic.get(i));
                all.add(m);
                Files.write(rq.resolve(String.format("sample-%d-%03d", big, i)), InternalTestSupport.concat(List.of(
                        new byte[] {(byte) (((i % 16) << 2) | (big << 1))}, hello, m)));
            }
            Files.write(rq.resolve("tool-" + big), InternalTestSupport.concat(List.of(new byte[] {(byte) (big << 1)}, tool,
                    InternalTestSupport.encode(fmt, ClientMessage.StatusRequest.INSTANCE))));
            List<byte[]> withCtrl = new ArrayList<>(List.of(new byte[] {(byte) ((6 << 2) | (big << 1))}));
            withCtrl.addAll(all);
            Files.write(rq.resolve("all-" + big), InternalTestSupport.concat(withCtrl));

            byte[] welcome = InternalTestSupport.encode(fmt, ServerRoundTripTest.WELCOME);
            List<ServerMessage> replies = new ArrayList<>(Samples.replyTraffic());
            replies.addAll(Samples.lastMessages());
            List<byte[]> allReplies = new ArrayList<>(List.of(new byte[] {(byte) ((4 << 2) | (big << 1))}, welcome));
            for (int i = 0; i < replies.size(); i++) {
                byte[] m = InternalTestSupport.encode(fmt, replies.get(i));
                if (i < Samples.replyTraffic().size()) {
                    allReplies.add(m);
                }
                Files.write(rp.resolve(String.format("sample-%d-%03d", big, i)), InternalTestSupport.concat(List.of(
                        new byte[] {(byte) (((i % 16) << 2) | (big << 1))}, welcome, m)));
            }
            Files.write(rp.resolve("all-" + big), InternalTestSupport.concat(allReplies));
        }
    }
}
