package org.mgtm.protocol.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
import io.netty.handler.codec.CorruptedFrameException;
import java.nio.ByteOrder;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.TxnRef;
import org.mgtm.protocol.internal.InternalTestSupport.Outcome;

/**
 * Bad input to InternalRequestDecoder: every fault throws InternalProtocolException once, whatever
 * the chunking, and every later byte is dropped; a few endings drop input without an error.
 */
class RequestDecoderErrorTest {

    static final ClientMessage.Hello HELLO = Samples.hello(ByteOrder.LITTLE_ENDIAN);
    static final ClientMessage.Hello TOOL_HELLO = ClientMessage.Hello.withoutSession(ByteOrder.LITTLE_ENDIAN,
            Samples.TOKEN, "mgtm-ctl");
    /** A valid message sent after each bad one: it must never come out. */
    static final ClientMessage NEXT = new ClientMessage.Ping(77);
    static final byte[] NEXT_BYTES = encode(LE, NEXT);

    /** HELLO payload fields before the session id: magic, version 1, flags, byte order. */
    static final String HELLO_HEAD = "4d47544d 0001 00 00";
    static final String SESSION = "0000000000000001";
    static final String TOKEN = "0002 6869";
    static final String NAME = "0001 70";

    /** XC_REQUEST payload with the given numbers and XC body (hex). */
    static String req(long no, long acked, String xcBody) {
        return String.format("%016x %016x 00000001 ", no, acked) + xcBody;
    }

