package org.mgtm.replication.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jgroups.Address;
import org.jgroups.View;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.Merger;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The merge leader of {@link LiveMergeLeaderGms}: the views of the long chaos run's stall (two members that each
 * name the other as next coordinator, under a coordinator that died) get a live leader, the same one whatever order
 * the views came in; where GMS's own choice sent a view, it stands.
 */
class LiveMergeLeaderGmsTest {
    private final Address deadCoordinator = UUID.randomUUID();
    private final Address b = UUID.randomUUID();
    private final Address c = UUID.randomUUID();

    /** Exposes the plain merger's choice. */
    private static final class PlainMerger extends Merger {
        PlainMerger() {
            super(new GMS());
        }

        Address leader(Map<Address, View> views) {
            return determineMergeLeader(views);
        }
    }

    private Map<Address, View> theStall(boolean bFirst) {
        View ofB = View.create(deadCoordinator, 10, deadCoordinator, c, b);   // the merge view reached B
        View ofC = View.create(deadCoordinator, 8, deadCoordinator, b, c);    // C still has the view before
        Map<Address, View> views = new LinkedHashMap<>();
        if (bFirst) {
            views.put(b, ofB);
            views.put(c, ofC);
        } else {
            views.put(c, ofC);
            views.put(b, ofB);
        }
        return views;
    }

    @Test
    void aMergeUnderADeadCoordinatorIsLedByAMemberThatSentItsView() {
        LiveMergeLeaderGms.LiveLeaderMerger merger = new LiveMergeLeaderGms.LiveLeaderMerger(new GMS());
        Address leader = merger.determineMergeLeader(theStall(true));
        assertTrue(List.of(b, c).contains(leader), "merge leader " + leader);
        assertEquals(leader, merger.determineMergeLeader(theStall(false)), "members would disagree on the leader");
    }

    /** The defect itself: GMS waits for the dead coordinator to lead. */
    @Test
    void plainGmsPicksTheDeadCoordinator() {
        assertEquals(deadCoordinator, new PlainMerger().leader(theStall(true)),
                "JGroups no longer picks a member that sent no view: LiveMergeLeaderGms may go");
    }

    @Test
    void aCoordinatorThatSentItsViewStillLeads() {
        Map<Address, View> views = new LinkedHashMap<>();
        views.put(b, View.create(b, 5, b, deadCoordinator));
        views.put(c, View.create(c, 7, c));
        LiveMergeLeaderGms.LiveLeaderMerger merger = new LiveMergeLeaderGms.LiveLeaderMerger(new GMS());
        assertEquals(new PlainMerger().leader(views), merger.determineMergeLeader(views));
    }
}
