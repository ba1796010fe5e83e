package org.mgtm.protocol.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mgtm.protocol.internal.InternalTestSupport.CHUNKS;
import static org.mgtm.protocol.internal.InternalTestSupport.LE;
import static org.mgtm.protocol.internal.InternalTestSupport.concat;
import static org.mgtm.protocol.internal.InternalTestSupport.encode;
import static org.mgtm.protocol.internal.InternalTestSupport.feed;
import static org.mgtm.protocol.internal.InternalTestSupport.frame;
import static org.mgtm.protocol.internal.InternalTestSupport.hex;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mgtm.protocol.internal.InternalTestSupport.Outcome;

/** Bad input to InternalReplyDecoder: one InternalProtocolException, then silence. */
class ReplyDecoderErrorTest {

    static final ServerMessage.Welcome WELCOME = new ServerMessage.Welcome(2, "mgtm1", true, false);
    static final ServerMessage NEXT = new ServerMessage.Pong(1, 2);
    static final byte[] NEXT_BYTES = encode(LE, NEXT);

    static String reply(long no, String body) {
        return String.format("%016x ", no) + body;
    }

    static Stream<Arguments> faults() {
        String term = "0000000000000003";
        return Stream.of(
                Arguments.of("length 0", false, hex("00000000"), "invalid frame length 0"),
                Arguments.of("negative length", false, hex("80000000"), "invalid frame length -2147483648"),
                Arguments.of("length over max", false, hex("7fffffff"), "exceeds the maximum"),
                Arguments.of("kind 0x80", true, frame(0x80, ""), "unknown server message kind 0x80"),
                Arguments.of("kind 0x88", true, frame(0x88, ""), "unknown server message kind 0x88"),
                Arguments.of("client kind", true, frame(0x01, ""), "unknown server message kind HELLO"),
                // order
                Arguments.of("XC_REPLY before WELCOME", false, frame(0x82, reply(1, "4e")),
                        "expected WELCOME first, got XC_REPLY"),
                Arguments.of("PONG before WELCOME", false, NEXT_BYTES, "expected WELCOME first, got PONG"),
                Arguments.of("STATUS before WELCOME", false, frame(0x84, ""), "expected WELCOME first, got STATUS"),
                Arguments.of("SESSION_ENDED before WELCOME", false, frame(0x85, ""), "got SESSION_ENDED"),
                Arguments.of("second WELCOME", true, encode(LE, WELCOME), "second WELCOME"),
                // WELCOME
                Arguments.of("other version", false, frame(0x81, "0002 00" + term + "0000"), "server speaks version 2"),
                Arguments.of("unknown flags", false, frame(0x81, "0001 04" + term + "0000"), "unknown flags 0x04"),
                Arguments.of("negative term", false, frame(0x81, "0001 00 ffffffffffffffff 0000"), "negative term -1"),
                Arguments.of("WELCOME truncated", false, frame(0x81, "0001 00 0000"), "truncated at term"),
                Arguments.of("member id too long", false, frame(0x81, "0001 00" + term + "0100" + "61".repeat(256)),
                        "member id is 256 bytes"),
                Arguments.of("member id not UTF-8", false, frame(0x81, "0001 00" + term + "0001 ff"), "not valid UTF-8"),
                Arguments.of("WELCOME trailing", false, frame(0x81, "0001 00" + term + "0000 00"), "1 trailing bytes"),
                // XC_REPLY
                Arguments.of("request number 0", true, frame(0x82, reply(0, "4e")), "at least 1"),
                Arguments.of("no outcome", true, frame(0x82, reply(1, "")), "XC response: insufficient data"),
                Arguments.of("unknown outcome", true, frame(0x82, reply(1, "58")), "unknown response outcome X"),
                Arguments.of("unknown result type", true, frame(0x82, reply(1, "53 00000018")),
                        "unknown XC result type 24"),
                Arguments.of("S truncated", true, frame(0x82, reply(1, "53 00000001 e803")), "insufficient data"),
                Arguments.of("N with payload", true, frame(0x82, reply(1, "4e 00")), "1 trailing bytes after None"),
                Arguments.of("commit with 2 extra bytes", true, frame(0x82, reply(1, "53 00000004 e8030000 0000")),
                        "2 trailing bytes after Ended"),
                Arguments.of("E unterminated", true, frame(0x82, reply(1, "45 53 4552524f52")), "unterminated string"),
                Arguments.of("E trailing", true, frame(0x82, reply(1, "45 00 00")), "1 trailing bytes after Error"),
                Arguments.of("snapshot for 2", true, frame(0x82, reply(1, "53 00000009 e8030000 02000000")),
                        "expected 1"),
                // small messages
                Arguments.of("PONG short", true, frame(0x83, "0000000000000001 00"), "truncated at term"),
                Arguments.of("PONG negative term", true, frame(0x83, "0000000000000001 8000000000000000"),
                        "negative term"),
                Arguments.of("STATUS not UTF-8", true, frame(0x84, "7b 80 7d"), "status document is not valid UTF-8"),
                Arguments.of("SESSION_ENDED with payload", true, frame(0x85, "00"), "malformed SESSION_ENDED"),
                // NOT_LEADER
                Arguments.of("NOT_LEADER truncated", false, frame(0x86, term + "0005 6d67"), "truncated at leader id"),
                Arguments.of("address without id", false, frame(0x86, term + "0000 0006 613a37303031"),
                        "leader address without a leader id"),
                Arguments.of("address without port", false, frame(0x86, term + "0001 61 0001 61"), "is not host:port"),
                Arguments.of("address port 0", true, frame(0x86, term + "0001 61 0003 613a30"), "is not host:port"),
                Arguments.of("address too long", false, frame(0x86, term + "0001 61 012d" + "61".repeat(301)),
                        "leader address is 301 bytes"),
                Arguments.of("NOT_LEADER trailing", false, frame(0x86, term + "0000 0000 00"), "1 trailing bytes"),
                // ERROR
                Arguments.of("error code 0", false, frame(0x87, "0000 0000"), "unknown error code 0"),
                Arguments.of("error code 99", true, frame(0x87, "0063 0002 6869"), "unknown error code 99 (message: hi)"),
                Arguments.of("ERROR truncated", false, frame(0x87, "0001 0005 6869"), "truncated at error message"),
                Arguments.of("ERROR trailing", false, frame(0x87, "0001 0000 00"), "1 trailing bytes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void faultClosesTheStream(String name, boolean welcomeFirst, byte[] bad, String reason) {
        byte[] head = welcomeFirst ? encode(LE, WELCOME) : new byte[0];
        byte[] stream = concat(List.of(head, bad, NEXT_BYTES));
        for (int chunk : CHUNKS) {
            InternalReplyDecoder decoder = new InternalReplyDecoder(LE);
            EmbeddedChannel ch = new EmbeddedChannel(decoder);
            Outcome o = feed(ch, stream, chunk);
            assertNotNull(o.error(), name + ": no error, chunk " + chunk);
            assertTrue(o.error().getMessage().contains(reason), () -> "'" + o.error().getMessage() + "'");
            assertEquals(welcomeFirst ? List.of(WELCOME) : List.of(), o.messages(), "chunk " + chunk);
            ch.writeInbound(Unpooled.wrappedBuffer(concat(List.of(encode(LE, WELCOME), NEXT_BYTES))));
            assertNull(ch.readInbound());
            assertEquals(0, decoder.bufferedBytes());
        }
    }

    @Test
    void oversizeLengthRefusedAsSoonAsReadable() {
        InternalFormat fmt = new InternalFormat(LE.xc(), 5000);
        EmbeddedChannel ch = new EmbeddedChannel(new InternalReplyDecoder(fmt));
        ch.writeInbound(Unpooled.wrappedBuffer(hex("00 00 13")));
        InternalProtocolException e = assertThrows(InternalProtocolException.class,
                () -> ch.writeInbound(Unpooled.wrappedBuffer(hex("89"))));
        assertEquals("frame length 5001 exceeds the maximum of 5000", e.getMessage());
    }

    /** ERROR, NOT_LEADER and SESSION_ENDED are the last word: whatever follows is not read. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("lastMessages")
    void inputAfterLastMessageIsDropped(ServerMessage last) {
        byte[] stream = concat(List.of(encode(LE, WELCOME), encode(LE, last), NEXT_BYTES, hex("00000000")));
        for (int chunk : CHUNKS) {
            Outcome o = feed(new EmbeddedChannel(new InternalReplyDecoder(LE)), stream, chunk);
            assertNull(o.error());
            assertEquals(List.of(WELCOME, last), o.messages());
        }
    }

    static Stream<ServerMessage> lastMessages() {
        return Samples.lastMessages().stream();
    }
}
