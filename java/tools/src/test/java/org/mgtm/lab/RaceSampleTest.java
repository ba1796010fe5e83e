package org.mgtm.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The race reader's classification of psql's output, without XC. */
class RaceSampleTest {
    /** psql -At -F: output: the snapshot, a row per branch version, the sum of the history. */
    private static String output(String snapshot, String sum, String... rows) {
        return snapshot + "\n" + String.join("\n", rows) + "\n" + sum + "\n";
    }

    @Test
    void oneRowPerBranchAndEqualSumsIsConsistent() {
        RaceSample s = RaceSample.parse(1, output("1000:1005:1001,1003", "-30", "1:-10:990:0", "2:-20:995:0"), 2);
        assertEquals(RaceSample.Kind.CONSISTENT, s.kind());
        assertFalse(s.kind().inconsistent());
        assertEquals(List.of(1001L, 1003L), List.copyOf(s.snapshot().xip()));
    }

    @Test
    void aBranchSeenTwiceWithTheOlderDeleterRunningAndTheNewerCreatorNotIsTheRace() {
        // b = 1003 updated the version of 990 and is listed as running; c = 1004 updated b's version and is not
        RaceSample s = RaceSample.parse(1, output("1000:1005:1003", "-25", "1:-10:990:1003", "1:-15:1004:0",
                "2:-20:995:0"), 2);
        assertEquals(RaceSample.Kind.DOUBLED, s.kind());
        assertTrue(s.racePattern());
        assertTrue(s.detail().contains("branch 1 seen 2 times"), s.detail());
        assertTrue(s.detail().contains("snapshot 1000:1005:1003"), s.detail());
    }

    @Test
    void aDoubledBranchWithoutThePatternIsStillDoubled() {
        // neither version's deleter is listed as running
        RaceSample s = RaceSample.parse(1, output("1000:1005:", "-25", "1:-10:990:1002", "1:-15:1004:0",
                "2:-20:995:0"), 2);
        assertEquals(RaceSample.Kind.DOUBLED, s.kind());
        assertFalse(s.racePattern());
    }

    @Test
    void snapshotTxidsWithAnEpochAreComparedByTheirLowWord() {
        long epoch = 1L << 32;
        RaceSample s = RaceSample.parse(1, output((epoch + 1000) + ":" + (epoch + 1005) + ":" + (epoch + 1003), "-25",
                "1:-10:990:1003", "1:-15:1004:0", "2:-20:995:0"), 2);
        assertTrue(s.racePattern());
    }

    @Test
    void aBranchNotSeenIsMissing() {
        RaceSample s = RaceSample.parse(1, output("1000:1005:", "-30", "2:-20:995:0"), 2);
        assertEquals(RaceSample.Kind.MISSING, s.kind());
        assertTrue(s.detail().contains("branches not seen: [1]"), s.detail());
        assertFalse(s.racePattern());
    }

    @Test
    void oneRowPerBranchWithDifferentSumsIsOther() {
        RaceSample s = RaceSample.parse(1, output("1000:1005:", "-31", "1:-10:990:0", "2:-20:995:0"), 2);
        assertEquals(RaceSample.Kind.OTHER, s.kind());
    }

    @Test
    void anEmptyHistoryPrintsNoSum() {
        assertEquals(RaceSample.Kind.CONSISTENT, RaceSample.parse(1, output("1000:1005:", "", "1:0:990:0"), 1).kind());
        assertEquals(RaceSample.Kind.OTHER, RaceSample.parse(1, output("1000:1005:", "", "1:5:990:0"), 1).kind());
    }

    @Test
    void whatIsNotAReadingFails() {
        assertEquals(RaceSample.Kind.FAILED, RaceSample.parse(1, "", 2).kind());
        assertEquals(RaceSample.Kind.FAILED, RaceSample.parse(1, "psql: could not connect to server\n", 2).kind());
        RaceSample error = RaceSample.parse(1, output("1000:1005:", "-30", "1:-10:990:0",
                "psql:race-reading.sql:3: ERROR:  canceling statement"), 2);
        assertEquals(RaceSample.Kind.FAILED, error.kind());
        assertFalse(error.kind().inconsistent());
    }

    @Test
    void theSummaryCountsClassesAndRates() {
        RaceSample ok = RaceSample.parse(1, output("1000:1005:", "-30", "1:-10:990:0", "2:-20:995:0"), 2);
        RaceSample doubled = RaceSample.parse(2, output("1000:1005:1003", "-25", "1:-10:990:1003", "1:-15:1004:0",
                "2:-20:995:0"), 2);
        RaceSample missing = RaceSample.parse(3, output("1000:1005:", "-30", "2:-20:995:0"), 2);
        RaceSample failed = RaceSample.failed(4, "psql failed", "");
        RaceSummary summary = new RaceSummary(List.of(ok, doubled, ok, missing, ok, failed), 500, 0);
        assertEquals(5, summary.readings());
        assertEquals(2, summary.inconsistent());
        assertEquals(0.4, summary.perSample(), 1e-12);
        assertEquals(4.0, summary.perThousandTransfers(), 1e-12);
        assertEquals("1 (1) / 1 / 0", summary.classes());
        assertTrue(summary.lines().get(0).contains("6 samples (5 readings, 1 failed), 2 inconsistent"),
                summary.lines().get(0));
        assertEquals("-", new RaceSummary(List.of(ok), 0, 0).perThousand());
    }
}
