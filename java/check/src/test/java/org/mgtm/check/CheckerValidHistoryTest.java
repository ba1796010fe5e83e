package org.mgtm.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mgtm.check.Histories.assertViolations;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mgtm.protocol.Snapshot;

/**
 * Histories that hold, many of them at the edge: concurrency windows, equal time stamps, unknown
 * outcomes, lost sessions, wraparound. The checker must flag none of them.
 */
class CheckerValidHistoryTest {
    private static final long END = Long.MAX_VALUE;

    @Test
    void interleavedTransactions() {
        CheckResult r = assertViolations(new Histories()
                .begin(0, 0, 10, 100).begin(1, 5, 15, 101)
                // No transaction has completed: xmax = 100, so the running 100 and 101 need no listing.
                .snapshot(0, 11, 20, 100, 100, 100)
                .commit(0, 21, 30, 100)
                .snapshot(1, 31, 40, 101, 101, 101)
                .begin(2, 32, 42, 102)
                .commit(1, 41, 50, 101)
                .snapshot(2, 51, 60, 102, 102, 102)
                .begin(0, 52, 62, 103)
                .snapshot(0, 63, 70, 103, 102, 103, 102)
                .commit(2, 61, 72, 102).commit(0, 73, 80, 103).build());
        assertEquals(4, r.invariant(1).checked());
        assertEquals(2, r.invariant(2).checked(), "the second begin was sent before the first was answered");
        assertEquals(4, r.invariant(3).checked());
        assertTrue(r.invariant(4).checked() > 0);
        assertTrue(r.valid());
    }

    @Test
    void commitConcurrentWithSnapshotMayOrMayNotShow() {
        assertViolations(new Histories()
                .begin(0, 0, 10, 100).begin(1, 1, 11, 101)
                .commit(1, 20, 40, 101)
                .snapshot(0, 25, 35, 100, 100, 102, 100, 101)   // still running for this one
                .snapshot(2, 25, 35, 0, 100, 102, 100)          // already finished for that one
                .commit(0, 50, 60, 100).build());
    }

    @Test
    void beginConcurrentWithSnapshotNeedNotBeListed() {
        assertViolations(new Histories()
                .begin(0, 20, 40, 105)
                .snapshot(1, 25, 35, 0, 106, 106)
                .commit(0, 50, 60, 105).build());
    }

    @Test
    void sameTimeStampIsNotBefore() {
        assertViolations(new Histories()
                .begin(0, 0, 10, 100).commit(0, 20, 30, 100)
                .snapshot(1, 30, 40, 0, 100, 100)        // asked at the very time the commit was acknowledged
                .begin(2, 10, 15, 99)                    // sent at the time 100's grant arrived
                .build());
    }

    @Test
    void unknownBeginMayHaveConsumedAGxid() {
        assertViolations(new Histories()
                .begin(0, 0, 10, 100).lost(1, 12, 20, Operation.begin()).begin(2, 30, 40, 102).build());
    }

    @Test
    void unknownCommitMayOrMayNotBeVisible() {
        Histories common = new Histories().begin(0, 0, 10, 100).lost(0, 20, 30, Operation.commit(100));
        assertViolations(common.snapshot(1, 40, 50, 0, 101, 101).build());
        Histories other = new Histories().begin(0, 0, 10, 100).lost(0, 20, 30, Operation.commit(100));
        assertViolations(other.snapshot(1, 40, 50, 0, 100, 101, 100).build());
    }

    @Test
    void failedCommitLeavesTheTransactionRunningOrNot() {
        // A definite error answer: not committed; the snapshot may show it running (it is), and a
        // later one finished (the backend then disconnects, which rolls it back).
        assertViolations(new Histories()
                .begin(0, 0, 10, 100).failed(0, 20, 30, Operation.commit(100))
                .snapshot(1, 40, 50, 0, 100, 101, 100)
                .lost(0, 60, 65, Operation.rollback(100))
                .snapshot(1, 70, 80, 0, 101, 101).build());
    }

    @Test
    void lostSessionIsCleanedUp() {
        assertViolations(new Histories()
                .begin(0, 0, 10, 100).snapshot(0, 20, 30, 100, 100, 100)
                .lost(0, 40, 50, Operation.snapshot(100))
                // The connection may have broken at any time after the last answer it got.
                .snapshot(1, 35, 38, 0, 101, 101)
                .snapshot(1, 60, 70, 0, 101, 101).build());
    }

    @Test
    void preparedTransactionSurvivesItsSessionUntilCommittedByAnother() {
        assertViolations(new Histories()
                .begin(0, 0, 10, 100).prepare(0, 20, 30, 100)
                .lost(0, 40, 50, Operation.snapshot(100))
                .snapshot(1, 60, 70, 0, 100, 101, 100)
                .commit(1, 80, 90, 100)
                .snapshot(1, 100, 110, 0, 101, 101).build());
    }

    @Test
    void prepareOfUnknownOutcomeMayNotHaveHappened() {
        // The prepare may never have reached the GTM: the session's loss then rolled the transaction back.
        assertViolations(new Histories()
                .begin(0, 0, 10, 100).lost(0, 20, 30, Operation.prepare(100))
                .snapshot(1, 40, 50, 0, 101, 101).build());
    }

