package org.mgtm.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The GXID ranges a sub-cluster group holds from the G-GTM and has not handed out yet, in grant order: the
 * only GXIDs a group in sub-cluster mode may hand out. The head range starts at the group's cursor (the next
 * GXID it would hand out); a range is dropped once consumed or skipped.
 *
 * <p>Invariants:
 * <ul>
 *   <li>every range is normal and does not wrap: {@code 3 <= first <= last <= 0xFFFFFFFF} unsigned (the
 *       G-GTM never grants across the special ids 0-2);</li>
 *   <li>each range follows the one before it (modulo 2^31): GXIDs leave this queue in increasing order,
 *       so a group's own GXIDs grow (design invariant 2) across every range change;</li>
 *   <li>GXIDs only ever leave the queue (handed out, or skipped below the horizon); a GXID that left is
 *       never added again, because a grant that does not follow the last range held is refused.</li>
 * </ul>
 */
final class Leases {
    /** [first, last] pairs; the head's first is the cursor. */
    private final List<int[]> ranges = new ArrayList<>();
    /** The last GXID ever leased (0 = none yet): a new grant must follow it. */
    private int lastLeased;
    /** GXIDs skipped (given up unused) so far: below the horizon, or too few left in a range for a grouped begin. */
    private long skipped;

    boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** The next GXID the group would hand out; only when not {@link #isEmpty()}. */
    int cursor() {
        return ranges.get(0)[0];
    }

    int lastLeased() {
        return lastLeased;
    }

    long skipped() {
        return skipped;
    }

    /** The ranges held, head first, as {first, last} copies. */
    List<int[]> ranges() {
        List<int[]> copy = new ArrayList<>(ranges.size());
        for (int[] r : ranges) {
            copy.add(r.clone());
        }
        return copy;
    }

    /**
     * Adds a granted range at the end. Refused (false, nothing changes) when it breaks the invariants:
     * not normal, wrapping, or not following the last GXID ever leased.
     */
    boolean add(int first, int last) {
        if (!Gxids.isNormal(first) || Integer.compareUnsigned(first, last) > 0
                || (lastLeased != 0 && !Gxids.follows(first, lastLeased))) {
            return false;
        }
        ranges.add(new int[] {first, last});
        lastLeased = last;
        return true;
    }

    /** How many GXIDs a range holds from {@code from} on (1 .. 2^32 - 3). */
    private static long size(int from, int last) {
        return Integer.toUnsignedLong(last) - Integer.toUnsignedLong(from) + 1;
    }

    /** Drops what lies before {@code floor} (modulo 2^31), counting it as skipped. */
    void skipBefore(int floor) {
        while (!ranges.isEmpty()) {
            int[] head = ranges.get(0);
            if (!Gxids.precedes(head[0], floor)) {
                return;
            }
            if (Gxids.precedes(head[1], floor)) {
                skipped += size(head[0], head[1]);
                ranges.remove(0);
            } else {
                skipped += size(head[0], Gxids.retreat(floor));
                head[0] = floor;
            }
        }
    }

    /**
     * Positions the cursor at the start of a gap-free run of {@code count} GXIDs inside one range, at or after
     * {@code floor}: skips everything before the floor, and a head range too short for the run when a later
     * range can hold it. Returns false (after the skip before the floor, nothing else changed) when no range
     * can hold the run.
     */
    boolean reserve(int count, int floor) {
        skipBefore(floor);
        int fits = -1;
        for (int i = 0; i < ranges.size(); i++) {
            if (size(ranges.get(i)[0], ranges.get(i)[1]) >= count) {
                fits = i;
                break;
            }
        }
        if (fits < 0) {
            return false;
        }
        for (int i = 0; i < fits; i++) {
            skipped += size(ranges.get(0)[0], ranges.get(0)[1]);
            ranges.remove(0);
        }
        return true;
    }

    /** Hands out the cursor (after {@link #reserve}) and moves past it; returns the GXID. */
    int take() {
        int[] head = ranges.get(0);
        int gxid = head[0];
        if (gxid == head[1]) {
            ranges.remove(0);
        } else {
            head[0] = gxid + 1;
        }
        return gxid;
    }

    /** Whether {@code gxid} lies inside a range held (it is this group's own, not handed out yet). */
    boolean holds(int gxid) {
        for (int[] r : ranges) {
            if (Integer.compareUnsigned(gxid, r[0]) >= 0 && Integer.compareUnsigned(gxid, r[1]) <= 0) {
                return true;
            }
        }
        return false;
    }

    /** Leased GXIDs that follow or equal {@code floor} (modulo 2^31). */
    long remainingFrom(int floor) {
        long n = 0;
        for (int[] r : ranges) {
            if (!Gxids.precedes(r[1], floor)) {
                n += Gxids.precedes(r[0], floor) ? size(floor, r[1]) : size(r[0], r[1]);
            }
        }
        return n;
    }

    /** Restores the queue from a state snapshot; the invariants are checked as for grants. */
    void restore(int lastLeased, long skipped, List<int[]> held) {
        this.lastLeased = 0;
        for (int[] r : held) {
            if (!add(r[0], r[1])) {
                throw new IllegalArgumentException("leased ranges out of order or not normal");
            }
        }
        if (lastLeased != 0 && !ranges.isEmpty() && Gxids.precedes(lastLeased, this.lastLeased)) {
            throw new IllegalArgumentException("last leased GXID precedes a range held");
        }
        this.lastLeased = lastLeased;
        this.skipped = skipped;
    }
}
