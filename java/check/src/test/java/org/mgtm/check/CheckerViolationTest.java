package org.mgtm.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mgtm.check.Histories.assertViolations;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mgtm.protocol.Snapshot;

/** Hand-made histories that break one invariant each: the checker must name that invariant, and only it. */
class CheckerViolationTest {
    private static final long END = Long.MAX_VALUE;

    // ---- 1: no GXID twice

    @Test
    void inv1ConcurrentBeginsGetTheSameGxid() {
        CheckResult r = assertViolations(new Histories().begin(0, 0, 10, 100).begin(1, 5, 15, 100).build(), 1);
        assertEquals(2, r.invariant(1).checked());
        assertEquals(2, r.violationsOf(1).get(0).lines().size(), "both grants are shown");
        assertFalse(r.valid());
    }

    @Test
    void inv1GroupedBeginOverlapsASingleOne() {
        Histories h = new Histories().begin(1, 5, 15, 102);
        h.builder().op(0, 0, 10, Operation.beginMulti(3), Operation.beginMulti(3, 100));
        assertViolations(h.build(), 1);
    }

    @Test
    void inv1GroupedBeginAcrossTheWrapSkipsSpecialIdsAndStillCollides() {
        Histories h = new Histories().begin(1, 5, 15, 3);
        // 0xFFFFFFFE, 0xFFFFFFFF, then 3 (0, 1 and 2 are skipped), as gtm_proxy computes it.
        h.builder().op(0, 0, 10, Operation.beginMulti(3), Operation.beginMulti(3, 0xFFFF_FFFE));
        assertViolations(h.build(), 1);
    }

    // ---- 2: GXIDs grow in real time

    @Test
    void inv2LaterBeginGetsASmallerGxid() {
        CheckResult r = assertViolations(new Histories().begin(0, 0, 10, 105).begin(1, 20, 30, 103).build(), 0, 1);
        assertEquals(1, r.invariant(2).checked());
    }

    @Test
    void inv2ComparesModulo2To31() {
        // After 0xFFFFFFF0, 5 is later (the counter wrapped) but 0xFFFFFF00 is earlier.
        assertViolations(new Histories().begin(0, 0, 10, 0xFFFF_FFF0).begin(1, 20, 30, 5).build());
        assertViolations(new Histories().begin(0, 0, 10, 0xFFFF_FFF0).begin(1, 20, 30, 0xFFFF_FF00).build(), 0, 1);
    }

    @Test
    void inv2GroupedBeginBelowAnEarlierGrant() {
        Histories h = new Histories().begin(0, 0, 10, 200);
        h.builder().op(1, 20, 30, Operation.beginMulti(4), Operation.beginMulti(4, 150));
        assertViolations(h.build(), 0, 1);
    }

    // ---- 3: snapshots

    @Test
    void inv3ListedGxidAtOrAboveXmax() {
        assertViolations(new Histories().begin(0, 0, 10, 100).snapshot(0, 20, 30, 100, 100, 101, 100, 105).build(),
                0, 0, 1);
    }

    @Test
    void inv3XminAfterXmax() {
        assertViolations(new Histories().begin(0, 0, 10, 100).snapshot(0, 20, 30, 100, 102, 101).build(), 0, 0, 1);
    }

    @Test
    void inv3RecentGlobalXminAfterXmin() {
        Histories h = new Histories().begin(0, 0, 10, 100);
        h.builder().op(0, 20, 30, Operation.snapshot(100),
                Operation.snapshot(100, new Snapshot(100, 100, 101, new int[0])));
        assertViolations(h.build(), 0, 0, 1);
    }

    @Test
    void inv3RunningTransactionShownFinished() {
        // 100 was granted before the snapshot was asked and committed only after it was answered:
        // it was running, yet the snapshot has it below xmax and not listed.
        CheckResult r = assertViolations(new Histories()
                .begin(0, 0, 10, 100).begin(1, 1, 11, 101)
                .snapshot(1, 20, 30, 101, 101, 102, 101)
                .commit(0, 40, 50, 100).build(), 0, 0, 1);
        assertEquals(4, r.violationsOf(3).get(0).lines().size(), "snapshot invoke and answer, grant, proof of life");
    }

    @Test
    void inv3RunningTransactionShownFinishedWhileItsSessionWentOnWithOtherWork() {
        assertViolations(new Histories()
                .begin(0, 0, 10, 100)
                .snapshot(1, 20, 30, 0, 101, 101)
                .snapshot(0, 40, 50, 100, 100, 101, 100).build(), 0, 0, 1);
    }

