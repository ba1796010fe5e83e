package org.mgtm.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mgtm.protocol.codec.CodecTestSupport.LE;
import static org.mgtm.protocol.codec.CodecTestSupport.ascii;
import static org.mgtm.protocol.codec.CodecTestSupport.concat;
import static org.mgtm.protocol.codec.CodecTestSupport.drainInbound;
import static org.mgtm.protocol.codec.CodecTestSupport.hex;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.ResultType;
import org.mgtm.protocol.WireMessage;

/** Bad input to XcResponseDecoder: every fault is fatal, found as early as possible. */
class ResponseDecoderErrorTest {

    private static final byte[] ACK = hex("52 00 00 00 04");

    static Stream<Arguments> fatal() {
        // offset = bytes that must have arrived before the fault is visible
        return Stream.of(
                Arguments.of("frame type N (notice)", false, "4e 00 00 00 04", 1, "'N'"),
                Arguments.of("frame type 0", false, "00", 1, "0x00"),
                Arguments.of("ack with a body", false, "52 00 00 00 05 00", 5, "acknowledgement"),
                Arguments.of("length 3", false, "53 00 00 00 03", 5, "length"),
                Arguments.of("oversize length", false, "53 00 01 00 01", 5, "exceeds"),
                Arguments.of("S too short for result type", false, "53 00 00 00 06 00 00", 5, "result type"),
                Arguments.of("proxy S too short for header", true, "53 00 00 00 08 00 00 00 01", 5, "proxy header"),
                Arguments.of("E without any field", false, "45 00 00 00 04", 5, "too short"),
                Arguments.of("unknown result type 24", false, "53 00 00 00 0c 00 00 00 18 e8 03 00 00", 13,
                        "unknown result type 24"),
                Arguments.of("negative result type", false, "53 00 00 00 08 ff ff ff ff", 9, "unknown result type -1"),
                Arguments.of("truncated gxid", false, "53 00 00 00 0a 00 00 00 01 e8 03", 11, "insufficient"),
                Arguments.of("truncated key", false, "53 00 00 00 0e 00 00 00 0c 00 00 00 05 61 62", 15,
                        "insufficient"),
                Arguments.of("key length 1025", false, "53 00 00 00 0c 00 00 00 0c 00 00 04 01", 13,
                        "invalid sequence key length 1025"),
                Arguments.of("multi statuses beyond payload", true,
                        "53 00 00 00 12 00 00 00 05 ff ff 03 00 00 00 00 00 00 00", 19, "insufficient"),
                Arguments.of("snapshot for 2 transactions", false, "53 00 00 00 24 00 00 00 09 e8 03 00 00 02 00 00 00"
                        + " 00 00 00 00 e8 03 00 00 e8 03 00 00 e8 03 00 00 00 00 00 00", 37, "expected 1"),
                Arguments.of("snapshot xcnt beyond payload", false, "53 00 00 00 24 00 00 00 09 e8 03 00 00 01 00 00 00"
                        + " 00 00 00 00 e8 03 00 00 e8 03 00 00 e8 03 00 00 00 00 00 01", 37, "insufficient"),
                Arguments.of("E field without NUL", false, "45 00 00 00 08 53 45 52 52", 9, "unterminated"),
                Arguments.of("E without final 0", false, "45 00 00 00 0b 53" + ascii("ERROR") + "00", 12,
                        "insufficient"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fatal")
    void faultsAreFatal(String name, boolean proxy, String frame, int offset, String reason) {
        byte[] bytes = concat(ACK, hex(frame), ACK);
        for (int chunk : new int[] {1, 3, Integer.MAX_VALUE}) {
            XcResponseDecoder d = new XcResponseDecoder(LE, proxy);
            EmbeddedChannel ch = new EmbeddedChannel(d);
            List<Object> before = new ArrayList<>();
            XcProtocolException failure = null;
            int at = -1;
            for (int i = 0; i < bytes.length && failure == null; i += chunk) {
                int n = Math.min(chunk, bytes.length - i);
                try {
                    ch.writeInbound(Unpooled.wrappedBuffer(bytes, i, n));
                } catch (XcProtocolException e) {
                    failure = e;
                    at = i + n;
                }
                before.addAll(drainInbound(ch));
            }
            assertTrue(failure != null, name + ": no failure, chunk " + chunk);
            assertTrue(failure.getMessage().contains(reason), failure.getMessage());
            long expectedAt = ACK.length + offset;
            assertTrue(at >= expectedAt && at < expectedAt + chunk, name + ": failed after " + at + ", chunk " + chunk);
            assertEquals(List.of(WireMessage.StartupAck.INSTANCE), before);
            ch.writeInbound(Unpooled.wrappedBuffer(ACK));
            assertTrue(drainInbound(ch).isEmpty(), "input after the failure is dropped");
            assertEquals(0, d.bufferedBytes());
        }
    }

    @Test
    void trailingBytesAreSkippedLikeTheXcClient() {
        assertEquals(List.of(new WireMessage.Answer(WireMessage.NO_CONID,
                        new Response.BeginGxid(ResultType.TXN_BEGIN_GETGXID, 1000))),
                XcCodecs.decode(new XcResponseDecoder(LE, false), hex("53 00 00 00 0e 00 00 00 01 e8 03 00 00 aa bb")));
    }

    @Test
    void commitAnswerFormDependsOnLength() {
        XcResponseDecoder d = new XcResponseDecoder(LE, false);
        assertEquals(List.of(
                        new WireMessage.Answer(WireMessage.NO_CONID, new Response.Ended(ResultType.TXN_ROLLBACK, 1, false, 0)),
                        new WireMessage.Answer(WireMessage.NO_CONID, new Response.Ended(ResultType.TXN_ROLLBACK, 1, true, -1))),
                XcCodecs.decode(d, hex("53 00 00 00 0c 00 00 00 06 01 00 00 00"
                        + " 53 00 00 00 10 00 00 00 06 01 00 00 00 ff ff ff ff")));
    }

    @Test
    void errorFieldsOtherThanSeverityAndMessageAreIgnored() {
        String fields = "44" + ascii("detail") + "00 53" + ascii("PANIC") + "00 48" + ascii("hint") + "00 4d"
                + ascii("boom") + "00 00";
        byte[] body = hex("ff ff " + fields);
        byte[] frame = concat(hex(String.format("45 %08x", body.length + 4)), body);
        assertEquals(List.of(new WireMessage.Answer(-1, new Response.Error("PANIC", "boom"))),
                XcCodecs.decode(new XcResponseDecoder(LE, true), frame));
        // No fields at all: empty severity and message rather than nulls.
        assertEquals(List.of(new WireMessage.Answer(WireMessage.NO_CONID, new Response.Error("", ""))),
                XcCodecs.decode(new XcResponseDecoder(LE, false), hex("45 00 00 00 05 00")));
    }

    @Test
    void errorTextWithNulCannotBreakTheFieldList() {
        byte[] b = XcCodecs.encode(LE, new WireMessage.Answer(WireMessage.NO_CONID, Response.Error.error("a\0b")));
        assertEquals(List.of(new WireMessage.Answer(WireMessage.NO_CONID, Response.Error.error("a?b"))),
                XcCodecs.decode(new XcResponseDecoder(LE, false), b));
    }

    @Test
    void answerConidMustFitTheHeader() {
        assertThrows(IllegalArgumentException.class, () -> XcCodecs.encode(LE,
                new WireMessage.Answer(40000, new Response.BeginHandle(1))));
    }
}
