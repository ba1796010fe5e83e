package org.mgtm.core;

/**
 * Arithmetic on 32-bit global transaction ids (GXIDs), which are unsigned and wrap around
 * (docs/protocol-notes.md, "GXID order"). GXIDs are held in Java ints; print them with {@link #toString(int)}.
 *
 * <ul>
 *   <li>0 (Invalid), 1 (Bootstrap) and 2 (Frozen) are special; {@link #FIRST_NORMAL} is 3.</li>
 *   <li>Two normal ids compare modulo 2^31: {@code a} precedes {@code b} iff {@code (int) (a - b) < 0}.
 *       If either id is special they compare as plain unsigned integers.</li>
 *   <li>Advancing adds 1 and skips 0..2, so the id after 0xFFFFFFFF is 3.</li>
 * </ul>
 */
public final class Gxids {
    public static final int INVALID = 0;
    public static final int BOOTSTRAP = 1;
    public static final int FROZEN = 2;
    public static final int FIRST_NORMAL = 3;
    public static final int MAX = 0xFFFF_FFFF;

    private Gxids() {
    }

    /** True for ids 3 .. 0xFFFFFFFF. */
    public static boolean isNormal(int gxid) {
        return Integer.compareUnsigned(gxid, FIRST_NORMAL) >= 0;
    }

    public static boolean precedes(int a, int b) {
        if (!isNormal(a) || !isNormal(b)) {
            return Integer.compareUnsigned(a, b) < 0;
        }
        return a - b < 0;
    }

    public static boolean precedesOrEquals(int a, int b) {
        if (!isNormal(a) || !isNormal(b)) {
            return Integer.compareUnsigned(a, b) <= 0;
        }
        return a - b <= 0;
    }

    public static boolean follows(int a, int b) {
        return precedes(b, a);
    }

    public static boolean followsOrEquals(int a, int b) {
        return precedesOrEquals(b, a);
    }

    /** The id after {@code gxid}: plus one, skipping 0, 1 and 2 (0xFFFFFFFF -> 3). */
    public static int advance(int gxid) {
        int next = gxid + 1;
        return isNormal(next) ? next : FIRST_NORMAL;
    }

    /** The normal id before {@code gxid}: minus one, skipping 2, 1 and 0 (3 -> 0xFFFFFFFF). */
    public static int retreat(int gxid) {
        int prev = gxid - 1;
        return isNormal(prev) ? prev : MAX;
    }

    /**
     * The GXID of entry {@code index} of a grouped begin whose answer carried {@code first}, computed
     * exactly as gtm_proxy does: {@code first + index}, plus 3 if that addition wrapped below
     * {@code first}. The allocator hands out runs that this formula reproduces (for index < 2^32 - 3).
     */
    public static int groupMember(int first, int index) {
        int gxid = first + index;
        if (Integer.compareUnsigned(gxid, first) < 0) {
            gxid += FIRST_NORMAL;
        }
        return gxid;
    }

    public static String toString(int gxid) {
        return Integer.toUnsignedString(gxid);
    }
}