    @Test
    void inv3CommittedTransactionNotCoveredByXmax() {
        assertViolations(new Histories()
                .begin(0, 0, 10, 100).commit(0, 20, 30, 100)
                .begin(1, 40, 50, 101).snapshot(1, 60, 70, 101, 100, 100).build(), 0, 0, 1);
    }

    // ---- 4: acknowledged ends are never lost

    @Test
    void inv4CommittedTransactionListedAsRunning() {
        CheckResult r = assertViolations(new Histories()
                .begin(0, 0, 10, 100).commit(0, 20, 30, 100)
                .begin(1, 40, 50, 101).snapshot(1, 60, 70, 101, 100, 102, 100, 101).build(), 0, 0, 0, 1);
        assertTrue(r.violationsOf(4).get(0).message().contains("commit was acknowledged"));
    }

    @Test
    void inv4RolledBackTransactionListedAsRunning() {
        CheckResult r = assertViolations(new Histories()
                .begin(0, 0, 10, 100).rollback(0, 20, 30, 100)
                .begin(1, 40, 50, 101).snapshot(1, 60, 70, 101, 100, 102, 100, 101).build(), 0, 0, 0, 1);
        assertTrue(r.violationsOf(4).get(0).message().contains("rollback was acknowledged"));
    }

    @Test
    void inv4PreparedTransactionLostAfterItsSessionDied() {
        assertViolations(new Histories()
                .begin(0, 0, 10, 100).prepare(0, 20, 30, 100)
                .lost(0, 40, 45, Operation.snapshot(100))
                .begin(1, 50, 60, 101).snapshot(1, 70, 80, 101, 101, 102, 101).build(), 0, 0, 0, 1);
    }

    @Test
    void inv4TransactionSeenFinishedThenListedAgain() {
        // The commit's outcome is unknown, so either snapshot alone is fine; both together are not.
        assertViolations(new Histories()
                .begin(0, 0, 10, 100).lost(0, 20, 30, Operation.commit(100))
                .snapshot(1, 40, 50, 0, 101, 101)
                .snapshot(2, 60, 70, 0, 100, 101, 100).build(), 0, 0, 0, 1);
    }

    @Test
    void inv4GroupedCommitAcknowledgedThenListed() {
        Histories h = new Histories().begin(0, 0, 10, 100).begin(1, 1, 11, 101)
                .commitMulti(2, 20, 30, List.of(100, 101))
                .begin(3, 40, 50, 102).snapshot(3, 60, 70, 102, 101, 103, 101, 102);
        CheckResult r = assertViolations(h.build(), 0, 0, 0, 1);
        assertTrue(r.violationsOf(4).get(0).message().contains("GXID 101"), r.violationsOf(4).toString());
    }

    // ---- 8: recent global xmin never passes an open transaction's first xmin

    /**
     * 99 runs when 100 takes its first snapshot, so 100's xmin is 99. Once 99 has committed, a later
     * snapshot may raise xmin to 100, but recent global xmin must stay at 99 while 100 is open.
     */
    private static Histories xminSetBy99ThenPassed(int rgxminOfLaterSnapshot) {
        return new Histories()
                .begin(2, 0, 5, 99).begin(0, 6, 10, 100).begin(1, 7, 11, 101).commit(1, 12, 15, 101)
                .snapshotRg(0, 20, 30, 100, 99, 99, 102, 99, 100)
                .commit(2, 31, 35, 99)
                .snapshotRg(0, 40, 50, 100, rgxminOfLaterSnapshot, 100, 102, 100)
                .commit(0, 60, 70, 100);
    }

    @Test
    void inv8RecentGlobalXminPassesTheFirstXminOfAnOpenTransaction() {
        CheckResult r = assertViolations(xminSetBy99ThenPassed(100).build(), 0, 0, 0, 0, 0, 0, 0, 1);
        assertEquals(1, r.invariant(8).checked());
        assertTrue(r.violationsOf(8).get(0).message().contains("passes xmin 99 of GXID 100"),
                r.violationsOf(8).toString());
        assertEquals(4, r.violationsOf(8).get(0).lines().size(),
                "snapshot invoke and answer, the first snapshot, proof of life");
        // The same history with the xmin held back is valid: the check can fail and pass.
        assertViolations(xminSetBy99ThenPassed(99).build());
    }

