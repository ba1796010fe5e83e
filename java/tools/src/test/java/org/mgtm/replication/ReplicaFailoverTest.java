package org.mgtm.replication;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A 3-replica group in child JVMs under load from 8 {@link org.mgtm.client.LeaderClient} sessions:
 * leader crashes and follower restarts must be invisible to the sessions (only latency), must never
 * hand out a GXID or sequence value twice or out of real-time order, and must leave every replica in
 * the same state.
 */
class ReplicaFailoverTest {
    static final int SESSIONS = 8;
    /** Loose on purpose: 2 shared cores; the real figures belong to the benchmarks. */
    static final long FAILOVER_BOUND_MILLIS = 10_000;
    /** docs/decisions/0003: a restarted follower catches up within 2 s of rejoining under load. */
    static final long CATCH_UP_BOUND_MILLIS = 2_000;
    /** docs/decisions/0003 expects 1 s; the sessions' own reconnection is included here. */
    static final long COMMIT_AFTER_RESTART_BOUND_MILLIS = 3_000;

    static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void killNineOfTheLeaderUnderLoadIsInvisibleToSessions() throws Exception {
        try (ReplicaGroupProcess group = ReplicaGroupProcess.start("kill-leader", 3);
             LoadDriver load = new LoadDriver(group, SESSIONS)) {
            assertTrue(load.awaitAcksAfter(Long.MIN_VALUE, 1500, 30_000), "no load before the kill");
            int leader = group.awaitLeader(30_000);
            long killed = group.kill9(leader);
            assertTrue(load.awaitAcksAfter(killed, 1, FAILOVER_BOUND_MILLIS),
                    "nothing acknowledged within " + FAILOVER_BOUND_MILLIS + " ms of the leader kill; "
                            + group.statuses());
            long failover = millis(load.firstAckAfter(killed) - killed);
            int newLeader = group.awaitLeader(FAILOVER_BOUND_MILLIS, leader);
            long resumed = System.nanoTime();
            assertTrue(load.awaitAcksAfter(resumed, 1500, 30_000), "load did not go on after the failover");
            load.stop();
            System.out.printf("kill -9 of leader %s under load: first acknowledgement %d ms after the kill, "
                            + "new leader %s, longest pause %d ms, %d GXIDs, %d reconnects, %d resubmitted%n",
                    group.member(leader), failover, group.member(newLeader), load.longestPauseMillis(),
                    load.gxids().size(), load.reconnects(), load.resubmitted());
            load.assertNoFailures();
            load.assertHistory();
            assertTrue(load.reconnects() >= SESSIONS, "every session had to find the new leader");
            int[] survivors = {(leader + 1) % 3, (leader + 2) % 3};
            group.awaitConverged(15_000, survivors);
            // The crashed replica comes back and reaches the same state.
            group.restart(leader);
            group.awaitConverged(15_000, 0, 1, 2);
        }
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void restartedFollowerCatchesUpUnderLoadAndALeaderKilledRightAfterARestartIsReplaced() throws Exception {
        try (ReplicaGroupProcess group = ReplicaGroupProcess.start("restart-follower", 3);
             LoadDriver load = new LoadDriver(group, SESSIONS)) {
            assertTrue(load.awaitAcksAfter(Long.MIN_VALUE, 1500, 30_000), "no load before the restart");
            int leader = group.awaitLeader(30_000);
            int follower = (leader + 1) % 3;
            int other = (leader + 2) % 3;

            // A follower down for 5 s under continuous load, then restarted: it must catch up.
            group.kill9(follower);
            Thread.sleep(5000);
            group.restart(follower);
            long running = group.member(follower).runningAtNanos();
            JsonNode leaderStatus = group.status(leader);
            long target = leaderStatus.path("commitIndex").asLong();
            long caughtUp = awaitCommitIndex(group, follower, target, 15_000);
            long catchUp = millis(caughtUp - running);
            System.out.printf("follower %s restarted after 5 s down: commit index %d (the leader's when it was "
                            + "running) reached %d ms after it printed I'm running...%n", group.member(follower),
                    target, catchUp);
            TimingBars.assertWithin(catchUp, CATCH_UP_BOUND_MILLIS, "the restarted follower's catch-up (see "
                    + group.baseDir() + ")");

            // The other follower bounces, and the leader is killed as soon as it is back: the new leader's
            // only live follower lags (the jgroups-raft defect CatchUpRaft fixes), yet it must commit.
            group.kill9(other);
            Thread.sleep(3000);
            group.restart(other);
            // In the view (the leader's killed right away, while it still lags), not in a group of its own:
            // otherwise no majority is left and there is nothing to measure.
            group.awaitInView(other, 30_000);
            long killed = group.kill9(leader);
            assertTrue(load.awaitAcksAfter(killed, 1, FAILOVER_BOUND_MILLIS),
                    "nothing committed within " + FAILOVER_BOUND_MILLIS + " ms of killing the leader right after "
                            + "a follower restart; " + group.statuses());
            long firstCommit = millis(load.firstAckAfter(killed) - killed);
            int newLeader = group.awaitLeader(FAILOVER_BOUND_MILLIS, leader);
            System.out.printf("leader %s killed right after %s restarted: first acknowledgement %d ms after the "
                    + "kill, new leader %s%n", group.member(leader), group.member(other), firstCommit,
                    group.member(newLeader));
            TimingBars.assertWithin(firstCommit, COMMIT_AFTER_RESTART_BOUND_MILLIS, "the new leader's first commit "
                    + "after the kill (see " + group.baseDir() + ")");
            assertTrue(load.awaitAcksAfter(System.nanoTime(), 1000, 30_000), "load did not go on");
            load.stop();
            System.out.printf("restart test: longest pause %d ms, %d GXIDs, %d reconnects, %d resubmitted%n",
                    load.longestPauseMillis(), load.gxids().size(), load.reconnects(), load.resubmitted());
            load.assertNoFailures();
            load.assertHistory();
            group.restart(leader);
            group.awaitConverged(15_000, 0, 1, 2);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aHungLeaderIsReplacedAndSessionsMoveOn() throws Exception {
        try (ReplicaGroupProcess group = ReplicaGroupProcess.start("hung-leader", 3);
             LoadDriver load = new LoadDriver(group, SESSIONS)) {
            assertTrue(load.awaitAcksAfter(Long.MIN_VALUE, 1500, 30_000), "no load before the SIGSTOP");
            int leader = group.awaitLeader(30_000);
            long stopped = System.nanoTime();
            group.suspend(leader);
            try {
                // Its connections stay open: the sessions must notice the silence themselves.
                assertTrue(load.awaitAcksAfter(stopped, 1, FAILOVER_BOUND_MILLIS),
                        "nothing acknowledged within " + FAILOVER_BOUND_MILLIS + " ms of SIGSTOP to the leader; "
                                + group.statuses());
                int newLeader = group.awaitLeader(FAILOVER_BOUND_MILLIS, leader);
                assertTrue(load.awaitAcksAfter(System.nanoTime(), 1000, 30_000), "load did not go on");
                System.out.printf("SIGSTOP of leader %s under load: new leader %s; longest pause in acknowledgements "
                        + "%d ms%n", group.member(leader), group.member(newLeader), load.longestPauseMillis());
            } finally {
                group.resume(leader);
            }
            load.stop();
            System.out.printf("hung leader test: longest pause %d ms, %d GXIDs, %d reconnects, %d resubmitted%n",
                    load.longestPauseMillis(), load.gxids().size(), load.reconnects(), load.resubmitted());
            load.assertNoFailures();
            load.assertHistory();
            // Resumed, the old leader finds itself outside the group, merges back and catches up.
            group.awaitConverged(30_000, 0, 1, 2);
        }
    }

    /** Polls a member's status until its commit index reaches {@code target}; returns when (nanoTime). */
    static long awaitCommitIndex(ReplicaGroupProcess group, int member, long target, long timeoutMillis)
            throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        JsonNode s = null;
        while (System.nanoTime() < end) {
            s = group.status(member);
            if (s != null && s.path("commitIndex").asLong() >= target) {
                return System.nanoTime();
            }
            Thread.sleep(10);
        }
        throw new AssertionError(group.member(member) + " did not reach commit index " + target + " within "
                + timeoutMillis + " ms: " + s + "; see " + group.baseDir());
    }
}
