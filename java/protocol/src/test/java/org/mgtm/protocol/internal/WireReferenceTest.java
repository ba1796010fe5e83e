package org.mgtm.protocol.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mgtm.protocol.internal.InternalTestSupport.LE;
import static org.mgtm.protocol.internal.InternalTestSupport.encode;
import static org.mgtm.protocol.internal.InternalTestSupport.feedClean;
import static org.mgtm.protocol.internal.InternalTestSupport.hex;

import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.ResultType;
import org.mgtm.protocol.TxnRef;

/**
 * The format, byte by byte, written out by hand from docs/decisions/0004-internal-protocol.md. These
 * bytes are the reference: if a change breaks them, it breaks every deployed client and server.
 */
class WireReferenceTest {

    private static void assertBytes(String expectedHex, byte[] actual) {
        assertEquals(expectedHex.replaceAll("\\s+", ""), hex(actual));
    }

    @Test
    void hello() {
        ClientMessage.Hello msg = new ClientMessage.Hello(0x0123_4567_89AB_CDEFL, true, ByteOrder.LITTLE_ENDIAN,
                "secret".getBytes(StandardCharsets.UTF_8), "proxy1");
        String expected = "00000021"              // length: kind + 32 bytes of payload
                + "01"                            // HELLO
                + "4d47544d"                      // magic "MGTM"
                + "0001"                          // version 1
                + "01"                            // flags: RESUME
                + "00"                            // XC host order: little-endian
                + "0123456789abcdef"              // session id
                + "0006" + "736563726574"         // token "secret"
                + "0006" + "70726f787931";        // client name "proxy1"
        assertBytes(expected, encode(LE, msg));
        assertEquals(List.of(msg), feedClean(new EmbeddedChannel(new InternalRequestDecoder(LE)), hex(expected), 1));
    }

    @Test
    void xcRequest() {
        ClientMessage.XcRequest msg = new ClientMessage.XcRequest(7, 5, 3, new Request.TxnCommit(TxnRef.gxid(1000)));
        String expected = "0000001e"              // length: kind + 29 bytes of payload
                + "02"                            // XC_REQUEST
                + "0000000000000007"              // request number
                + "0000000000000005"              // acknowledged request number
                + "00000003"                      // backend id
                + "00000007"                      // XC message type TXN_COMMIT, BE32 as on the XC wire
                + "01" + "e8030000";              // isgxid, GXID 1000 in host (little-endian) order
        assertBytes(expected, encode(LE, msg));
        byte[] hello = encode(LE, Samples.hello(ByteOrder.LITTLE_ENDIAN));
        byte[] stream = InternalTestSupport.concat(List.of(hello, hex(expected)));
        assertEquals(List.of(Samples.hello(ByteOrder.LITTLE_ENDIAN), msg),
                feedClean(new EmbeddedChannel(new InternalRequestDecoder(LE)), stream, 1));
    }

    @Test
    void serverMessages() {
        assertBytes("00000013 81 0001 03 0000000000000004 0005 6d67746d31",
                encode(LE, new ServerMessage.Welcome(4, "mgtm1", true, true)));
        // XC_REPLY with the GTM's commit answer: 'S', result type 4, GXID (host order), BE32 status.
        assertBytes("00000016 82 0000000000000007 53 00000004 e8030000 00000000",
                encode(LE, new ServerMessage.XcReply(7, new Response.Ended(ResultType.TXN_COMMIT, 1000, true, 0))));
        // XC_REPLY with an 'E' answer: the XC error fields 'S' severity, 'M' message, terminator.
        assertBytes("00000017 82 0000000000000008 45 53 4552524f5200 4d 626164 00 00",
                encode(LE, new ServerMessage.XcReply(8, Response.Error.error("bad"))));
        assertBytes("0000000a 82 0000000000000009 4e",
                encode(LE, new ServerMessage.XcReply(9, Response.None.INSTANCE)));
        assertBytes("00000011 83 000000000000002a 0000000000000004", encode(LE, new ServerMessage.Pong(42, 4)));
        assertBytes("00000003 84 7b7d", encode(LE, new ServerMessage.Status("{}")));
        assertBytes("00000001 85", encode(LE, ServerMessage.SessionEnded.INSTANCE));
        assertBytes("00000021 86 0000000000000004 0005 6d67746d32 000f 3132372e302e302e31323a37303031",
                encode(LE, new ServerMessage.NotLeader(4, "mgtm2", "127.0.0.12:7001")));
        assertBytes("0000000d 86 0000000000000005 0000 0000", encode(LE, ServerMessage.NotLeader.unknown(5)));
        assertBytes("00000008 87 0001 0003 626164", encode(LE, new ServerMessage.Error(ErrorCode.BAD_TOKEN, "bad")));
    }

    @Test
    void smallClientMessages() {
        assertBytes("00000009 03 fffffffffffffffe", encode(LE, new ClientMessage.Ping(-2)));
        assertBytes("00000001 04", encode(LE, ClientMessage.StatusRequest.INSTANCE));
        assertBytes("00000001 05", encode(LE, ClientMessage.EndSession.INSTANCE));
    }
}