    @Test
    void inv8PassedThroughGroupedSnapshots() {
        // gtm_proxy's grouped snapshots: 100 and 101 both get their xmin (98) from the first one.
        Histories h = new Histories()
                .begin(3, 0, 5, 98).begin(0, 6, 10, 100).begin(1, 7, 11, 101).begin(4, 8, 12, 99)
                .commit(4, 13, 14, 99)
                .snapshotMulti(2, 20, 30, List.of(100, 101), 98, 98, 100, 98)
                .commit(3, 31, 35, 98)
                .commit(0, 36, 37, 100)
                .snapshotMulti(2, 40, 50, List.of(101), 100, 101, 101)
                .commit(1, 60, 70, 101);
        CheckResult r = assertViolations(h.build(), 0, 0, 0, 0, 0, 0, 0, 1);
        assertTrue(r.violationsOf(8).get(0).message().contains("passes xmin 98 of GXID 101"),
                r.violationsOf(8).toString());
    }

    // ---- 5: sequences

    @Test
    void inv5ValueRepeatedByANonCyclingSequence() {
        assertViolations(new Histories().seqCreate(0, 0, 10, "s", 1, 1, 100, false)
                .nextval(0, 20, 30, "s", 1).nextval(0, 40, 50, "s", 2).nextval(1, 60, 70, "s", 2).build(),
                0, 0, 0, 0, 1);
    }

    @Test
    void inv5ValueOutOfBounds() {
        assertViolations(new Histories().seqCreate(0, 0, 10, "s", 1, 1, 100, false)
                .nextval(0, 20, 30, "s", 101).build(), 0, 0, 0, 0, 1);
    }

    @Test
    void inv5CyclingSequenceRepeatsBeforeACycleCouldHavePassed() {
        // A cycle of 1..5 takes five nextvals; only one came between the two 1s.
        assertViolations(new Histories().seqCreate(0, 0, 10, "s", 1, 1, 5, true)
                .nextval(0, 20, 30, "s", 1).nextval(0, 40, 50, "s", 2).nextval(0, 60, 70, "s", 1).build(),
                0, 0, 0, 0, 1);
    }

    @Test
    void inv5DescendingSequenceRepeats() {
        assertViolations(new Histories().seqCreate(0, 0, 10, "d", -1, -100, -1, false)
                .nextval(0, 20, 30, "d", -1).nextval(1, 25, 35, "d", -1).build(), 0, 0, 0, 0, 1);
    }

    // ---- 6: only the leader answers

    @Test
    void inv6AnswerByADeposedLeader() {
        assertViolations(new Histories().leader("m1", 1, 0, 100).leader("m2", 2, 100, END)
                .beginBy(0, 150, 160, 100, "m1", 1).build(), 0, 0, 0, 0, 0, 1);
    }

    @Test
    void inv6AnswerInATermTheReplicaDidNotLead() {
        assertViolations(new Histories().leader("m1", 1, 0, 100).leader("m1", 3, 200, END)
                .beginBy(0, 50, 60, 100, "m1", 2).build(), 0, 0, 0, 0, 0, 1);
    }

    @Test
    void inv6AnswerByAReplicaThatWasNeverLeader() {
        assertViolations(new Histories().leader("m1", 1, 0, END).beginBy(0, 50, 60, 100, "m3", 1).build(),
                0, 0, 0, 0, 0, 1);
    }

    @Test
    void inv6TwoLeadersOfOneTerm() {
        assertViolations(new Histories().leader("m1", 1, 0, 100).leader("m2", 1, 50, 200)
                .beginBy(0, 10, 20, 100, "m1", 1).build(), 0, 0, 0, 0, 0, 1);
    }

    // ---- 7: bad input

    @Test
    void inv7BadInputNeitherAnsweredWithAnErrorNorClosed() {
        assertViolations(new Histories().badInput(0, 0, 10, Operation.OUTCOME_NONE).build(), 0, 0, 0, 0, 0, 0, 1);
        assertViolations(new Histories().badInput(0, 0, 10, Operation.OUTCOME_ANSWERED).build(),
                0, 0, 0, 0, 0, 0, 1);
    }

    @Test
    void inv7ServerStoppedServingEveryoneAfterBadInput() {
        CheckResult r = assertViolations(new Histories()
                .begin(1, 1, 5, 100)
                .badInput(0, 10, 20, Operation.OUTCOME_ERROR)
                .lost(1, 30, 40, Operation.begin())
                .failed(2, 35, 45, Operation.begin())
                .build(), 0, 0, 0, 0, 0, 0, 1);
        assertTrue(r.violationsOf(7).get(0).message().contains("2 processes tried"));
    }
}
