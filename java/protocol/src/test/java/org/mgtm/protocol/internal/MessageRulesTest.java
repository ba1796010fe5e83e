package org.mgtm.protocol.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mgtm.protocol.internal.InternalTestSupport.LE;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.TxnRef;
import org.mgtm.protocol.WireFormat;

/** What the records and encoders refuse, so nothing undecodable is ever sent. */
class MessageRulesTest {

    private static final ByteOrder LITTLE = ByteOrder.LITTLE_ENDIAN;
    private static final Request COMMIT = new Request.TxnCommit(TxnRef.gxid(3));

    @Test
    void xcRequestNumbers() {
        assertDoesNotThrow(() -> new ClientMessage.XcRequest(1, 0, -1, COMMIT));
        assertDoesNotThrow(() -> new ClientMessage.XcRequest(Long.MAX_VALUE, Long.MAX_VALUE - 1, 0, COMMIT));
        assertThrows(IllegalArgumentException.class, () -> new ClientMessage.XcRequest(0, 0, -1, COMMIT));
        assertThrows(IllegalArgumentException.class, () -> new ClientMessage.XcRequest(-1, 0, -1, COMMIT));
        assertThrows(IllegalArgumentException.class, () -> new ClientMessage.XcRequest(5, 5, -1, COMMIT));
        assertThrows(IllegalArgumentException.class, () -> new ClientMessage.XcRequest(5, -1, -1, COMMIT));
        assertThrows(NullPointerException.class, () -> new ClientMessage.XcRequest(5, 1, -1, null));
        assertThrows(IllegalArgumentException.class, () -> new ServerMessage.XcReply(0, null));
    }

    @Test
    void helloRules() {
        byte[] longToken = new byte[ClientMessage.Hello.MAX_TOKEN_LENGTH + 1];
        assertThrows(IllegalArgumentException.class, () -> new ClientMessage.Hello(1, false, LITTLE, longToken, ""));
        assertThrows(IllegalArgumentException.class, () -> new ClientMessage.Hello(0, true, LITTLE, new byte[1], ""));
        assertThrows(IllegalArgumentException.class,
                () -> new ClientMessage.Hello(1, false, LITTLE, new byte[1], "x".repeat(256)));
        assertThrows(IllegalArgumentException.class, () -> new ClientMessage.Hello(1, false, LITTLE, new byte[1], null));
        assertThrows(NullPointerException.class, () -> new ClientMessage.Hello(1, false, null, new byte[1], ""));
        assertThrows(NullPointerException.class, () -> new ClientMessage.Hello(1, false, LITTLE, null, ""));
    }

    /** The token is copied in and out, compared by content, and never printed. */
    @Test
    void helloToken() {
        byte[] token = "top-secret".getBytes(StandardCharsets.UTF_8);
        ClientMessage.Hello h = new ClientMessage.Hello(1, false, LITTLE, token, "p");
        token[0] = 'X';
        assertEquals('t', h.token()[0]);
        h.token()[0] = 'Y';
        assertTrue(h.tokenMatches("top-secret".getBytes(StandardCharsets.UTF_8)));
        assertFalse(h.tokenMatches("top-secreT".getBytes(StandardCharsets.UTF_8)));
        assertFalse(h.tokenMatches("top-secret!".getBytes(StandardCharsets.UTF_8)));
        assertFalse(h.tokenMatches(new byte[0]));
        assertFalse(h.toString().contains("top-secret"), h.toString());
        assertTrue(h.toString().contains("10 bytes"), h.toString());
        assertEquals(h, new ClientMessage.Hello(1, false, LITTLE, "top-secret".getBytes(StandardCharsets.UTF_8), "p"));
        assertEquals(h.hashCode(),
                new ClientMessage.Hello(1, false, LITTLE, "top-secret".getBytes(StandardCharsets.UTF_8), "p").hashCode());
        assertNotEquals(h, new ClientMessage.Hello(1, false, LITTLE, "top-secreT".getBytes(StandardCharsets.UTF_8), "p"));
        assertNotEquals(h, new ClientMessage.Hello(1, true, LITTLE, "top-secret".getBytes(StandardCharsets.UTF_8), "p"));
    }

