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
 * {@link MERGE3} that looks for other subgroups quickly while this member's view holds no majority of the raft
 * group, and at a relaxed pace otherwise. Keeps MERGE3's protocol id: wire-compatible with plain MERGE3 members.
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
 * At every view change this class picks the timing for the new view before MERGE3 restarts its tasks: while fewer
 * than a majority of the raft members are in the view (nothing can be elected, and every moment counts), INFO every
 * 150-450 ms and a check every 500 ms; with a majority, INFO every 1-3 s and a check every 3.2 s (a healed minority
 * still asks fast, so a merge with it happens within a check period of the majority's coordinator). The cost is a
 * few small discovery messages a second, and only while the group is split.
 */
public class QuickMerge extends MERGE3 {
    static final long FAST_MIN = 100;
    static final long FAST_MAX = 300;
    static final long FAST_CHECK = 500;
    static final long SLOW_MIN = 1000;
    static final long SLOW_MAX = 2000;
    static final long SLOW_CHECK = 3200;

    private final Set<String> raftMembers;
    private final int majority;

    @ManagedAttribute(description = "Whether this member looks for other subgroups at the fast pace (no majority)")
    protected volatile boolean fast;

    public QuickMerge(Collection<String> raftMembers) {
        setId(ClassConfigurator.getProtocolId(MERGE3.class));
        this.raftMembers = Set.copyOf(raftMembers);
        this.majority = raftMembers.size() / 2 + 1;
        // Until the first view, as if alone: fast.
        pace(true);
    }

    @Override
    public Object down(Event evt) {
        if (evt.getType() == Event.VIEW_CHANGE) {
            View v = evt.getArg();
            // MERGE3 restarts its INFO sender and checker on this event, with the intervals set here.
            pace(raftMembersIn(v) < majority);
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
            check_interval = FAST_CHECK;
        } else {
            max_interval = SLOW_MAX;
            min_interval = SLOW_MIN;
            check_interval = SLOW_CHECK;
        }
    }

    public boolean fast() {
        return fast;
    }
}
