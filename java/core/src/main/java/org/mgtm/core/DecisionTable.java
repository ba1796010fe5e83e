package org.mgtm.core;

import java.util.LinkedHashMap;
import java.util.Map;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.subcluster.SubclusterResponse;

/**
 * The G-GTM's record of cross-sub-cluster transaction outcomes: the decision point of their two-phase commit.
 * A coordinator decides once every participant prepared and before any commits; a participant's resolver
 * decides abort for a transaction whose coordinator went away. The first decision recorded holds and every
 * later one is answered with it, so a transaction ends in one direction in every sub-cluster, never both.
 *
 * <p>Invariant: a GXID's entry, once made, changes only by {@link #forget}, which the coordinator or the
 * resolvers send after every participant has ended the transaction. Entries are kept in decision order.
 */
final class DecisionTable {
    /** Decisions held at once; a full table refuses new ones (their transactions are rolled back). */
    static final int CAPACITY = 1 << 16;

    final LinkedHashMap<Integer, Boolean> decisions = new LinkedHashMap<>();

    Response decide(int gxid, boolean commit) {
        if (!Gxids.isNormal(gxid)) {
            return Response.Error.error("no decision for gxid " + Gxids.toString(gxid) + ": not a normal GXID");
        }
        Boolean held = decisions.get(gxid);
        if (held == null) {
            if (decisions.size() >= CAPACITY) {
                return Response.Error.error("the G-GTM holds " + CAPACITY + " undelivered decisions: refusing more");
            }
            decisions.put(gxid, commit);
            held = commit;
        }
        return new SubclusterResponse.Decision(gxid, held);
    }

    void forget(int gxid) {
        decisions.remove(gxid);
    }

    Map<Integer, Boolean> view() {
        return new LinkedHashMap<>(decisions);
    }
}
