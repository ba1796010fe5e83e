package org.mgtm.protocol.subcluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mgtm.protocol.MessageType;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.WireFormat;
import org.mgtm.protocol.WireMessage;
import org.mgtm.protocol.codec.XcBodies;
import org.mgtm.protocol.codec.XcBodyException;
import org.mgtm.protocol.codec.XcCodecs;
import org.mgtm.protocol.codec.XcRequestDecoder;

/**
 * The sub-cluster requests and answers: every kind round-trips through {@link SubclusterCodec} and inside XC
 * bodies (the internal protocol and the replicated log carry them there); damaged bytes are refused; the XC
 * wire refuses their message code, so an XC backend can never send one.
 */
class SubclusterCodecTest {
    static final List<SubclusterRequest> REQUESTS = List.of(
            new SubclusterRequest.RangeRequest("A", 0x1234_5678_9abcL, 7, 10_000, 0xFFFF_FFF0, 1000),
            new SubclusterRequest.RangeRequest("sub_cluster-9", -1, Long.MAX_VALUE, SubclusterRequest.MAX_RANGE_SIZE, 0, 0),
            new SubclusterRequest.Decide(0xFFFF_FFFE, true),
            new SubclusterRequest.Decide(3, false),
            new SubclusterRequest.Forget(12345),
            new SubclusterRequest.Register(4000, "B", 1, false),
            new SubclusterRequest.Register(0x8000_0000, "east", 2, true),
            new SubclusterRequest.BeginAbove(5000, 1, false),
            new SubclusterRequest.PrepareCross(77));
    static final List<SubclusterResponse> RESPONSES = List.of(
            new SubclusterResponse.RangeGrant(3, 1000, 10_999),
            new SubclusterResponse.RangeGrant(1, 0xFFFF_FF00, 0xFFFF_FFFF),
            new SubclusterResponse.Decision(500, true),
            new SubclusterResponse.Decision(501, false),
            new SubclusterResponse.Registered(4000),
            new SubclusterResponse.Refused(SubclusterResponse.Refused.TOO_OLD, 1016, "gxid 1010 precedes the horizon"),
            new SubclusterResponse.Refused(SubclusterResponse.Refused.NO_LEASE, 3, "ünïcode é"));

    @Test
    void everyKindRoundTrips() {
        assertEquals(SubclusterRequest.class.getPermittedSubclasses().length,
                REQUESTS.stream().map(Object::getClass).distinct().count());
        assertEquals(SubclusterResponse.class.getPermittedSubclasses().length,
                RESPONSES.stream().map(Object::getClass).distinct().count());
        for (SubclusterRequest r : REQUESTS) {
            assertEquals(r, SubclusterCodec.decodeRequest(SubclusterCodec.encode(r)));
        }
        for (SubclusterResponse r : RESPONSES) {
            assertEquals(r, SubclusterCodec.decodeResponse(SubclusterCodec.encode(r)));
        }
    }

    @Test
    void insideXcBodiesWhateverTheHostOrder() {
        for (WireFormat fmt : List.of(WireFormat.DEFAULT,
                new WireFormat(java.nio.ByteOrder.BIG_ENDIAN, WireFormat.DEFAULT_MAX_FRAME_LENGTH))) {
            for (SubclusterRequest r : REQUESTS) {
                ByteBuf b = Unpooled.buffer();
                XcBodies.writeRequest(fmt, r, b);
                assertEquals(SubclusterCodec.MESSAGE_CODE, b.getInt(0));
                assertEquals(r, XcBodies.readRequest(fmt, b));
                assertFalse(b.isReadable());
                assertEquals(MessageType.INVALID, r.type());
            }
            for (SubclusterResponse r : RESPONSES) {
                ByteBuf b = Unpooled.buffer();
                XcBodies.writeResponse(fmt, r, b);
                assertEquals(SubclusterCodec.OUTCOME, b.getByte(0));
                assertEquals(r, XcBodies.readResponse(fmt, b));
            }
        }
    }