    @Test
    void preparedTransactionCommittedWhileTheSnapshotWasTaken() {
        assertViolations(new Histories()
                .begin(0, 0, 10, 100).prepare(0, 20, 30, 100)
                .commit(1, 40, 60, 100)
                .snapshot(2, 45, 55, 0, 101, 101).build());
    }

    @Test
    void vacuumTransactionsAreNeverListed() {
        Histories h = new Histories().begin(1, 0, 10, 101).snapshot(1, 20, 30, 101, 101, 102, 101)
                .commit(1, 40, 50, 101);
        h.builder().op(0, 0, 10, new Operation.Begin(0, true), new Operation.Begin(100, true))
                .op(0, 60, 70, Operation.commit(100), Operation.commit(100));
        assertViolations(h.build());
    }

    @Test
    void gxidsAcrossTheWrap() {
        Histories h = new Histories()
                .begin(0, 0, 10, 0xFFFF_FFFE).commit(0, 11, 20, 0xFFFF_FFFE)
                .begin(0, 21, 30, 0xFFFF_FFFF)
                .begin(1, 31, 40, 3)
                .snapshot(1, 41, 50, 3, 0xFFFF_FFFF, 0xFFFF_FFFF)
                .commit(0, 51, 60, 0xFFFF_FFFF);
        // 3's first snapshot set its xmin to 0xFFFFFFFF: recent global xmin stays there while 3 runs (inv 8).
        h.snapshotRg(1, 61, 70, 3, 0xFFFF_FFFF, 3, 3);
        CheckResult r = assertViolations(h
                .commit(1, 71, 80, 3)
                .begin(2, 81, 90, 4)
                .snapshot(2, 91, 100, 4, 4, 4)
                .commit(2, 101, 110, 4).build());
        assertEquals(3, r.invariant(2).checked());
    }

    @Test
    void groupedBeginRun() {
        Histories h = new Histories().begin(1, 20, 30, 103);
        h.builder().op(0, 0, 10, Operation.beginMulti(3), Operation.beginMulti(3, 100));
        assertViolations(h.snapshot(1, 40, 50, 103, 100, 100).build());
    }

    @Test
    void cyclingSequenceComesBackAfterAFullCycle() {
        assertViolations(new Histories().seqCreate(0, 0, 10, "s", 1, 1, 3, true)
                .nextval(0, 20, 30, "s", 1).nextval(0, 40, 50, "s", 2).nextval(0, 60, 70, "s", 3)
                .nextval(0, 80, 90, "s", 1).nextval(0, 100, 110, "s", 2).build());
    }

    @Test
    void cyclingSequenceWithUnseenAdvances() {
        // Two nextvals of unknown outcome may have advanced 1..3 through a full cycle.
        Histories h = new Histories().seqCreate(0, 0, 10, "s", 1, 1, 3, true).nextval(0, 20, 30, "s", 1);
        h.lost(1, 31, 35, Operation.seqNext("s")).lost(2, 36, 39, Operation.seqNext("s"));
        assertViolations(h.nextval(0, 40, 50, "s", 1).build());
    }

    @Test
    void nonCyclingSequenceWithUnknownAndFailedNextvals() {
        Histories h = new Histories().seqCreate(0, 0, 10, "s", 5, 1, 1000, false).nextval(0, 20, 30, "s", 1);
        h.lost(0, 40, 50, Operation.seqNext("s")).failed(1, 45, 55, Operation.seqNext("s"));
        CheckResult r = assertViolations(h.nextval(1, 60, 70, "s", 11).build());
        assertEquals(2, r.invariant(5).checked());
    }

    @Test
    void sequenceRestartedStartsAnEpoch() {
        assertViolations(new Histories().seqCreate(0, 0, 10, "s", 1, 1, 100, false)
                .nextval(0, 20, 30, "s", 1).nextval(0, 40, 50, "s", 2)
                .seqCreate(1, 55, 65, "s", 1, 1, 100, false)
                .nextval(0, 60, 70, "s", 1)                 // overlaps the restart: not attributed
                .nextval(0, 80, 90, "s", 2).build());
    }

    @Test
    void sequenceWithoutCreateIsNotChecked() {
        CheckResult r = assertViolations(new Histories().nextval(0, 0, 10, "s", 1).nextval(0, 20, 30, "s", 1).build());
        assertFalse(r.invariant(5).wasChecked());
    }

    @Test
    void answersWithinLeadershipIncludingAcrossAHandover() {
        CheckResult r = assertViolations(new Histories().leader("m1", 1, 0, 100).leader("m2", 2, 100, END)
                .beginBy(1, 50, 60, 99, "m1", 1)
                .beginBy(0, 90, 110, 100, "m2", 2)                 // sent before m2 led, answered after
                .beginBy(2, 120, 130, 101, "m2", Event.NO_TERM).build());
        assertEquals(3, r.invariant(6).checked());
    }

