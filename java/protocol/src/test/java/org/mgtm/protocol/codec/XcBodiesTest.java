package org.mgtm.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mgtm.protocol.codec.CodecTestSupport.LE;
import static org.mgtm.protocol.codec.CodecTestSupport.hex;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.WireFormat;
import org.mgtm.protocol.WireMessage;

/** XcBodies: XC bodies without framing, identical to the framed codecs' bodies, read strictly. */
class XcBodiesTest {

    private static final WireFormat BE = new WireFormat(ByteOrder.BIG_ENDIAN, WireFormat.DEFAULT_MAX_FRAME_LENGTH);

    private static byte[] requestBody(WireFormat fmt, Request r) {
        ByteBuf b = Unpooled.buffer();
        XcBodies.writeRequest(fmt, r, b);
        return ByteBufUtil.getBytes(b);
    }

    private static byte[] responseBody(WireFormat fmt, Response r) {
        ByteBuf b = Unpooled.buffer();
        XcBodies.writeResponse(fmt, r, b);
        return ByteBufUtil.getBytes(b);
    }

    @Test
    void requestsMatchTheXcFrameAndRoundTrip() {
        for (WireFormat fmt : List.of(LE, BE)) {
            for (Request r : MessageSamples.requests()) {
                byte[] body = requestBody(fmt, r);
                byte[] frame = XcCodecs.encode(fmt, WireMessage.Command.plain(r));
                assertArrayEquals(Arrays.copyOfRange(frame, 5, frame.length), body, r.toString());
                ByteBuf in = Unpooled.wrappedBuffer(body);
                assertEquals(r, XcBodies.readRequest(fmt, in));
                assertFalse(in.isReadable());
            }
        }
    }

    @Test
    void responsesMatchTheXcFrameAndRoundTrip() {
        for (WireFormat fmt : List.of(LE, BE)) {
            for (Response r : MessageSamples.responses()) {
                byte[] body = responseBody(fmt, r);
                byte[] frame = XcCodecs.encode(fmt, new WireMessage.Answer(WireMessage.NO_CONID, r));
                assertEquals(frame[0], body[0]);
                assertArrayEquals(Arrays.copyOfRange(frame, 5, frame.length), Arrays.copyOfRange(body, 1, body.length));
                assertEquals(r, XcBodies.readResponse(fmt, Unpooled.wrappedBuffer(body)));
            }
        }
        assertArrayEquals(new byte[] {'N'}, responseBody(LE, Response.None.INSTANCE));
        assertEquals(Response.None.INSTANCE, XcBodies.readResponse(LE, Unpooled.wrappedBuffer(new byte[] {'N'})));
    }

    @Test
    void readersRefuseWhatTheXcGtmWouldTolerate() {
        // TXN_BEGIN_GETGXID is lenient on the XC wire; trailing bytes inside our frames are a fault.
        XcBodyException e = assertThrows(XcBodyException.class,
                () -> XcBodies.readRequest(LE, Unpooled.wrappedBuffer(hex("00000004 00000001 00 ff"))));
        assertEquals("1 trailing bytes after TXN_BEGIN_GETGXID", e.getMessage());
        // A commit answer with 1-3 bytes after the GXID: no status word, and bytes left over.
        assertThrows(XcBodyException.class,
                () -> XcBodies.readResponse(LE, Unpooled.wrappedBuffer(hex("53 00000004 e8030000 00"))));
    }

    @Test
    void readersRefuseUnknownTypes() {
        for (String body : List.of("", "000000", "00000000", "00000001 00000001", "0000001b", "0000001d", "ffffffff")) {
            assertThrows(XcBodyException.class, () -> XcBodies.readRequest(LE, Unpooled.wrappedBuffer(hex(body))), body);
        }
        for (String body : List.of("", "53", "53 00000018", "53 ffffffff", "46", "4e 00", "45 00 00", "45")) {
            assertThrows(XcBodyException.class, () -> XcBodies.readResponse(LE, Unpooled.wrappedBuffer(hex(body))), body);
        }
    }

    /** Reading stops at the buffer's end even when the backing memory goes on. */
    @Test
    void readsOnlyTheGivenSlice() {
        byte[] body = requestBody(LE, new Request.TxnGetAllPrepared());
        byte[] padded = Arrays.copyOf(body, body.length + 8);
        ByteBuf whole = Unpooled.wrappedBuffer(padded);
        assertEquals(new Request.TxnGetAllPrepared(), XcBodies.readRequest(LE, whole.slice(0, body.length)));
        assertThrows(XcBodyException.class, () -> XcBodies.readRequest(LE, whole));
    }
}