    @Test
    void damagedBytesAreRefused() {
        for (SubclusterRequest r : REQUESTS) {
            byte[] good = SubclusterCodec.encode(r);
            for (int len = 0; len < good.length; len++) {
                byte[] cut = Arrays.copyOf(good, len);
                assertThrows(IllegalArgumentException.class, () -> SubclusterCodec.decodeRequest(cut), r + " cut at " + len);
            }
            byte[] longer = Arrays.copyOf(good, good.length + 1);
            assertThrows(IllegalArgumentException.class, () -> SubclusterCodec.decodeRequest(longer));
        }
        assertThrows(IllegalArgumentException.class, () -> SubclusterCodec.decodeRequest(new byte[] {0, 99}));
        assertThrows(IllegalArgumentException.class, () -> SubclusterCodec.decodeResponse(new byte[] {0, 99}));
        // A bad name, a size out of range, a range that is not normal, a boolean that is not 0 or 1.
        byte[] badName = SubclusterCodec.encode(new SubclusterRequest.RangeRequest("A", 1, 1, 1, 0, 0));
        badName[4] = ' ';
        assertThrows(IllegalArgumentException.class, () -> SubclusterCodec.decodeRequest(badName));
        byte[] zeroSize = SubclusterCodec.encode(new SubclusterRequest.RangeRequest("A", 1, 1, 1, 0, 0));
        zeroSize[5 + 16 + 3] = 0;
        assertThrows(IllegalArgumentException.class, () -> SubclusterCodec.decodeRequest(zeroSize));
        byte[] special = SubclusterCodec.encode(new SubclusterResponse.RangeGrant(1, 3, 10));
        special[2 + 8 + 3] = 2;
        assertThrows(IllegalArgumentException.class, () -> SubclusterCodec.decodeResponse(special));
        byte[] bool = SubclusterCodec.encode(new SubclusterRequest.Decide(5, true));
        bool[6] = 2;
        assertThrows(IllegalArgumentException.class, () -> SubclusterCodec.decodeRequest(bool));
        ByteBuf body = Unpooled.buffer().writeInt(SubclusterCodec.MESSAGE_CODE).writeShort(99);
        assertThrows(XcBodyException.class, () -> XcBodies.readRequest(WireFormat.DEFAULT, body));
    }

    @Test
    void theXcWireRefusesTheirCode() {
        ByteBuf b = Unpooled.buffer();
        XcBodies.writeRequest(WireFormat.DEFAULT, REQUESTS.get(0), b);
        byte[] body = ByteBufUtil.getBytes(b);
        // A plain 'C' frame: type, BE32 length (counting itself), then the body.
        ByteBuf frame = Unpooled.buffer().writeByte('C').writeInt(4 + body.length).writeBytes(body);
        byte[] startup = {'A', 0, 0, 0, 12, 1, 0, 0, 0, 0, 0, 0, 0};
        List<WireMessage.Frontend> decoded = XcCodecs.decode(new XcRequestDecoder(WireFormat.DEFAULT, true),
                concat(startup, ByteBufUtil.getBytes(frame)));
        assertInstanceOf(WireMessage.InvalidCommand.class, decoded.get(1));
        assertTrue(((WireMessage.InvalidCommand) decoded.get(1)).toString().contains("invalid frontend message type"));
    }

    @Test
    void namesAreChecked() {
        assertTrue(SubclusterNames.valid("A"));
        assertFalse(SubclusterNames.valid(""));
        assertFalse(SubclusterNames.valid("a b"));
        assertFalse(SubclusterNames.valid("x".repeat(33)));
        assertThrows(IllegalArgumentException.class, () -> new SubclusterRequest.Register(5, "no name", 1, false));
        Request r = new SubclusterRequest.Forget(1);
        assertInstanceOf(Request.Extension.class, r);
        Response a = new SubclusterResponse.Registered(1);
        assertInstanceOf(Response.Extension.class, a);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
