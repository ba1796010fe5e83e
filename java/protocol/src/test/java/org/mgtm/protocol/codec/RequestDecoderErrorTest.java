package org.mgtm.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mgtm.protocol.codec.CodecTestSupport.CHUNKS;
import static org.mgtm.protocol.codec.CodecTestSupport.LE;
import static org.mgtm.protocol.codec.CodecTestSupport.concat;
import static org.mgtm.protocol.codec.CodecTestSupport.drainInbound;
import static org.mgtm.protocol.codec.CodecTestSupport.encodeRequest;
import static org.mgtm.protocol.codec.CodecTestSupport.feed;
import static org.mgtm.protocol.codec.CodecTestSupport.hex;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.SequenceKey;
import org.mgtm.protocol.TxnRef;
import org.mgtm.protocol.WireFormat;
import org.mgtm.protocol.WireMessage;

/**
 * Bad input to XcRequestDecoder: payload faults give InvalidCommand and the connection goes on;
 * framing faults throw XcProtocolException as soon as they are visible and silence the channel.
 */
class RequestDecoderErrorTest {

    private static final String INSUFFICIENT = "insufficient data left in message";
    private static final String FORMAT = "invalid message format";
    /** A valid frame sent after each bad one, to show whether the decoder is still in step. */
    private static final byte[] NEXT = hex("43 00 00 00 0d 00 00 00 07 01 e8 03 00 00");
    private static final WireMessage.Command NEXT_MSG = WireMessage.Command.plain(new Request.TxnCommit(TxnRef.gxid(1000)));

    /** A plain 'C' frame with the given message type and payload. */
    static String cmd(int type, String payload) {
        byte[] p = hex(payload);
        return String.format("43 %08x %08x ", 8 + p.length, type) + payload;
    }

    /** A proxy 'C' frame. */
    static String pcmd(int conid, int type, String payload) {
        byte[] p = hex(payload);
        return String.format("43 %08x %02x %02x %08x ", 10 + p.length, conid & 0xff, (conid >> 8) & 0xff, type) + payload;
    }

