package org.mgtm.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The real-XC demo's reading of pgbench 8.4's -l log and output, without XC. */
class PgbenchLogTest {
    private static final long START = 1_700_000_000_000_000L; // epoch microseconds

    /** A pgbench -l line for a transaction completed {@code micros} after START. */
    private static String line(int client, long micros) {
        long t = START + micros;
        return client + " 0 1234 0 " + t / 1_000_000 + " " + t % 1_000_000;
    }

    @Test
    void countsTransactionsPerSecondAfterTheStart() {
        PgbenchLog log = PgbenchLog.parse(List.of(line(0, 200_000), line(1, 999_999), line(0, 1_000_000),
                line(1, 1_000_001), line(0, 2_500_000), "garbage"));
        assertEquals(5, log.transactions());
        List<double[]> perSecond = log.perSecond(START, 3);
        assertEquals(3, perSecond.size());
        assertEquals(3, perSecond.get(0)[1]); // (0, 1 s]
        assertEquals(1, perSecond.get(1)[1]); // (1 s, 2 s]
        assertEquals(1, perSecond.get(2)[1]);
    }

    @Test
    void longestGapOverlappingTheWindowAfterAKill() {
        PgbenchLog log = PgbenchLog.parse(List.of(line(0, 1_000_000), line(0, 1_100_000), line(1, 9_900_000),
                line(1, 10_500_000), line(0, 10_600_000), line(0, 20_000_000)));
        // the kill at 10 s: the stall from 1.1 s to 9.9 s ended before it, the one from 10.6 s to 20 s
        // began within 5 s after it
        assertEquals(9.4, log.longestGap(START + 10_000_000, START + 15_000_000, START + 30_000_000), 1e-9);
        assertEquals(0.6, log.longestGap(START + 10_000_000, START + 10_550_000, START + 30_000_000), 1e-9);
        // nothing after the kill: the stall lasts to the end of the run
        PgbenchLog stalled = PgbenchLog.parse(List.of(line(0, 1_000_000), line(0, 9_000_000)));
        assertEquals(21.0, stalled.longestGap(START + 10_000_000, START + 15_000_000, START + 30_000_000), 1e-9);
        assertEquals(0, stalled.completedSince(START + 10_000_000));
        assertEquals(1, stalled.completedSince(START + 9_000_000));
    }

    @Test
    void mergesCoordinatorsAndReadsPgbenchOutput() {
        PgbenchLog a = PgbenchLog.parse(List.of(line(0, 1_000_000), line(0, 3_000_000)));
        PgbenchLog b = PgbenchLog.parse(List.of(line(0, 2_000_000)));
        assertEquals(1.0, PgbenchLog.merge(List.of(a, b)).longestGap(START, START + 5_000_000, START + 3_000_000), 1e-9);
        String output = """
                Client 3 aborted in state 12: ERROR:  GTM error, could not obtain snapshot
                transaction type: TPC-B (sort of)
                tps = 412.512345 (including connections establishing)
                tps = 415.017213 (excluding connections establishing)
                """;
        assertEquals(List.of("Client 3 aborted in state 12: ERROR:  GTM error, could not obtain snapshot"),
                PgbenchLog.abortedClients(output));
        assertEquals(415.017213, PgbenchLog.reportedTps(output), 1e-9);
    }
}
