package org.mgtm.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The checker's GXID arithmetic on the cases of the protocol notes (core's GxidsTest checks core's on the same). */
class GxidArithmeticTest {
    @Test
    void normalIdsCompareAroundTheCircle() {
        assertTrue(GxidArithmetic.precedes(3, 4));
        assertTrue(GxidArithmetic.precedes(0xFFFF_FFFF, 3));
        assertFalse(GxidArithmetic.precedes(3, 0xFFFF_FFFF));
        assertTrue(GxidArithmetic.precedes(3, 3 + Integer.MAX_VALUE));
        assertFalse(GxidArithmetic.precedes(5, 5));
        assertTrue(GxidArithmetic.followsOrEquals(5, 5));
        assertTrue(GxidArithmetic.follows(10, 9));
    }

    @Test
    void specialIdsCompareAsUnsignedNumbers() {
        assertTrue(GxidArithmetic.precedes(0, 1));
        assertTrue(GxidArithmetic.precedes(2, 0xFFFF_FFFF));
        assertFalse(GxidArithmetic.isNormal(2));
        assertTrue(GxidArithmetic.isNormal(3));
    }

    @Test
    void groupedBeginsSkipTheSpecialIds() {
        assertEquals(12, GxidArithmetic.groupMember(10, 2));
        assertEquals(0xFFFF_FFFF, GxidArithmetic.groupMember(0xFFFF_FFFE, 1));
        assertEquals(3, GxidArithmetic.groupMember(0xFFFF_FFFE, 2));
        assertEquals(4, GxidArithmetic.groupMember(0xFFFF_FFFF, 2));
        assertEquals("4294967295", GxidArithmetic.toString(-1));
    }
}
