package org.mgtm.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GxidsTest {

    @Test
    void specialAndNormal() {
        assertFalse(Gxids.isNormal(0));
        assertFalse(Gxids.isNormal(1));
        assertFalse(Gxids.isNormal(2));
        assertTrue(Gxids.isNormal(3));
        assertTrue(Gxids.isNormal(0x7FFF_FFFF));
        assertTrue(Gxids.isNormal(0x8000_0000));
        assertTrue(Gxids.isNormal(0xFFFF_FFFF));
    }

    @Test
    void advanceSkipsSpecialIds() {
        assertEquals(4, Gxids.advance(3));
        assertEquals(0x8000_0000, Gxids.advance(0x7FFF_FFFF));
        assertEquals(0xFFFF_FFFF, Gxids.advance(0xFFFF_FFFE));
        assertEquals(3, Gxids.advance(0xFFFF_FFFF));
        assertEquals(3, Gxids.advance(0));
        assertEquals(3, Gxids.advance(2));
        assertEquals(0xFFFF_FFFF, Gxids.retreat(3));
        assertEquals(3, Gxids.retreat(4));
        assertEquals(0xFFFF_FFFE, Gxids.retreat(0xFFFF_FFFF));
    }

    @Test
    void comparisonIsModulo2To31() {
        assertTrue(Gxids.precedes(1000, 1001));
        assertTrue(Gxids.follows(1001, 1000));
        assertFalse(Gxids.precedes(1000, 1000));
        assertTrue(Gxids.precedesOrEquals(1000, 1000));
        assertTrue(Gxids.followsOrEquals(1000, 1000));
        // Across the wrap: 0xFFFFFFFF precedes 3.
        assertTrue(Gxids.precedes(0xFFFF_FFFF, 3));
        assertTrue(Gxids.follows(3, 0xFFFF_FFFF));
        // 2^31 - 1 ahead still follows; 2^31 + 1 ahead is behind.
        assertTrue(Gxids.follows(1000 + 0x7FFF_FFFF, 1000));
        assertTrue(Gxids.precedes(1000 + 0x8000_0001, 1000));
        // Exactly 2^31 apart each precedes the other, as in PostgreSQL (diff = INT_MIN < 0).
        assertTrue(Gxids.precedes(1000 + 0x8000_0000, 1000));
        assertTrue(Gxids.precedes(1000, 1000 + 0x8000_0000));
    }

    @Test
    void specialIdsCompareAsPlainUnsigned() {
        assertTrue(Gxids.precedes(0, 3));
        assertTrue(Gxids.precedes(2, 0xFFFF_FFFF));
        assertFalse(Gxids.follows(0, 0xFFFF_FFFF));
        assertTrue(Gxids.precedes(1, 2));
        assertTrue(Gxids.precedesOrEquals(2, 2));
        assertFalse(Gxids.precedes(0x8000_0005, 2));
    }

    /**
     * The proxy's formula (first + i, plus 3 if it wrapped below first) names exactly the GXIDs the
     * allocator hands out one by one, for every start near the wrap and group sizes up to 4096.
     */
    @Test
    void groupMemberMatchesSuccessiveAdvance() {
        int[] firsts = {3, 4, 1000, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_F000, 0xFFFF_FFFC, 0xFFFF_FFFD, 0xFFFF_FFFE,
            0xFFFF_FFFF};
        for (int first : firsts) {
            int g = first;
            for (int i = 0; i < 4096; i++) {
                assertEquals(g, Gxids.groupMember(first, i), "first " + Integer.toUnsignedString(first) + " i " + i);
                assertTrue(Gxids.isNormal(g));
                g = Gxids.advance(g);
            }
        }
        assertEquals(3, Gxids.groupMember(0xFFFF_FFFF, 1));
        assertEquals(4, Gxids.groupMember(0xFFFF_FFFE, 3));
    }

    @Test
    void allocatorMatchesProxyFormulaAcrossTheWrap() {
        GtmStateMachine m = new GtmStateMachine(new CoreLimits(64, 16, 16));
        m.apply(new Command.Restart(0x8000_0000));
        m.apply(new Command.Restart(0xFFFF_FFFB));
        java.util.List<org.mgtm.protocol.Request.BeginEntry> entries = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            entries.add(new org.mgtm.protocol.Request.BeginEntry(1, false, (short) i));
        }
        var reply = (org.mgtm.protocol.Response.BeginGxidMulti) m.apply(Command.Client.of(1,
                new org.mgtm.protocol.Request.TxnBeginGetGxidMulti(entries)));
        assertEquals(0xFFFF_FFFB, reply.firstGxid());
        for (int i = 0; i < 10; i++) {
            int expected = Gxids.groupMember(reply.firstGxid(), i);
            var status = (org.mgtm.protocol.Response.TxnStatus) m.apply(Command.Client.of(1,
                    new org.mgtm.protocol.Request.TxnGetStatus(org.mgtm.protocol.TxnRef.gxid(expected))));
            assertEquals(TxnState.RUNNING, status.state(), "entry " + i);
        }
        assertEquals(Gxids.groupMember(0xFFFF_FFFB, 10), m.nextGxid());
        assertEquals(8, m.nextGxid());
    }
}