    @Test
    void leadershipWithoutDataIsNotChecked() {
        CheckResult r = assertViolations(new Histories().beginBy(0, 0, 10, 100, "m1", 1).build());
        assertFalse(r.invariant(6).wasChecked());
        assertTrue(r.invariant(6).line().contains("not checked"));
    }

    @Test
    void badInputAnsweredOrClosedAndOthersServed() {
        CheckResult r = assertViolations(new Histories()
                .badInput(0, 10, 20, Operation.OUTCOME_ERROR)
                .badInput(3, 12, 22, Operation.OUTCOME_CLOSED)
                .begin(1, 30, 40, 100)
                .lost(2, 35, 45, Operation.begin()).build());
        assertEquals(2, r.invariant(7).checked());
    }

    // ---- invariant 8: what cannot be told is not reported

    /** 100's first snapshot sets its xmin to 99; a later snapshot's recent global xmin is 100. */
    private static Histories firstXmin99(long laterAsked, long laterDone) {
        return new Histories()
                .begin(2, 0, 5, 99).begin(0, 6, 10, 100).begin(1, 7, 11, 101).commit(1, 12, 15, 101)
                .snapshotRg(0, 20, 30, 100, 99, 99, 102, 99, 100)
                .commit(2, 31, 35, 99)
                .snapshotRg(3, laterAsked, laterDone, 0, 100, 100, 102, 100);
    }

    @Test
    void inv8TransactionWhoseCommitWasSentMayHaveEnded() {
        CheckResult r = assertViolations(firstXmin99(40, 50).commit(0, 45, 55, 100).build());
        assertFalse(r.invariant(8).wasChecked(), r.invariant(8).line());
    }

    @Test
    void inv8TransactionWhoseSessionWasNotSeenAliveMayHaveEnded() {
        // Process 0 answers nothing after the later snapshot: its connection may have closed.
        assertViolations(firstXmin99(40, 50).build());
    }

    @Test
    void inv8FirstSnapshotAnsweredAfterTheLaterOneWasAskedDoesNotCount() {
        assertViolations(firstXmin99(29, 50).commit(0, 60, 70, 100).build());
    }

    @Test
    void inv8VacuumTransactionsHoldNothing() {
        Histories h = new Histories().begin(2, 0, 5, 99).begin(1, 7, 11, 101).commit(1, 12, 15, 101);
        h.builder().op(0, 6, 10, new Operation.Begin(0, true), new Operation.Begin(100, true));
        h.snapshotRg(0, 20, 30, 100, 99, 99, 102, 99)
                .commit(2, 31, 35, 99)
                .snapshotRg(3, 40, 50, 0, 102, 102, 102)
                .commit(0, 60, 70, 100);
        assertViolations(h.build());
    }

    @Test
    void inv8SnapshotOfUnknownOutcomeMayHaveSetALowerXmin() {
        // Another session asked a snapshot for 100 first and lost the answer: 100's xmin may come from it.
        Histories h = new Histories()
                .begin(2, 0, 5, 99).begin(0, 6, 10, 100).begin(1, 7, 11, 101).commit(1, 12, 15, 101)
                .lost(4, 16, 18, Operation.snapshot(100))
                .snapshotRg(0, 20, 30, 100, 99, 99, 102, 99, 100)
                .commit(2, 31, 35, 99)
                .snapshotRg(3, 40, 50, 0, 100, 100, 102, 100)
                .commit(0, 60, 70, 100);
        CheckResult r = assertViolations(h.build());
        assertFalse(r.invariant(8).wasChecked(), r.invariant(8).line());
    }

    @Test
    void inv8HeldBackXminIsCountedAsChecked() {
        CheckResult r = assertViolations(new Histories()
                .begin(2, 0, 5, 99).begin(0, 6, 10, 100).begin(1, 7, 11, 101).commit(1, 12, 15, 101)
                .snapshotRg(0, 20, 30, 100, 99, 99, 102, 99, 100)
                .commit(2, 31, 35, 99)
                .snapshotRg(3, 40, 50, 0, 99, 100, 102, 100)
                .commit(0, 60, 70, 100)
                .snapshotRg(3, 80, 90, 0, 102, 102, 102).build());
        assertEquals(1, r.invariant(8).checked(), "only the snapshot while 100 was open");
    }

    @Test
    void groupedCommitAndSnapshotRun() {
        CheckResult r = assertViolations(new Histories()
                .begin(0, 0, 10, 100).begin(1, 1, 11, 101)
                .snapshotMulti(2, 20, 30, List.of(100, 101), 100, 100, 100)
                .commitMulti(2, 40, 50, List.of(100, 101))
                .begin(3, 60, 70, 102).snapshotMulti(2, 80, 90, List.of(102), 102, 102, 102).build());
        assertEquals(2, r.invariant(3).checked());
        assertEquals(1, r.invariant(4).checked());
    }

    @Test
    void emptyHistoryChecksNothing() {
        CheckResult r = assertViolations(History.builder().build());
        for (int i = 1; i <= 8; i++) {
            assertFalse(r.invariant(i).wasChecked(), "invariant " + i);
        }
    }
}
