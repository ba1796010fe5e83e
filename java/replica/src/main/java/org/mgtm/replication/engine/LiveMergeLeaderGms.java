package org.mgtm.replication.engine;

import java.util.Map;
import org.jgroups.Address;
import org.jgroups.Membership;
import org.jgroups.View;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.Merger;

/**
 * JGroups 5.4's {@link GMS} whose merges get a leader when the coordinator of the views to merge is dead; it keeps
 * GMS's protocol id.
 *
 * <h2>The stall it removes</h2>
 * A merge view reaches some members and not others (the long chaos run of 2026-12-05: a bridge partition healed,
 * mgtm1 merged {mgtm1, mgtm2} and {mgtm1, mgtm2, mgtm3} as the partition was being healed, and its
 * INSTALL_MERGE_VIEW had not reached mgtm3 two seconds later), and then that coordinator dies. mgtm2's view is [mgtm1, mgtm3, mgtm2], mgtm3's is
 * [mgtm1, mgtm2, mgtm3]: each suspects mgtm1 and waits for the member its own view names next to take over, the
 * other one. Neither does. MERGE3 sees the two view ids and asks for a merge on both, but GMS picks as merge leader
 * the lowest of the views' coordinators when no member that sent a view coordinates it, here the dead mgtm1, and
 * everybody waits for it. No view, so no vote: 30 s without a leader, until mgtm1 came back.
 *
 * <h2>The rule</h2>
 * A merge leader must be one of the members whose views are being merged (they just answered MERGE3's view
 * request, so they are alive): when GMS's choice is not, the lowest of them leads. Every member computes the same
 * leader from the same views; if two start merges at once, merge ids keep one, and the next check retries. The
 * merge itself is GMS's: its request to the dead coordinator times out (merge_timeout) and the view is made of
 * the members that answered.
 */
public class LiveMergeLeaderGms extends GMS {

    public LiveMergeLeaderGms() {
        setId(ClassConfigurator.getProtocolId(GMS.class));
    }

    @Override
    public void init() throws Exception {
        super.init();
        merger = new LiveLeaderMerger(this);   // before start() creates the client, participant and coord parts
    }

    /** The merge leader among the members whose views are merged. */
    static final class LiveLeaderMerger extends Merger {
        LiveLeaderMerger(GMS gms) {
            super(gms);
        }

        @Override
        protected Address determineMergeLeader(Map<Address, View> views) {
            Address leader = super.determineMergeLeader(views);
            if (leader == null || views.containsKey(leader)) {
                return leader;
            }
            Address live = new Membership(views.keySet()).sort().elementAt(0);
            log.debug("%s: merge leader %s sent no view (dead?): %s leads the merge of %s instead", gms.getAddress(),
                    leader, live, views);
            return live;
        }
    }
}
