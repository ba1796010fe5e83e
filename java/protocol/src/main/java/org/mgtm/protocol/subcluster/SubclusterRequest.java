package org.mgtm.protocol.subcluster;

import org.mgtm.protocol.Request;

/**
 * The requests of sub-cluster mode (docs/subclusters.md). They travel only in the internal protocol and
 * the replicated log ({@link Request.Extension}); XC backends can neither send nor see them.
 *
 * <p>To the G-GTM: {@link RangeRequest}, {@link Decide}, {@link Forget}. To a sub-cluster group:
 * {@link Register}, {@link BeginAbove}, {@link PrepareCross}. GXIDs are unsigned 32-bit values in ints.
 */
public sealed interface SubclusterRequest extends Request.Extension {

    /** The largest range one request may ask for (2^24): a lost range never costs more than this. */
    int MAX_RANGE_SIZE = 1 << 24;

    /**
     * A sub-cluster leader asks the G-GTM for its next range of GXIDs.
     *
     * @param subcluster  the sub-cluster's name
     * @param claim       the group's identity (random, replicated in the group): the G-GTM binds the name to the
     *                    first claim it sees, so two groups configured with the same name cannot share ranges
     * @param requestId   the group's replicated request counter, 1, 2, ...: a retried request (same id) gets the
     *                    same range, so a range granted to a leader that died before recording it is not lost
     * @param size        GXIDs wanted, 1 .. {@link #MAX_RANGE_SIZE}
     * @param oldestInUse the oldest GXID the group may still hand out or has open (its wraparound horizon);
     *                    0 when it holds nothing
     * @param atLeast     the range must start at or after this GXID (the group's own start GXID, or above the
     *                    highest GXID it knows of); 0 = no constraint
     */
    record RangeRequest(String subcluster, long claim, long requestId, int size, int oldestInUse, int atLeast)
            implements SubclusterRequest {
        public RangeRequest {
            SubclusterNames.check(subcluster);
        }
    }

    /**
     * Records the outcome of a cross-sub-cluster transaction at the G-GTM, first writer wins: the answer is the
     * decision that holds, which may be the other one (a resolver decided abort first). A coordinator decides
     * after every participant prepared and before any commits; a resolver decides abort for a prepared
     * transaction whose coordinator went away.
     */
    record Decide(int gxid, boolean commit) implements SubclusterRequest {
    }

    /** Every participant has ended the transaction: the G-GTM may drop its decision. */
    record Forget(int gxid) implements SubclusterRequest {
    }

    /**
     * A transaction begun in another sub-cluster ({@code home}) joins this one under its GXID: this group's
     * snapshots list it as running until it ends here. Answered {@link SubclusterResponse.Registered} or
     * {@link SubclusterResponse.Refused}.
     */
    record Register(int gxid, String home, int isolation, boolean readOnly) implements SubclusterRequest {
        public Register {
            SubclusterNames.check(home);
        }
    }

    /**
     * TXN_BEGIN_GETGXID whose GXID must follow or equal {@code floor}: a cross-sub-cluster transaction starts
     * above the horizon of every sub-cluster it will register in. Answered like TXN_BEGIN_GETGXID, or
     * {@link SubclusterResponse.Refused} (NO_LEASE: the group is fetching a range above the floor).
     */
    record BeginAbove(int floor, int isolation, boolean readOnly) implements SubclusterRequest {
    }

    /**
     * TXN_PREPARE of a cross-sub-cluster transaction: prepares it and marks it cross, so that this group's
     * resolver asks the G-GTM for its outcome should its coordinator not come back. Answered like TXN_PREPARE.
     */
    record PrepareCross(int gxid) implements SubclusterRequest {
    }
}