    /** name, bytes after the HELLO (null = no HELLO first), expected message fragment. */
    static Stream<Arguments> faults() {
        String commit = "00000007 01 e8030000";
        return Stream.of(
                // framing
                Arguments.of("length 0", false, hex("00000000"), "invalid frame length 0"),
                Arguments.of("negative length", false, hex("ffffffff 01"), "invalid frame length -1"),
                Arguments.of("length over max", false, hex("00100001 01"), "exceeds the maximum of 1048576"),
                Arguments.of("XC startup packet", false, hex("41000000 0c 00000000 01ffffff"), "exceeds the maximum"),
                Arguments.of("HTTP request", false, "GET / HTTP/1.1\r\n".getBytes(), "exceeds the maximum"),
                Arguments.of("kind 0", true, frame(0x00, ""), "unknown client message kind 0x00"),
                Arguments.of("kind 6", true, frame(0x06, ""), "unknown client message kind 0x06"),
                Arguments.of("server kind", true, frame(0x82, "00"), "unknown client message kind XC_REPLY"),
                Arguments.of("kind 0xff", true, frame(0xff, ""), "unknown client message kind 0xff"),
                // order
                Arguments.of("PING before HELLO", false, encode(LE, NEXT), "expected HELLO first, got PING"),
                Arguments.of("XC_REQUEST before HELLO", false, frame(0x02, req(1, 0, commit)),
                        "expected HELLO first, got XC_REQUEST"),
                Arguments.of("second HELLO", true, encode(LE, HELLO), "second HELLO"),
                // HELLO payload
                Arguments.of("bad magic", false, frame(0x01, "4d47544e 0001"), "magic 0x4d47544e is not \"MGTM\""),
                Arguments.of("XC-looking HELLO", false, frame(0x01, "00000003 01"), "magic 0x00000003 is not"),
                Arguments.of("HELLO shorter than magic", false, frame(0x01, "4d4754"), "truncated at magic"),
                Arguments.of("HELLO without version", false, frame(0x01, "4d47544d 00"), "truncated at version"),
                Arguments.of("HELLO truncated", false, frame(0x01, HELLO_HEAD + " 00000000"), "truncated at session id"),
                Arguments.of("unknown flags", false, frame(0x01, "4d47544d 0001 02 00" + SESSION + TOKEN + NAME),
                        "unknown flags 0x02"),
                Arguments.of("bad byte order", false, frame(0x01, "4d47544d 0001 00 02" + SESSION + TOKEN + NAME),
                        "byte order is neither"),
                Arguments.of("resume without session", false,
                        frame(0x01, "4d47544d 0001 01 00 0000000000000000" + TOKEN + NAME), "cannot resume"),
                Arguments.of("token too long", false, frame(0x01, HELLO_HEAD + SESSION + "0401" + "00".repeat(1025) + NAME),
                        "token is 1025 bytes, at most 1024"),
                Arguments.of("token past the end", false, frame(0x01, HELLO_HEAD + SESSION + "0010 6869"),
                        "truncated at token"),
                Arguments.of("name too long", false, frame(0x01, HELLO_HEAD + SESSION + TOKEN + "0100" + "61".repeat(256)),
                        "client name is 256 bytes"),
                Arguments.of("name not UTF-8", false, frame(0x01, HELLO_HEAD + SESSION + TOKEN + "0002 c328"),
                        "client name is not valid UTF-8"),
                Arguments.of("HELLO trailing byte", false, frame(0x01, HELLO_HEAD + SESSION + TOKEN + NAME + "00"),
                        "1 trailing bytes"),
                // XC_REQUEST payload
                Arguments.of("request number 0", true, frame(0x02, req(0, 0, commit)), "request number must be at least 1"),
                Arguments.of("negative request number", true, frame(0x02, req(-5, 0, commit)), "at least 1"),
                Arguments.of("acked = request number", true, frame(0x02, req(3, 3, commit)), "outside [0, 3)"),
                Arguments.of("acked above", true, frame(0x02, req(3, 9, commit)), "outside [0, 3)"),
                Arguments.of("negative acked", true, frame(0x02, req(3, -1, commit)), "outside [0, 3)"),
                Arguments.of("header truncated", true, frame(0x02, "0000000000000001 00000000"),
                        "truncated at acknowledged request number"),
                Arguments.of("no XC body", true, frame(0x02, req(1, 0, "")), "XC request: insufficient data"),
                Arguments.of("XC type 29", true, frame(0x02, req(1, 0, "0000001d")), "invalid XC message type 29"),
                Arguments.of("XC type 0", true, frame(0x02, req(1, 0, "00000000")), "invalid XC message type 0"),
                Arguments.of("XC REGISTER_COORD", true, frame(0x02, req(1, 0, "00000001 00000001")),
                        "invalid XC message type 1"),
                Arguments.of("XC DATA_FLUSH", true, frame(0x02, req(1, 0, "0000001b")), "invalid XC message type 27"),
                Arguments.of("XC commit truncated", true, frame(0x02, req(1, 0, "00000007 01 e803")),
                        "insufficient data"),
                Arguments.of("XC commit trailing", true, frame(0x02, req(1, 0, commit + " 00")),
                        "XC request: invalid message format"),
                Arguments.of("XC lenient begin trailing", true, frame(0x02, req(1, 0, "00000004 00000001 00 ff")),
                        "1 trailing bytes after TXN_BEGIN_GETGXID"),
                Arguments.of("XC multi count 0", true, frame(0x02, req(1, 0, "00000008 00000000")),
                        "invalid transaction count 0"),
                Arguments.of("XC key too long", true, frame(0x02, req(1, 0, "00000011 00000401")),
                        "invalid sequence key length 1025"),
                // small messages
                Arguments.of("PING short", true, frame(0x03, "00000000000000"), "truncated at nonce"),
                Arguments.of("PING long", true, frame(0x03, "000000000000000000"), "1 trailing bytes"),
                Arguments.of("STATUS_REQUEST with payload", true, frame(0x04, "00"), "malformed STATUS_REQUEST"),
                Arguments.of("END_SESSION with payload", true, frame(0x05, "0000"), "malformed END_SESSION: 2 trailing"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void faultClosesTheStream(String name, boolean helloFirst, byte[] bad, String reason) {
        byte[] head = helloFirst ? encode(LE, HELLO) : new byte[0];
        byte[] stream = concat(List.of(head, bad, NEXT_BYTES));
        for (int chunk : CHUNKS) {
            InternalRequestDecoder decoder = new InternalRequestDecoder(LE);
            EmbeddedChannel ch = new EmbeddedChannel(decoder);
            Outcome o = feed(ch, stream, chunk);
            assertNotNull(o.error(), name + ": no error, chunk " + chunk);
            assertTrue(o.error().getMessage().contains(reason), () -> "'" + o.error().getMessage() + "'");
            assertInstanceOf(CorruptedFrameException.class, o.error());
            assertEquals(helloFirst ? List.of(HELLO) : List.of(), o.messages(), "chunk " + chunk);
            // Still silent afterwards, however much valid input follows.
            ch.writeInbound(Unpooled.wrappedBuffer(concat(List.of(encode(LE, HELLO), NEXT_BYTES))));
            assertNull(ch.readInbound());
            assertEquals(0, decoder.bufferedBytes());
        }
    }

    /** The length word alone is enough to refuse a frame: its body is never waited for. */
    @Test
    void oversizeLengthRefusedAsSoonAsReadable() {
        EmbeddedChannel ch = new EmbeddedChannel(new InternalRequestDecoder(LE));
        ch.writeInbound(Unpooled.wrappedBuffer(hex("00 10 00")));
        InternalProtocolException e = assertThrows(InternalProtocolException.class,
                () -> ch.writeInbound(Unpooled.wrappedBuffer(hex("01"))));
        assertEquals("frame length 1048577 exceeds the maximum of 1048576", e.getMessage());
    }

    /** So is the kind byte: an unknown kind is refused before its declared body arrives. */
    @Test
    void unknownKindRefusedBeforeItsBody() {
        EmbeddedChannel ch = new EmbeddedChannel(new InternalRequestDecoder(LE));
        ch.writeInbound(Unpooled.wrappedBuffer(hex("00 00 10 00")));
        assertThrows(InternalProtocolException.class, () -> ch.writeInbound(Unpooled.wrappedBuffer(hex("99"))));
    }

    /** A frame exactly at the limit is accepted; the limit is configurable. */
    @Test
    void lengthLimitIsInclusiveAndConfigurable() {
        InternalFormat small = new InternalFormat(LE.xc(), InternalFormat.MIN_MAX_FRAME_LENGTH);
        // The largest HELLO fits the smallest limit a format allows.
        int tokenLen = ClientMessage.Hello.MAX_TOKEN_LENGTH;
        byte[] hello = frame(0x01, HELLO_HEAD + SESSION + String.format("%04x", tokenLen) + "00".repeat(tokenLen)
                + "00ff" + "61".repeat(ClientMessage.Hello.MAX_CLIENT_NAME_LENGTH));
        // A frame exactly at the limit, then one 7 bytes longer.
        // XC_REQUEST of a multi-begin: 1 kind + 20 header + 4 type + 4 count + 7 per entry.
        int entries = (small.maxFrameLength() - 29) / 7;
        assertEquals(0, (small.maxFrameLength() - 29) % 7, "choose a limit divisible into whole entries");
        byte[] atLimit = frame(0x02, req(1, 0, multiBegin(entries)));
        assertEquals(small.maxFrameLength(), atLimit.length - 4);
        Outcome ok = feed(new EmbeddedChannel(new InternalRequestDecoder(small)), concat(List.of(hello, atLimit)), 1000);
        assertNull(ok.error());
        assertEquals(2, ok.messages().size());
        byte[] over = frame(0x02, req(1, 0, multiBegin(entries + 1)));
        Outcome bad = feed(new EmbeddedChannel(new InternalRequestDecoder(small)), concat(List.of(hello, over)), 1000);
        assertEquals("frame length 4103 exceeds the maximum of 4096", bad.error().getMessage());
    }

    private static String multiBegin(int entries) {
        return String.format("00000005 %08x", entries) + "00000001 00 0003".repeat(entries);
    }

    /** A tool connection (no session) may ask for status and ping, nothing that needs a session. */
    @Test
    void toolConnectionCannotSendSessionMessages() {
        byte[] tool = encode(LE, TOOL_HELLO);
        byte[] xc = encode(LE, new ClientMessage.XcRequest(1, 0, -1, new Request.TxnCommit(TxnRef.gxid(3))));
        for (byte[] bad : List.of(xc, encode(LE, ClientMessage.EndSession.INSTANCE))) {
            Outcome o = feed(new EmbeddedChannel(new InternalRequestDecoder(LE)),
                    concat(List.of(tool, encode(LE, ClientMessage.StatusRequest.INSTANCE), bad, NEXT_BYTES)), 1);
            assertEquals(List.of(TOOL_HELLO, ClientMessage.StatusRequest.INSTANCE), o.messages());
            assertTrue(o.error().getMessage().endsWith("on a connection without a session"), o.error().getMessage());
        }
    }

    /** Another version's HELLO is reported (for the error answer), and the rest is not read. */
    @Test
    void unsupportedVersion() {
        for (int version : new int[] {0, 2, 0xffff}) {
            // A future HELLO may carry anything after the version.
            byte[] hello = frame(0x01, String.format("4d47544d %04x", version) + " 0102030405");
            for (int chunk : CHUNKS) {
                Outcome o = feed(new EmbeddedChannel(new InternalRequestDecoder(LE)), concat(List.of(hello, NEXT_BYTES)),
                        chunk);
                assertNull(o.error());
                assertEquals(List.of(new ClientMessage.UnsupportedHello(version)), o.messages());
            }
        }
    }

    /** A client with the other XC byte order is heard (for the error answer), then ignored. */
    @Test
    void byteOrderMismatch() {
        ClientMessage.Hello be = Samples.hello(ByteOrder.BIG_ENDIAN);
        byte[] stream = concat(List.of(encode(InternalTestSupport.BE, be), NEXT_BYTES));
        for (int chunk : CHUNKS) {
            Outcome o = feed(new EmbeddedChannel(new InternalRequestDecoder(LE)), stream, chunk);
            assertNull(o.error());
            assertEquals(List.of(be), o.messages());
        }
    }

    /** Nothing after END_SESSION is acted on: the session is over. */
    @Test
    void inputAfterEndSessionIsDropped() {
        byte[] stream = concat(List.of(encode(LE, HELLO), encode(LE, ClientMessage.EndSession.INSTANCE), NEXT_BYTES,
                hex("ffffffff")));
        for (int chunk : CHUNKS) {
            Outcome o = feed(new EmbeddedChannel(new InternalRequestDecoder(LE)), stream, chunk);
            assertNull(o.error());
            assertEquals(List.of(HELLO, ClientMessage.EndSession.INSTANCE), o.messages());
        }
    }

    /** A connection that closes mid-frame yields nothing and no error. */
    @Test
    void partialFrameAtClose() {
        EmbeddedChannel ch = new EmbeddedChannel(new InternalRequestDecoder(LE));
        byte[] hello = encode(LE, HELLO);
        ch.writeInbound(Unpooled.wrappedBuffer(hello, 0, hello.length - 1));
        ch.finish();
        assertNull(ch.readInbound());
    }
}
