package org.mgtm.check;

/**
 * Lays GXIDs out on a line of longs, so that sorted structures and plain comparisons can stand in
 * for the modulo-2^31 comparison (protocol notes, "GXID order"): each id is placed at the position nearest to the
 * latest id handed out. Within 2^31 of that reference, {@code a} precedes {@code b} exactly when
 * {@code place(a) < place(b)}; a history never spans more than that at once.
 */
final class GxidLine {
    private long reference;
    private boolean started;

    long place(int gxid) {
        if (!started) {
            started = true;
            reference = Integer.toUnsignedLong(gxid);
            return reference;
        }
        return reference + (gxid - (int) reference);
    }

    /** Moves the reference forward to a newly handed-out id's position. */
    void handedOut(long position) {
        if (position > reference) {
            reference = position;
        }
    }
}
