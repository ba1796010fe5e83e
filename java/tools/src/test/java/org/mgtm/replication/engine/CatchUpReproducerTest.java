package org.mgtm.replication.engine;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mgtm.replication.TimingBars;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Reproducer of the jgroups-raft 1.1.4 catch-up defect (see {@link CatchUpRaft}), with 3 replica JVMs on
 * 127.0.0.11-13 under ~600 single-entry writes/s submitted by whichever replica leads.
 *
 * <p>Passes with the fix. Run {@code -Dmgtm.raft.catchup=false} to see it fail with SafeFollowerRaft (no catch-up fix): the restarted
 * follower never catches up, and the new leader whose only live follower lags commits nothing.</p>
 */
class CatchUpReproducerTest {

    static final boolean CATCH_UP = Boolean.parseBoolean(System.getProperty("mgtm.raft.catchup", "true"));

    static RaftProcessCluster cluster(String name, String maxLogSize) throws Exception {
        Path dir = Path.of("target", "raft-it", name + "-" + System.currentTimeMillis()).toAbsolutePath();
        return new RaftProcessCluster(dir, 3, Map.of(
                "raft.catchup", Boolean.toString(CATCH_UP),
                "raft.max_log_size", maxLogSize,
                "node.load_rate", "600",
                "node.load_max_inflight", "100000"));
    }

    /** Starts all three, waits for a leader that has committed ~1 s of load; returns the leader's index. */
    static int startLoaded(RaftProcessCluster c) throws Exception {
        c.start(0);
        c.start(1);
        c.start(2);
        boolean up = c.await(() -> {
            int l = c.leader();
            return l >= 0 && c.node(l).lastStat().num("commit") >= 600
                    && c.nodes().stream().allMatch(n -> n.lastStat() != null
                            && n.lastStat().num("commit") >= 300);
        }, 30_000);
        assertTrue(up, "no leader with committed load within 30 s; see " + c.baseDir());
        return c.leader();
    }

    /** Kills a follower, keeps it down for 5 s, restarts it; returns its READY event. */
    static RaftProcessCluster.Event bounceFollower(RaftProcessCluster c, int f) throws Exception {
        c.kill(f);
        Thread.sleep(5000);
        long t = System.currentTimeMillis();
        c.start(f);
        c.log("restart " + c.node(f).id() + " at " + t);
        assertTrue(c.await(() -> c.node(f).firstEvent("READY", t, e -> true).isPresent(), 15_000),
                "restarted follower did not join");
        RaftProcessCluster.Event ready = c.node(f).firstEvent("READY", t, e -> true).orElseThrow();
        ready.fields().put("started", Long.toString(t));
        return ready;
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void restartedFollowerCatchesUpUnderLoadWithinTwoSeconds() throws Exception {
        // 4 MB between snapshots: the 5 s of missed entries (~200 KB) are still in the leader's log
        catchUp("catchup", "4194304", false);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void followerBehindACompactedLogCatchesUpThroughASnapshotWithinTwoSeconds() throws Exception {
        // 32 KB between snapshots: the leader compacts its log every ~0.7 s, so the entries the follower missed
        // are gone and it needs an InstallSnapshot
        catchUp("snapshot", "32768", true);
    }

    void catchUp(String name, String maxLogSize, boolean needsSnapshot) throws Exception {
        try (RaftProcessCluster c = cluster(name, maxLogSize)) {
            int leader = startLoaded(c);
            int f = (leader + 1) % 3;
            RaftProcessCluster.Event ready = bounceFollower(c, f);
            long target = c.node(leader).lastStat().num("commit");     // the leader's commit when f rejoined
            c.log("target commit " + target + " for " + c.node(f).id());
            // bounded: 10 s at most, the bar is 2 s
            boolean caught = c.await(() -> {
                RaftProcessCluster.Event s = c.node(f).lastStat();
                return s != null && s.time() >= ready.time() && s.num("commit") >= target;
            }, TimingBars.deadline(10_000));
            RaftProcessCluster.Event s = c.node(f).lastStat();
            RaftProcessCluster.Event ls = c.node(leader).lastStat();
            long ms = s.time() - ready.time();
            c.log("caught=" + caught + " after " + ms + " ms, follower " + s.fields() + ", leader " + ls.fields());
            System.out.printf("%s (%s): caught=%b in %d ms after rejoining, %d ms after process start"
                            + " (follower commit %d, target %d; leader %s)%n", name, CATCH_UP ? "CatchUpRaft" : "RAFT",
                    caught, ms, s.time() - ready.num("started"), s.num("commit"), target, ls.fields());
            assertTrue(caught, "restarted follower did not catch up within 10 s: " + s.fields()
                    + " target " + target + "; see " + c.baseDir());
            TimingBars.assertWithin(ms, 2000, "the restarted follower's catch-up");
            if (needsSnapshot && CATCH_UP)
                assertTrue(ls.num("cu_snaps") > 0, "expected a catch-up snapshot: " + ls.fields());
            // the state machine holds exactly the committed commands (one command per entry here)
            assertTrue(c.await(() -> {
                RaftProcessCluster.Event x = c.node(f).lastStat();
                return x.num("count") >= target;
            }, 2000), "state machine behind the commit index: " + c.node(f).lastStat().fields());
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void leaderKilledRightAfterFollowerRestartIsReplacedAndCommitsWithinOneSecond() throws Exception {
        try (RaftProcessCluster c = cluster("failover", "4194304")) {
            int leader = startLoaded(c);
            int f = (leader + 1) % 3;
            bounceFollower(c, f);
            String oldLeader = c.node(leader).id();
            long killedAt = c.kill(leader);
            // bounded: 10 s at most, the bar is 1 s
            c.await(() -> firstCommitOfNewLeader(c, oldLeader, killedAt).isPresent(), TimingBars.deadline(10_000));
            Optional<RaftProcessCluster.Event> first = firstCommitOfNewLeader(c, oldLeader, killedAt);
            System.out.printf("failover after follower restart (%s): %s%n", CATCH_UP ? "CatchUpRaft" : "RAFT",
                    first.map(e -> (e.time() - killedAt) + " ms to first commit by " + e.get("id"))
                            .orElse("no commit within 10 s"));
            if (first.isEmpty())
                fail("no new leader committed within 10 s of the leader kill; see " + c.baseDir());
            long ms = first.get().time() - killedAt;
            c.log("failover " + ms + " ms");
            TimingBars.assertWithin(ms, 1000, "the new leader's first commit after the kill");
        }
    }

    static Optional<RaftProcessCluster.Event> firstCommitOfNewLeader(RaftProcessCluster c, String old, long after) {
        return c.nodes().stream()
                .filter(n -> !n.id().equals(old))
                .map(n -> n.firstEvent("FIRSTCOMMIT", after, e -> true))
                .flatMap(Optional::stream)
                .min((a, b) -> Long.compare(a.time(), b.time()));
    }
}
