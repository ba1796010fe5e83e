package org.mgtm.replication.engine;

import java.util.Collection;
import java.util.Set;
import org.jgroups.Address;
import org.jgroups.Event;
import org.jgroups.View;
import org.jgroups.annotations.ManagedAttribute;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.MERGE3;
import org.jgroups.raft.util.Utils;
import org.jgroups.util.ExtendedUUID;

/**
 * {@link MERGE3} that looks for other subgroups quickly while a raft member is missing from this member's view,
 * and at a relaxed pace otherwise. Keeps MERGE3's protocol id: wire-compatible with plain MERGE3 members.
 *
 * <h2>Why</h2>
 * jgroups-raft elects by JGroups view: a leader can only be elected in a view that holds a majority of the raft
 * members. After a partition heals, the halves become one view again only when MERGE3 notices them; with MERGE3's
 * timing (an INFO message every {@code max_interval/2 .. 1.5 max_interval} ms, a consistency check every
 * {@code 1.6 max_interval} ms) that took 7 to 17 s at the intervals we had (2-6 s). A leader killed in that time
 * left the survivors in two minority views (the old leader alone, and the one survivor of the majority) until the
 * merge: no leader for that long (benchmarks/results/liveness-*.md; the long chaos run once saw 77 s, when a kill
 * also fell into a merge in progress).
 *
 * <h2>What</h2>
 * At every view change this class picks the pace for the new view before MERGE3 restarts its tasks: while any
 * raft member is missing from the view (a partition, a member down, or after a heal until the merge), an INFO
 * every 150-450 ms and a consistency check every 500 ms, on both sides of a partition, so the halves of a healed
 * partition merge about half a second after the heal, often before anything else happens; with every member in
 * the view, an INFO every 1-3 s and a check every 3.2 s. The check waits up to 200 ms for the subgroup
 * coordinators' views (MERGE3 waits a tenth of its check interval: 50 ms at the fast pace, too short on a loaded
 * host), whatever the pace. The cost is a few small discovery messages a second while a member is missing.
 */
public class QuickMerge extends MERGE3 {
    static final long FAST_MIN = 100;
    static final long FAST_MAX = 300;
    static final long FAST_CHECK = 500;
    static final long SLOW_MIN = 1000;
    static final long SLOW_MAX = 2000;
    static final long SLOW_CHECK = 3200;
    /** MERGE3's check_interval, of which the check waits a tenth for views (200 ms); the period is ours. */
    static final long CHECK_INTERVAL_FOR_WAIT = 2000;

    private final Set<String> raftMembers;
    private final int all;

    @ManagedAttribute(description = "Whether this member looks for other subgroups at the fast pace (a member missing)")
    protected volatile boolean fast;

    public QuickMerge(Collection<String> raftMembers) {
        setId(ClassConfigurator.getProtocolId(MERGE3.class));
        this.raftMembers = Set.copyOf(raftMembers);
        this.all = raftMembers.size();
        // Until the first view, as if alone: fast.
        pace(true);
    }

    @Override
    public Object down(Event evt) {
        if (evt.getType() == Event.VIEW_CHANGE) {
            View v = evt.getArg();
            // MERGE3 restarts its INFO sender and checker on this event, with the intervals set here.
            pace(raftMembersIn(v) < all);
        }
        return super.down(evt);
    }

    int raftMembersIn(View v) {
        int n = 0;
        for (Address a : v.getMembersRaw()) {
            if (a instanceof ExtendedUUID && raftMembers.contains(Utils.extractRaftId(a))) {
                n++;
            }
        }
        return n;
    }

    private void pace(boolean quick) {
        fast = quick;
        // max first: MERGE3's setters check min < max against the current values.
        if (quick) {
            min_interval = FAST_MIN;
            max_interval = FAST_MAX;
        } else {
            max_interval = SLOW_MAX;
            min_interval = SLOW_MIN;
        }
        check_interval = CHECK_INTERVAL_FOR_WAIT;
    }

    @Override
    protected synchronized void startViewConsistencyChecker() {
        if (view_consistency_checker == null || view_consistency_checker.isDone()) {
            view_consistency_checker = timer.scheduleWithDynamicInterval(new PacedChecker());
        }
    }

    /** MERGE3's check, run at this class's pace. */
    protected class PacedChecker extends ViewConsistencyChecker {
        @Override
        public long nextInterval() {
            return fast ? FAST_CHECK : SLOW_CHECK;
        }
    }

    public boolean fast() {
        return fast;
    }
}
