package org.mgtm.core;

import java.util.List;

/**
 * A copy of what a group in sub-cluster mode holds, for its leader's range keeper and resolver and for status.
 *
 * @param name           the sub-cluster's name
 * @param claim          its identity at the G-GTM (0: not claimed yet)
 * @param nextRequestId  the id its next range request carries
 * @param leases         ranges held and not handed out, head first, {first, last} (the head's first is the cursor)
 * @param lastLeased     the last GXID ever leased (0: none)
 * @param skipped        GXIDs given up unused so far (below the horizon, or too few left for a grouped begin)
 * @param demand         the leases should reach past this GXID (0: no demand)
 * @param horizon        GXIDs that become active must follow or equal this (advance of latest completed)
 * @param remaining      leased GXIDs at or above the horizon
 * @param oldestInUse    the oldest GXID held or open (0: none), reported to the G-GTM for the wraparound rule
 * @param crossPrepared  prepared cross-sub-cluster transactions, in prepare order
 */
public record SubclusterView(String name, long claim, long nextRequestId, List<int[]> leases, int lastLeased,
                             long skipped, int demand, int horizon, long remaining, int oldestInUse,
                             List<Integer> crossPrepared) {
    /** Leased GXIDs at or above {@code floor} (e.g. the demand), modulo 2^31. */
    public long remainingFrom(int floor) {
        long n = 0;
        for (int[] r : leases) {
            if (!Gxids.precedes(r[1], floor)) {
                n += Integer.toUnsignedLong(r[1]) - Integer.toUnsignedLong(Gxids.precedes(r[0], floor) ? floor : r[0]) + 1;
            }
        }
        return n;
    }
}
