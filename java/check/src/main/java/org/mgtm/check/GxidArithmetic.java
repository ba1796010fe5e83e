package org.mgtm.check;

/**
 * The checker's own reading of GXID order and of grouped begins, written from docs/protocol-notes.md
 * ("GXID order", "Grouped requests")
 * apart from core's {@code Gxids}: a checker that borrowed the arithmetic it verifies would agree with its
 * bugs. The build keeps it apart (this module may not depend on mgtm-core). It works on unsigned longs
 * where core works on int overflow, so the two are written differently and tested against the same cases.
 *
 * <ul>
 *   <li>0, 1 and 2 are special; normal GXIDs are 3 .. 2^32-1.</li>
 *   <li>A normal GXID {@code a} precedes a normal {@code b} when going forward from {@code a} reaches
 *       {@code b} within half the circle: 1 .. 2^31 steps. Special ones compare as plain unsigned numbers.</li>
 *   <li>Entry {@code k} of a grouped begin answered with {@code first} is {@code first + k}, skipping the
 *       three special ids if the sum passes 2^32 - 1 (gtm_proxy's formula).</li>
 * </ul>
 */
public final class GxidArithmetic {
    private static final long SPACE = 1L << 32;
    private static final long FIRST_NORMAL = 3;

    private GxidArithmetic() {
    }

    public static long unsigned(int gxid) {
        return gxid & (SPACE - 1);
    }

    public static boolean isNormal(int gxid) {
        return unsigned(gxid) >= FIRST_NORMAL;
    }

    public static boolean precedes(int a, int b) {
        long ua = unsigned(a);
        long ub = unsigned(b);
        if (ua < FIRST_NORMAL || ub < FIRST_NORMAL) {
            return ua < ub;
        }
        long forward = Math.floorMod(ub - ua, SPACE);
        return forward != 0 && forward <= SPACE / 2;
    }

    public static boolean follows(int a, int b) {
        return precedes(b, a);
    }

    public static boolean followsOrEquals(int a, int b) {
        return a == b || precedes(b, a);
    }

    /** The GXID of entry {@code index} of a grouped begin whose answer carried {@code first}. */
    public static int groupMember(int first, int index) {
        long sum = unsigned(first) + index;
        return (int) (sum < SPACE ? sum : sum - SPACE + FIRST_NORMAL);
    }

    public static String toString(int gxid) {
        return Long.toString(unsigned(gxid));
    }
}
