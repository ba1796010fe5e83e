package org.mgtm.core;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * What a group in sub-cluster mode holds beyond a plain group's state (docs/subclusters.md): its name and
 * identity towards the G-GTM, the GXID ranges leased and not handed out yet, the number of its next range
 * request, the GXID its leases must reach beyond (demand), and its prepared cross-sub-cluster transactions.
 *
 * <p>Invariants kept here and in {@link SubclusterTransactions}:
 * <ul>
 *   <li>{@code nextRequestId} only grows, by one per range recorded: the G-GTM answers a request id it saw
 *       with the same range, so a range granted to a leader that died before recording it is recorded by the
 *       next leader, never lost, never added twice;</li>
 *   <li>{@code claim}, once set, never changes;</li>
 *   <li>{@code cross} holds only GXIDs of open, prepared transactions.</li>
 * </ul>
 */
final class Subcluster {
    final String name;
    final Leases leases = new Leases();
    /** The group's identity at the G-GTM; 0 until the first leader has claimed one. */
    long claim;
    /** The id of the next range request; the range of request {@code nextRequestId - 1} is the last one recorded. */
    long nextRequestId = 1;
    /**
     * The leases should reach past this GXID (0 = no demand): set by registrations (the group must hold GXIDs
     * above a registered transaction, since its end raises the horizon past it) and by refused begins above a
     * floor. The leader's range keeper reads it.
     */
    int demand;
    /** Prepared cross-sub-cluster transactions, in prepare order: the resolver's work list. */
    final LinkedHashSet<Integer> cross = new LinkedHashSet<>();

    Subcluster(String name) {
        this.name = name;
    }

    /** Raises the demand to {@code gxid} if it follows it (never lowers it). */
    void demand(int gxid) {
        if (demand == 0 || Gxids.follows(gxid, demand)) {
            demand = gxid;
        }
    }

    List<Integer> crossPrepared() {
        return new ArrayList<>(cross);
    }
}