    @Test
    void serverRecordRules() {
        assertThrows(IllegalArgumentException.class, () -> new ServerMessage.Welcome(-1, "m", true, false));
        assertThrows(IllegalArgumentException.class, () -> new ServerMessage.Welcome(1, "m".repeat(256), true, false));
        assertThrows(IllegalArgumentException.class, () -> new ServerMessage.Pong(0, -1));
        assertThrows(NullPointerException.class, () -> new ServerMessage.Status(null));
        assertThrows(NullPointerException.class, () -> new ServerMessage.Error(null, ""));
        assertThrows(IllegalArgumentException.class, () -> new ServerMessage.Error(ErrorCode.SERVER_ERROR,
                "\u00e9".repeat(0x8000)));
        assertDoesNotThrow(() -> new ServerMessage.Error(ErrorCode.SERVER_ERROR, "x".repeat(0xffff)));
        for (ErrorCode c : ErrorCode.values()) {
            assertEquals(c, ErrorCode.fromCode(c.code));
        }
        assertNull(ErrorCode.fromCode(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"host", "host:", ":7001", "host:0", "host:65536", "host:123456", "::1:7001", "[]:1",
            "a b:1", "host:+80", "host:\u0661", "[::1]", "h]:1"})
    void badLeaderAddresses(String address) {
        assertThrows(IllegalArgumentException.class, () -> new ServerMessage.NotLeader(1, "m", address));
    }

    @Test
    void leaderAddresses() {
        assertEquals(InetSocketAddress.createUnresolved("127.0.0.12", 7001),
                new ServerMessage.NotLeader(1, "mgtm2", "127.0.0.12:7001").leaderSocketAddress());
        assertEquals(InetSocketAddress.createUnresolved("::1", 65535),
                new ServerMessage.NotLeader(1, "mgtm2", "[::1]:65535").leaderSocketAddress());
        assertEquals(InetSocketAddress.createUnresolved("mgtm3.lab", 1),
                new ServerMessage.NotLeader(1, "mgtm3", "mgtm3.lab:1").leaderSocketAddress());
        assertNull(ServerMessage.NotLeader.unknown(1).leaderSocketAddress());
        // The id may be known before the address (a member missing from the local config).
        assertNull(new ServerMessage.NotLeader(1, "mgtm9", "").leaderSocketAddress());
        assertThrows(IllegalArgumentException.class, () -> new ServerMessage.NotLeader(1, "", "h:1"));
        assertThrows(IllegalArgumentException.class, () -> new ServerMessage.NotLeader(-1, "", ""));
    }

    @Test
    void formatRules() {
        assertThrows(IllegalArgumentException.class, () -> new InternalFormat(null, 1 << 20));
        assertThrows(IllegalArgumentException.class,
                () -> new InternalFormat(WireFormat.DEFAULT, InternalFormat.MIN_MAX_FRAME_LENGTH - 1));
        assertEquals(InternalFormat.DEFAULT, InternalFormat.of(WireFormat.DEFAULT));
    }

    @Test
    void unsupportedHelloIsNotSent() {
        ByteBuf out = Unpooled.buffer();
        assertThrows(IllegalArgumentException.class,
                () -> InternalRequestEncoder.write(LE, new ClientMessage.UnsupportedHello(2), out));
        assertEquals(0, out.readableBytes());
        EmbeddedChannel ch = new EmbeddedChannel(new InternalRequestEncoder(LE));
        assertThrows(EncoderException.class, () -> ch.writeOutbound(new ClientMessage.UnsupportedHello(2)));
        assertNull(ch.readOutbound());
    }

    /** The HELLO must announce the byte order the encoder writes XC bodies in. */
    @Test
    void helloByteOrderMustMatchTheEncoder() {
        ByteBuf out = Unpooled.buffer().writeByte(9);
        assertThrows(IllegalArgumentException.class,
                () -> InternalRequestEncoder.write(LE, Samples.hello(ByteOrder.BIG_ENDIAN), out));
        assertEquals(1, out.readableBytes(), "nothing of the refused frame is left behind");
        assertDoesNotThrow(() -> InternalRequestEncoder.write(InternalTestSupport.BE, Samples.hello(ByteOrder.BIG_ENDIAN),
                Unpooled.buffer()));
    }

    /** A frame over the limit fails the write with the reason; nothing reaches the wire. */
    @Test
    void oversizeFramesAreNotSent() {
        InternalFormat small = new InternalFormat(LE.xc(), InternalFormat.MIN_MAX_FRAME_LENGTH);
        ByteBuf out = Unpooled.buffer().writeByte(9);
        ServerMessage.Status big = new ServerMessage.Status("x".repeat(small.maxFrameLength()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InternalReplyEncoder.write(small, big, out));
        assertEquals("STATUS frame of 4097 bytes exceeds the maximum of 4096", e.getMessage());
        assertEquals(1, out.readableBytes());
        assertDoesNotThrow(() -> InternalReplyEncoder.write(small,
                new ServerMessage.Status("x".repeat(small.maxFrameLength() - 1)), Unpooled.buffer()));

        List<TxnRef> refs = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            refs.add(TxnRef.gxid(i + 3));
        }
        ClientMessage.XcRequest multi = new ClientMessage.XcRequest(1, 0, -1, new Request.TxnCommitMulti(refs));
        EmbeddedChannel ch = new EmbeddedChannel(new InternalRequestEncoder(small));
        EncoderException ee = assertThrows(EncoderException.class, () -> ch.writeOutbound(multi));
        assertInstanceOf(IllegalArgumentException.class, ee.getCause());
        assertTrue(ee.getMessage().contains("XC_REQUEST frame of 5029 bytes"), ee.getMessage());
        assertNull(ch.readOutbound());
        byte[] ok = InternalTestSupport.encode(LE, multi);
        assertArrayEquals(ok, InternalTestSupport.encodeVia(new EmbeddedChannel(new InternalRequestEncoder(LE)), multi));
    }
}
