package org.mgtm.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class FailoverPausesTest {
    private static final long MS = 1_000_000;

    /** A completion every ms over [0, endMs], except strictly inside the given (fromMs, toMs) holes. */
    private static long[] everyMsExcept(long endMs, long... holes) {
        return LongStream.rangeClosed(0, endMs).filter(t -> {
            for (int i = 0; i < holes.length; i += 2) {
                if (t > holes[i] && t < holes[i + 1]) {
                    return false;
                }
            }
            return true;
        }).map(t -> t * MS).toArray();
    }

    private static FailoverPauses.Completions proxy(long[] all, long... errorsMs) {
        long[] errors = LongStream.of(errorsMs).map(t -> t * MS).toArray();
        return FailoverPauses.Completions.of(all, errors, all.length == 0 ? 0 : all[all.length - 1]);
    }

    private static FailoverPauses.Kill kill(int n, long atMs) {
        return new FailoverPauses.Kill(n, atMs, "kill -9 mgtm1@127.0.0.11 (pid 1)");
    }

    @Test
    void aGapOf300msAfterTheKillIsAPauseOf300ms() {
        FailoverPauses.Completions p = proxy(everyMsExcept(20_000, 5_000, 5_300));
        List<FailoverPauses.Pause> r = FailoverPauses.compute(List.of(kill(1, 5_000)), List.of(p), 1_000, 10_000);
        assertEquals(1, r.size());
        assertEquals(300.0, r.get(0).pauseMs());
        assertEquals(0.0, r.get(0).startAfterKillMs());
        assertEquals(300.0, r.get(0).endAfterKillMs());
        assertEquals(0, r.get(0).proxy());
        assertFalse(r.get(0).open());
        assertEquals(0, r.get(0).errorsInWindow());
    }

    @Test
    void noKillGivesNoRows() {
        FailoverPauses.Completions p = proxy(everyMsExcept(20_000, 5_000, 5_300));
        assertTrue(FailoverPauses.compute(List.of(), List.of(p), 1_000, 10_000).isEmpty());
    }

    @Test
    void theKillTakesTheLongerOfTheTwoProxiesGaps() {
        FailoverPauses.Completions p1 = proxy(everyMsExcept(20_000, 5_020, 5_320));
        FailoverPauses.Completions p2 = proxy(everyMsExcept(20_000, 5_010, 5_810));
        FailoverPauses.Pause r = FailoverPauses.compute(List.of(kill(1, 5_000)), List.of(p1, p2), 1_000, 10_000).get(0);
        assertEquals(800.0, r.pauseMs());
        assertEquals(1, r.proxy());
        assertEquals(10.0, r.startAfterKillMs());
    }

    @Test
    void onlyGapsOverlappingTheWindowCount() {
        // Gaps of 2 s ending 1.5 s before the kill and of 3 s starting 10.5 s after it: outside [K-1 s, K+10 s].
        long[] t = everyMsExcept(30_000, 1_500, 3_500, 15_500, 18_500, 5_000, 5_040);
        FailoverPauses.Pause r = FailoverPauses.compute(List.of(kill(1, 5_000)), List.of(proxy(t)), 1_000, 10_000).get(0);
        assertEquals(40.0, r.pauseMs());
        // A gap that starts before the window and runs into it is the kill's whole gap, not its clipped part.
        long[] u = everyMsExcept(30_000, 3_800, 4_400);
        FailoverPauses.Pause s = FailoverPauses.compute(List.of(kill(1, 5_000)), List.of(proxy(u)), 1_000, 10_000).get(0);
        assertEquals(600.0, s.pauseMs());
        assertEquals(-1_200.0, s.startAfterKillMs());
    }

    @Test
    void eachKillGetsItsOwnWindow() {
        long[] t = everyMsExcept(60_000, 10_000, 10_250, 25_030, 25_530, 40_000, 40_100);
        List<FailoverPauses.Pause> r = FailoverPauses.compute(List.of(kill(1, 10_000), kill(2, 25_000), kill(3, 40_000)),
                List.of(proxy(t)), 1_000, 10_000);
        assertEquals(List.of(250.0, 500.0, 100.0), r.stream().map(FailoverPauses.Pause::pauseMs).toList());
        assertEquals(List.of(1, 2, 3), r.stream().map(p -> p.kill().number()).toList());
    }

    @Test
    void noCompletionAfterTheKillIsAnOpenGapToTheHistorysEnd() {
        long[] t = everyMsExcept(5_000);
        FailoverPauses.Completions p = FailoverPauses.Completions.of(t, new long[0], 7_500 * MS);
        FailoverPauses.Pause r = FailoverPauses.compute(List.of(kill(1, 5_000)), List.of(p), 1_000, 10_000).get(0);
        assertTrue(r.open());
        assertEquals(2_500.0, r.pauseMs());
        FailoverPauses.Pause late = FailoverPauses.compute(List.of(kill(2, 9_000)), List.of(p), 1_000, 10_000).get(0);
        assertTrue(late.open(), "a window after every history's end is flagged, not a pause of 0");
    }

    @Test
    void errorsAreCountedInsideTheWindowOnly() {
        FailoverPauses.Completions p1 = proxy(everyMsExcept(30_000), 3_000, 4_500, 5_200, 14_900);
        FailoverPauses.Completions p2 = proxy(everyMsExcept(30_000), 15_100, 9_000);
        FailoverPauses.Pause r = FailoverPauses.compute(List.of(kill(1, 5_000)), List.of(p1, p2), 1_000, 10_000).get(0);
        assertEquals(4, r.errorsInWindow()); // 4.5, 5.2, 14.9 and 9.0 s; not 3.0 or 15.1 s
    }

    @Test
    void nearestRankPercentiles() {
        double[] oneToTwenty = LongStream.rangeClosed(1, 20).mapToDouble(v -> v).toArray();
        assertEquals(10.0, FailoverPauses.percentile(oneToTwenty, 50));
        assertEquals(20.0, FailoverPauses.percentile(oneToTwenty, 99));
        assertEquals(19.0, FailoverPauses.percentile(oneToTwenty, 95));
        assertEquals(1.0, FailoverPauses.percentile(oneToTwenty, 0));
        assertEquals(20.0, FailoverPauses.percentile(oneToTwenty, 100));
        assertEquals(2.0, FailoverPauses.percentile(new double[] {300, 1, 2}, 50));
        assertEquals(7.0, FailoverPauses.percentile(new double[] {7}, 99));
        assertTrue(Double.isNaN(FailoverPauses.percentile(new double[0], 50)));
    }

    @Test
    void readsCompletionsAndErrorsFromAHistoryFile(@TempDir Path dir) throws Exception {
        Path h = dir.resolve("history-proxy1.jsonl");
        Files.writeString(h, """
                {"type":"header","format":"mgtm-history","version":1,"clock":"ns","started":"2026-01-01T00:00:00Z"}
                {"t":1000,"p":0,"type":"invoke","f":"begin"}
                {"t":2000,"p":0,"type":"ok","f":"begin","gxid":1000}
                {"t":3000,"p":0,"type":"invoke","f":"commit","gxid":1000}
                {"t":4000,"p":0,"type":"fail","f":"commit","gxid":1000,"error":"no"}
                {"t":5000,"p":1,"type":"invoke","f":"begin"}
                {"t":9000,"p":1,"type":"info","f":"begin","error":"lost"}
                {"t":9500,"p":2,"type":"invoke","f":"begin"}
                """);
        FailoverPauses.Completions c = FailoverPauses.Completions.read(h);
        assertEquals(List.of(2000L, 4000L, 9000L), LongStream.of(c.all()).boxed().toList());
        assertEquals(List.of(4000L, 9000L), LongStream.of(c.errors()).boxed().toList());
        assertEquals(9500, c.endNanos());
    }

    @Test
    void readsTheKillLeaderRowsOfFaultsCsv(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("faults.csv");
        Files.writeString(csv, """
                scheduled_ms,start_ms,end_ms,fault,skipped,detail
                10000,10003,13100,kill-leader,false,"kill -9 mgtm2@127.0.0.12 (pid 42); leader mgtm1 after 0.3 s; restarted after 3.1 s"
                12000,13100,15000,pause-leader 2s,false,"SIGSTOP/SIGCONT mgtm1; leader then mgtm1"
                25000,25001,25020,kill-leader,false,"no leader to kill (mgtm1: Follower, mgtm2: Follower)"
                40000,40002,40002,kill-leader,true,"the previous faults ran past the duration"
                """);
        List<FailoverPauses.Kill> k = FailoverReportCommand.readKills(csv);
        assertEquals(3, k.size());
        assertEquals(new FailoverPauses.Kill(1, 10_003,
                "kill -9 mgtm2@127.0.0.12 (pid 42); leader mgtm1 after 0.3 s; restarted after 3.1 s"), k.get(0));
        assertEquals(2, k.get(1).number());
        assertTrue(k.get(1).detail().startsWith("no leader"));
        assertTrue(k.get(2).detail().startsWith("skipped: "));
    }

    @Test
    void theReportCommandWritesMarkdownCsvAndChart(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        Files.createDirectories(run);
        Files.writeString(run.resolve("faults.csv"), """
                scheduled_ms,start_ms,end_ms,fault,skipped,detail
                3000,3000,5000,kill-leader,false,"kill -9 mgtm1@127.0.0.11 (pid 7); leader mgtm3 after 0.2 s; restarted after 2.0 s"
                6000,6000,6010,kill-leader,false,"no leader to kill (x)"
                """);
        StringBuilder timeline = new StringBuilder("second,transactions,errors\n");
        for (int s = 1; s <= 8; s++) {
            timeline.append(s).append(',').append(s == 4 ? 600 : 1000).append(",0\n");
        }
        Files.writeString(run.resolve("timeline.csv"), timeline);
        Files.writeString(run.resolve("report.txt"), "cluster: 3 replicas\nverdict: PASS (violations 0; errors ...)\n");
        for (int p = 1; p <= 2; p++) {
            StringBuilder h = new StringBuilder();
            long hole = p == 1 ? 3_420 : 3_100;
            for (long ms = 0; ms <= 8_000; ms++) {
                if (ms > 3_000 && ms < hole) {
                    continue;
                }
                h.append("{\"t\":").append(ms * MS).append(",\"p\":0,\"type\":\"invoke\",\"f\":\"begin\"}\n");
                h.append("{\"t\":").append(ms * MS).append(",\"p\":0,\"type\":\"ok\",\"f\":\"begin\",\"gxid\":")
                        .append(ms + 3).append("}\n");
            }
            Files.writeString(run.resolve("history-proxy" + p + ".jsonl"), h);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Path out = dir.resolve("results").resolve("failover-test");
        int rc = new CommandLine(new FailoverReportCommand(new PrintStream(bytes, true, StandardCharsets.UTF_8)))
                .execute("--run", run.toString(), "--out", out.toString(), "--chaos-status", "0");
        assertEquals(0, rc, bytes::toString);
        String md = Files.readString(dir.resolve("results/failover-test.md"));
        assertTrue(md.contains("p50 420 ms, p99 420 ms"), md);
        assertTrue(md.contains("**0 violations**"), md);
        assertTrue(md.contains("errors seen by backends (fail and info completions in the histories, whole run): **0**"),
                md);
        assertTrue(md.contains("not carried out: no leader to kill"), md);
        List<String> pauses = Files.readAllLines(dir.resolve("results/failover-test-pauses.csv"));
        assertEquals("1,3000,mgtm1,mgtm3,0.2,2.0,420.0,proxy1,0.0,420.0,false,0", pauses.get(1));
        List<String> tl = new ArrayList<>(Files.readAllLines(dir.resolve("results/failover-test-timeline.csv")));
        assertEquals("3,1000,0,1,420.0", tl.get(3));
        assertTrue(Files.size(dir.resolve("results/failover-test.png")) > 1000);
    }

    @Test
    void theShippedScheduleHasTwentyLeaderKillsWithWindowsApart() throws Exception {
        FaultSchedule s = FaultSchedule.read(Path.of("../../benchmarks/chaos/failover-20.schedule"));
        List<FaultSchedule.Fault> f = s.faults();
        assertEquals(20, f.size());
        assertTrue(f.stream().allMatch(x -> x.kind() == FaultSchedule.Kind.KILL_LEADER));
        for (int i = 1; i < f.size(); i++) {
            assertTrue(f.get(i).atMillis() - f.get(i - 1).atMillis() >= 11_000, "kill windows must not overlap");
        }
        assertTrue(s.durationMillis() >= f.get(f.size() - 1).atMillis() + 10_000);
    }
}