    static Stream<Arguments> recoverable() {
        int no = WireMessage.NO_CONID;
        return Stream.of(
                Arguments.of("strict commit, trailing byte", false, cmd(7, "01 e8 03 00 00 00"), no, 7, FORMAT),
                Arguments.of("commit too short", false, cmd(7, "01 e8 03"), no, 7, INSUFFICIENT),
                Arguments.of("commit without payload", false, cmd(7, ""), no, 7, INSUFFICIENT),
                Arguments.of("snapshot trailing", false, cmd(12, "01 01 e8 03 00 00 ff"), no, 12, FORMAT),
                Arguments.of("unregister trailing", false, cmd(2, "00 00 00 01 00"), no, 2, FORMAT),
                Arguments.of("get_status trailing", false, cmd(24, "01 e8 03 00 00 00"), no, 24, FORMAT),
                Arguments.of("seq init trailing", false,
                        cmd(15, "00 00 00 01 61" + " 00".repeat(33) + " 00"), no, 15, FORMAT),
                Arguments.of("seq set_val short", false, cmd(19, "00 00 00 01 61 01 00"), no, 19, INSUFFICIENT),
                Arguments.of("type 0", false, cmd(0, ""), no, 0, "invalid frontend message type 0"),
                Arguments.of("type 1 (REGISTER_COORD)", false, cmd(1, "00 00 00 01"), no, 1,
                        "invalid frontend message type 1"),
                Arguments.of("type 27 inside C", false, cmd(27, ""), no, 27, "invalid frontend message type 27"),
                Arguments.of("type 29", false, cmd(29, ""), no, 29, "invalid frontend message type 29"),
                Arguments.of("type 1000", false, cmd(1000, "01 02"), no, 1000, "invalid frontend message type 1000"),
                Arguments.of("negative type", false, cmd(-1, ""), no, -1, "invalid frontend message type -1"),
                Arguments.of("proxy: conid echoed", true, pcmd(5, 29, ""), 5, 29, "invalid frontend message type 29"),
                Arguments.of("proxy: short commit", true, pcmd(-1, 7, "01"), -1, 7, INSUFFICIENT),
                Arguments.of("multi begin count 0", true, pcmd(-1, 5, "00 00 00 00"), -1, 5,
                        "invalid transaction count 0"),
                Arguments.of("multi begin count -1", true, pcmd(-1, 5, "ff ff ff ff"), -1, 5,
                        "invalid transaction count -1"),
                Arguments.of("commit multi count 4097", true, pcmd(-1, 8, "00 00 10 01"), -1, 8,
                        "invalid transaction count 4097"),
                Arguments.of("rollback multi count 0", true, pcmd(-1, 10, "00 00 00 00"), -1, 10,
                        "invalid transaction count 0"),
                Arguments.of("snapshot multi count -5", true, pcmd(-1, 13, "ff ff ff fb"), -1, 13,
                        "invalid transaction count -5"),
                Arguments.of("multi count beyond payload", true, pcmd(-1, 13, "00 00 00 02 01 50 05 00 00"), -1, 13,
                        INSUFFICIENT),
                Arguments.of("key length -1", false, cmd(17, "ff ff ff ff"), no, 17, "invalid sequence key length -1"),
                Arguments.of("key length 1025", false, cmd(16, "00 00 04 01"), no, 16,
                        "invalid sequence key length 1025"),
                Arguments.of("key shorter than its length", false, cmd(21, "00 00 00 0a 61 62"), no, 21, INSUFFICIENT),
                Arguments.of("rename: second key missing", false, cmd(22, "00 00 00 01 61"), no, 22, INSUFFICIENT),
                Arguments.of("prepare node count -1", false, cmd(6, "01 e8 03 00 00 ff ff ff ff"), no, 6,
                        "invalid node count -1"),
                Arguments.of("prepare nodes missing", false, cmd(6, "01 e8 03 00 00 00 00 00 03 01 00 00 00"), no, 6,
                        INSUFFICIENT),
                Arguments.of("prepare trailing", false, cmd(6, "01 e8 03 00 00 00 00 00 00 07"), no, 6, FORMAT),
                Arguments.of("flush with trailing byte", false, "46 00 00 00 09 00 00 00 1b 00", no, 27, FORMAT),
                Arguments.of("flush with wrong type", false, "46 00 00 00 08 00 00 00 1c", no, 28, FORMAT),
                Arguments.of("flush too short", false, "46 00 00 00 06 00 1b", no, 27, INSUFFICIENT),
                Arguments.of("proxy: bad flush answered to conid -1", true, "46 00 00 00 04", -1, 27, INSUFFICIENT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recoverable")
    void payloadFaultsKeepTheConnection(String name, boolean proxy, String frame, int conid, int type, String error) {
        byte[] next = proxy ? hex(pcmd(3, 7, "01 e8 03 00 00")) : NEXT;
        WireMessage.Command nextMsg = new WireMessage.Command(proxy ? 3 : WireMessage.NO_CONID, NEXT_MSG.request());
        byte[] bytes = concat(hex(frame), next);
        for (int chunk : CHUNKS) {
            List<Object> out = feed(new EmbeddedChannel(XcRequestDecoder.afterStartup(LE, proxy)), bytes, chunk);
            assertEquals(List.of(new WireMessage.InvalidCommand(conid, type, error), nextMsg), out, "chunk " + chunk);
        }
    }

    static Stream<Arguments> lenient() {
        return Stream.of(
                Arguments.of(cmd(4, "00 00 00 01 00 ff ff"), new Request.TxnBeginGetGxid(1, false)),
                Arguments.of(cmd(3, "00 00 00 00 01 ff"), new Request.TxnBegin(0, true)),
                Arguments.of(cmd(26, "00 00 00 01 00 00"), new Request.TxnBeginGetGxidAutovacuum(1, false)),
                Arguments.of(cmd(25, "01 02 03"), new Request.TxnGetAllPrepared()),
                Arguments.of(cmd(28, "00"), new Request.BackendDisconnect()),
                Arguments.of(cmd(17, "00 00 00 01 61 00 00"),
                        new Request.SequenceGetNext(SequenceKey.of("a"))),
                // C bool: any non-zero byte is true.
                Arguments.of(cmd(7, "02 e8 03 00 00"), new Request.TxnCommit(TxnRef.gxid(1000))));
    }

    @ParameterizedTest
    @MethodSource("lenient")
    void lenientMessagesIgnoreTrailingBytes(String frame, Request expected) {
        assertEquals(List.of(WireMessage.Command.plain(expected)),
                XcCodecs.decode(XcRequestDecoder.afterStartup(LE, false), hex(frame)));
    }

    @Test
    void largestMultiIsAccepted() {
        StringBuilder payload = new StringBuilder("00 00 10 00");
        for (int i = 0; i < WireFormat.MAX_MULTI_COUNT; i++) {
            payload.append(" 01 e8 03 00 00");
        }
        List<WireMessage.Frontend> out = XcCodecs.decode(XcRequestDecoder.afterStartup(LE, true),
                hex(pcmd(-1, 8, payload.toString())));
        assertEquals(WireFormat.MAX_MULTI_COUNT,
                ((Request.TxnCommitMulti) ((WireMessage.Command) out.get(0)).request()).txns().size());
    }

    // ---- fatal framing faults

    /**
     * Feeds {@code bytes} in chunks until the decoder throws; returns how many bytes had been written
     * when it did, and checks that nothing is decoded afterwards.
     */
    private static int failOffset(XcRequestDecoder decoder, byte[] bytes, int chunk, List<Object> before) {
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        for (int i = 0; i < bytes.length; i += chunk) {
            int n = Math.min(chunk, bytes.length - i);
            try {
                ch.writeInbound(Unpooled.wrappedBuffer(bytes, i, n));
            } catch (XcProtocolException e) {
                before.addAll(drainInbound(ch));
                // Once broken, even a perfectly good frame is dropped without a word.
                ch.writeInbound(Unpooled.wrappedBuffer(NEXT));
                ch.writeInbound(Unpooled.wrappedBuffer(hex("41 00 00 00 0c 01 00 00 00 00 ff ff ff")));
                assertTrue(drainInbound(ch).isEmpty(), "nothing after the failure");
                assertEquals(0, decoder.bufferedBytes());
                return i + n;
            }
        }
        throw new AssertionError("no XcProtocolException for " + hex(bytes) + " in chunks of " + chunk);
    }

    static Stream<Arguments> fatal() {
        String startup = "41 00 00 00 0c 01 00 00 00 00 ff ff ff ";
        String proxyStartup = "41 00 00 00 0c 01 00 00 00 01 ff ff ff ";
        // offset = how many bytes must have arrived for the fault to be visible
        return Stream.of(
                Arguments.of("command before startup", "", hex(NEXT), 1),
                Arguments.of("flush before startup", "", "46 00 00 00 08 00 00 00 1b", 1),
                Arguments.of("startup body 7 bytes", "", "41 00 00 00 0b 01 00 00 00 00 ff ff", 5),
                Arguments.of("startup body 9 bytes", "", "41 00 00 00 0d 01 00 00 00 00 ff ff ff 00", 5),
                Arguments.of("startup length 3", "", "41 00 00 00 03", 5),
                Arguments.of("second startup", startup, startup, 14),
                Arguments.of("unknown frame type Q", startup, "51 00 00 00 04", 14),
                Arguments.of("unknown frame type 0", startup, "00", 14),
                Arguments.of("length word 3", startup, "43 00 00 00 03 00 00 00 07", 18),
                Arguments.of("negative length", startup, "43 ff ff ff ff 00", 18),
                Arguments.of("oversize length", startup, "43 00 01 00 01 00 00 00 07", 18),
                Arguments.of("huge length", startup, "46 7f ff ff ff", 18),
                Arguments.of("command too short for msgtype", startup, "43 00 00 00 07 00 00 07", 18),
                Arguments.of("proxy command too short for header+msgtype", proxyStartup,
                        "43 00 00 00 09 ff ff 00 00 07", 18));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fatal")
    void framingFaultsAreFatal(String name, String prefix, String frame, int offset) {
        byte[] bytes = concat(hex(prefix), hex(frame), NEXT);
        for (int chunk : new int[] {1, 3, Integer.MAX_VALUE}) {
            List<Object> before = new ArrayList<>();
            int at = failOffset(new XcRequestDecoder(LE, true), bytes, chunk, before);
            assertTrue(at >= offset && at < (long) offset + chunk, name + ": failed after " + at + " bytes, chunk " + chunk);
            assertEquals(prefix.isEmpty() ? 0 : 1, before.size(), "messages before the fault");
        }
    }

    /** The length word alone condemns an oversize frame; its body is never waited for. */
    @Test
    void oversizeLengthRejectedBeforeBody() {
        WireFormat fmt = new WireFormat(ByteOrder.LITTLE_ENDIAN, 100);
        EmbeddedChannel ch = new EmbeddedChannel(XcRequestDecoder.afterStartup(fmt, false));
        ch.writeInbound(Unpooled.wrappedBuffer(hex("43 00 00")));
        XcProtocolException e = assertThrows(XcProtocolException.class,
                () -> ch.writeInbound(Unpooled.wrappedBuffer(hex("00 65"))));
        assertTrue(e.getMessage().contains("101") && e.getMessage().contains("100"), e.getMessage());
        // A frame of exactly the maximum is fine.
        byte[] max = hex(cmd(25, "00".repeat(100 - 8)));
        assertEquals(List.of(WireMessage.Command.plain(new Request.TxnGetAllPrepared())),
                XcCodecs.decode(XcRequestDecoder.afterStartup(fmt, false), max));
    }

    @Test
    void exceptionNamesTheReason() {
        XcProtocolException e = assertThrows(XcProtocolException.class,
                () -> XcCodecs.decode(new XcRequestDecoder(LE, true), hex("43 00 00 00 04")));
        assertTrue(e.getMessage().contains("startup"), e.getMessage());
        e = assertThrows(XcProtocolException.class,
                () -> XcCodecs.decode(XcRequestDecoder.afterStartup(LE, false), hex("5a 00 00 00 04")));
        assertTrue(e.getMessage().contains("'Z'"), e.getMessage());
    }

    // ---- startup and proxy flag

    @Test
    void proxyFlagHonouredOnlyWhenAsked() {
        byte[] proxyStartup = hex("41 00 00 00 0c 01 00 00 00 01 ff ff ff");
        XcRequestDecoder gtm = new XcRequestDecoder(LE, true);
        assertEquals(List.of(new WireMessage.Startup(1, true), new WireMessage.Command(0, new Request.BackendDisconnect())),
                XcCodecs.decode(gtm, concat(proxyStartup, hex("43 00 00 00 0a 00 00 00 00 00 1c"))));
        assertTrue(gtm.proxyFraming());

        // gtm_proxy's backend side: the backend's isproxy byte changes nothing.
        XcRequestDecoder proxySide = new XcRequestDecoder(LE, false);
        assertEquals(List.of(new WireMessage.Startup(1, true), NEXT_MSG),
                XcCodecs.decode(proxySide, concat(proxyStartup, NEXT)));
        assertFalse(proxySide.proxyFraming());
    }

    @Test
    void startupPaddingIsIgnoredAndCidIsHostOrder() {
        assertEquals(List.of(new WireMessage.Startup(0x04030201, false)),
                XcCodecs.decode(new XcRequestDecoder(LE, true), hex("41 00 00 00 0c 01 02 03 04 00 12 34 56")));
        assertEquals(List.of(new WireMessage.Startup(7, true)),
                XcCodecs.decode(new XcRequestDecoder(LE, true), hex("41 00 00 00 0c 07 00 00 00 05 00 00 00")));
    }

    @Test
    void inputAfterTerminateIsDropped() {
        byte[] bytes = concat(hex("58 00 00 00 04"), NEXT, hex("ff ff ff"));
        for (int chunk : CHUNKS) {
            XcRequestDecoder d = XcRequestDecoder.afterStartup(LE, false);
            assertEquals(List.of(WireMessage.Terminate.INSTANCE), feed(new EmbeddedChannel(d), bytes, chunk));
        }
    }

    // ---- request encoder refusals

    @Test
    void encoderRefusesInvalidCommandAndBadConid() {
        assertThrows(EncoderException.class,
                () -> encodeRequest(new WireMessage.InvalidCommand(WireMessage.NO_CONID, 99, "x")));
        assertThrows(EncoderException.class,
                () -> encodeRequest(new WireMessage.Command(70000, new Request.TxnGetAllPrepared())));
        assertThrows(IllegalArgumentException.class,
                () -> XcCodecs.encode(LE, new WireMessage.InvalidCommand(1, 2, "x")));
    }

    @Test
    void wholeFrameHelperRefusesPartialFrames() {
        assertThrows(IllegalArgumentException.class,
                () -> XcCodecs.decode(XcRequestDecoder.afterStartup(LE, false), hex("43 00 00 00 0d 00")));
    }
}
