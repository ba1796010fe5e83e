package org.mgtm.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.subcluster.SubclusterRequest;
import org.mgtm.protocol.subcluster.SubclusterResponse;

/**
 * The G-GTM's grants of GXID ranges to named sub-clusters (docs/subclusters.md).
 *
 * <p>GXIDs are 32-bit and wrap; the allocator counts in 64-bit <em>positions</em> (epoch * 2^32 + GXID) so
 * that "later" needs no modulo arithmetic: a GXID is the low 32 bits of its position.
 *
 * <p>Invariants:
 * <ul>
 *   <li><b>No range is granted twice.</b> {@code next} only grows, and every new range starts at it and moves
 *       it past its end; a request id already answered gets the same range again (not a new one), and only to
 *       the group holding the sub-cluster's claim;</li>
 *   <li>a range never holds the special ids 0-2: it ends at the end of its epoch at the latest, and the next
 *       one starts at the following epoch's 3;</li>
 *   <li>wraparound: no range ends 2^31 or more positions after the oldest GXID any sub-cluster reported still
 *       in use, so every GXID in use compares correctly with every other modulo 2^31 (XC's rule).</li>
 * </ul>
 */
final class RangeAllocator {
    static final long EPOCH = 1L << 32;
    static final long HALF = 1L << 31;
    /** Grants kept for status and the checker: the most recent ones. */
    static final int GRANT_LOG = 4096;

    /** What the G-GTM knows of one sub-cluster. */
    static final class Member {
        final String name;
        final long claim;
        long lastRequestId;
        long lastFirst;
        long lastLast;
        /** Position of the oldest GXID reported in use, or -1 when it reported none. */
        long oldestInUse = -1;
        long granted;

        Member(String name, long claim) {
            this.name = name;
            this.claim = claim;
        }
    }

    /** One grant, for the log. */
    record Grant(String subcluster, long requestId, long first, long last) {
    }

    /** The next position to grant; never at a special id. */
    long next = Gxids.FIRST_NORMAL;
    final TreeMap<String, Member> members = new TreeMap<>();
    final ArrayDeque<Grant> log = new ArrayDeque<>();

    /** The position of {@code gxid} nearest to {@code reference} (within 2^31 either side). */
    static long near(long reference, int gxid) {
        return reference + (int) (gxid - (int) reference);
    }

    /** {@code p}, or the next epoch's first normal id when {@code p} is a special id. */
    private static long normal(long p) {
        return (p & (EPOCH - 1)) < Gxids.FIRST_NORMAL ? (p & ~(EPOCH - 1)) + Gxids.FIRST_NORMAL : p;
    }

    /**
     * Moves {@code next} up to {@code gxid}, never down: the G-GTM's start GXID (like gtm -x). Before the first
     * grant it is taken as an unsigned value of the first epoch; after it, as the position nearest to
     * {@code next}, as XC's modulo-2^31 order would read it.
     */
    void raise(int gxid) {
        if (gxid != 0) {
            long p = members.isEmpty() ? Integer.toUnsignedLong(gxid) : near(next, gxid);
            next = Math.max(next, normal(p));
        }
    }

    Response grant(SubclusterRequest.RangeRequest r) {
        if (r.claim() == 0) {
            return Response.Error.error("a range request needs the group's claim (non-zero)");
        }
        Member m = members.get(r.subcluster());
        if (m != null && m.claim != r.claim()) {
            return Response.Error.error("sub-cluster " + r.subcluster() + " is held by another group (claim "
                    + Long.toHexString(m.claim) + ", this request " + Long.toHexString(r.claim())
                    + "): two groups configured with the same name would share GXIDs");
        }
        if (m != null && r.requestId() == m.lastRequestId) {
            return answer(m); // a retry: the same range again
        }
        if (m != null && r.requestId() < m.lastRequestId) {
            return Response.Error.error("range request " + r.requestId() + " of sub-cluster " + r.subcluster()
                    + " is older than the last one answered (" + m.lastRequestId + ")");
        }
        long start = normal(Math.max(next, r.atLeast() == 0 ? 0 : normal(near(next, r.atLeast()))));
        long last = Math.min(start + r.size() - 1, (start | (EPOCH - 1)));
        // A group's GXIDs in use lie within 2^31 before the end of its last range (this very rule), so the
        // position nearest to that end is the right one.
        long oldestOfRequester = r.oldestInUse() == 0 ? -1
                : Math.min(near(m == null ? start : m.lastLast, r.oldestInUse()), start);
        Response.Error horizon = horizonError(r.subcluster(), oldestOfRequester, last);
        if (horizon != null) {
            return horizon;
        }
        if (m == null) {
            m = new Member(r.subcluster(), r.claim());
            members.put(m.name, m);
        }
        m.oldestInUse = oldestOfRequester;
        m.lastRequestId = r.requestId();
        m.lastFirst = start;
        m.lastLast = last;
        m.granted += last - start + 1;
        next = normal(last + 1);
        log.addLast(new Grant(m.name, r.requestId(), start, last));
        if (log.size() > GRANT_LOG) {
            log.removeFirst();
        }
        return answer(m);
    }

    private static Response answer(Member m) {
        return new SubclusterResponse.RangeGrant(m.lastRequestId, (int) m.lastFirst, (int) m.lastLast);
    }

    /** The wraparound rule: null if a range ending at {@code last} keeps every GXID in use within 2^31. */
    private Response.Error horizonError(String requester, long requesterOldest, long last) {
        String holder = requesterOldest >= 0 ? requester : null;
        long oldest = requesterOldest >= 0 ? requesterOldest : Long.MAX_VALUE;
        for (Member m : members.values()) {
            if (!m.name.equals(requester) && m.oldestInUse >= 0 && m.oldestInUse < oldest) {
                oldest = m.oldestInUse;
                holder = m.name;
            }
        }
        if (holder == null || last - oldest < HALF) {
            return null;
        }
        return Response.Error.error("the G-GTM cannot grant GXIDs up to " + Gxids.toString((int) last)
                + ": that is 2^31 or more after GXID " + Gxids.toString((int) oldest) + ", still in use in sub-cluster "
                + holder + " (XC compares GXIDs modulo 2^31)");
    }

    /** The oldest position reported in use by any sub-cluster, or -1. */
    long oldestInUse() {
        long oldest = -1;
        for (Member m : members.values()) {
            if (m.oldestInUse >= 0 && (oldest < 0 || m.oldestInUse < oldest)) {
                oldest = m.oldestInUse;
            }
        }
        return oldest;
    }

    List<Grant> grants() {
        return new ArrayList<>(log);
    }
}
