package org.mgtm.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgtm.bench.TpsCsv;

/** The real-XC benchmark's CSV and markdown rows, the setups' names and checks, without XC. */
class XcBenchTableTest {
    @TempDir
    Path dir;

    private static XcRunResult result(String label, int clients, double tps1, double tps2, RaceSummary race,
                                      List<String> failures) {
        return new XcRunResult(label, clients, 30, 5, List.of(tps1, tps2), 300.5, 0, 0.45, true, race,
                race == null ? null : "no violation", failures);
    }

    private static RaceSummary race() {
        RaceSample ok = RaceSample.parse(1, "1000:1005:\n1:-10:990:0\n-10\n", 1);
        RaceSample doubled = RaceSample.parse(2, "1000:1005:1003\n1:-10:990:1003\n1:-15:1004:0\n-15\n", 1);
        return new RaceSummary(List.of(ok, ok, ok, doubled), 2000, 0);
    }

    @Test
    void csvRowsAreChartedByTheTpsChartReader() throws IOException {
        Path csv = dir.resolve("runs.csv");
        XcBenchTable.appendCsv(csv, result("original gtm + gtm_proxy", 1, 200, 210, race(), List.of()));
        XcBenchTable.appendCsv(csv, result("original gtm + gtm_proxy", 4, 400, 390, null, List.of()));
        XcBenchTable.appendCsv(csv, result("mgtm x3 + mgtm_proxy", 4, 100, 110, null, List.of("1 pgbench clients aborted")));
        List<String> lines = Files.readAllLines(csv);
        assertEquals(XcBenchTable.CSV_HEADER, lines.get(0));
        assertEquals(4, lines.size());
        String[] first = lines.get(1).split(",", -1);
        assertEquals(XcBenchTable.CSV_HEADER.split(",").length, first.length);
        assertEquals("410.0", first[2]);
        assertEquals("200.0/210.0", first[3]);
        assertTrue(lines.get(1).contains(",4,1,1,0,0,0.25000,2000,0.500,no violation,yes"), lines.get(1));
        assertTrue(lines.get(3).endsWith(",no"), lines.get(3));
        Map<String, List<TpsCsv.Point>> series = TpsCsv.read(csv);
        assertEquals(List.of("original gtm + gtm_proxy", "mgtm x3 + mgtm_proxy"), List.copyOf(series.keySet()));
        assertEquals(List.of(new TpsCsv.Point(1, 410), new TpsCsv.Point(4, 790)), series.get("original gtm + gtm_proxy"));
    }

    @Test
    void markdownRowsSayWhatWasNotMeasuredAndWhichChecksFailed() throws IOException {
        Path md = dir.resolve("runs.md");
        XcBenchTable.appendMarkdown(md, result("mgtm server + gtm_proxy", 4, 400.4, 390.6, race(), List.of()));
        XcBenchTable.appendMarkdown(md, result("mgtm x3 + mgtm_proxy", 4, 100, 110, null, List.of("a | b")));
        String text = Files.readString(md);
        assertTrue(text.startsWith(XcBenchTable.MARKDOWN_HEADER), text);
        assertTrue(text.contains("| mgtm server + gtm_proxy | 4 | 400 / 391 | 301 | 0 | 0.45 | consistent | 4 "
                + "| 1 (1) / 0 / 0 | 25.00% | 0.50 | no violation | passed |"), text);
        assertTrue(text.contains("| mgtm x3 + mgtm_proxy | 4 | 100 / 110 | 301 | 0 | 0.45 | consistent | — | — | — "
                + "| — | — | **a / b** |"), text);
        assertEquals(text.lines().filter(l -> l.startsWith("|")).count(), text.lines().count());
    }

    @Test
    void anotherTableOrARowMeasuredBeforeIsRefused() throws IOException {
        Path csv = dir.resolve("other.csv");
        Files.writeString(csv, "series,backends,tps\nx,1,5\n");
        assertThrows(IOException.class, () -> XcBenchTable.appendCsv(csv, result("a", 1, 1, 1, null, List.of())));
        Path runs = dir.resolve("runs.csv");
        XcBenchTable.appendCsv(runs, result("original gtm + gtm_proxy", 4, 1, 1, null, List.of()));
        XcBenchTable.checkNotInCsv(runs, "original gtm + gtm_proxy", 8);
        XcBenchTable.checkNotInCsv(dir.resolve("none.csv"), "original gtm + gtm_proxy", 4);
        IOException twice = assertThrows(IOException.class,
                () -> XcBenchTable.checkNotInCsv(runs, "original gtm + gtm_proxy", 4));
        assertTrue(twice.getMessage().contains("already has a row"), twice.getMessage());
    }

    @Test
    void setupsAreNamedAndImpossibleOnesRefused() {
        XcSetup original = new XcSetup(XcSetup.Gtm.ORIGINAL, 1, SingleGtm.Proxy.ORIGINAL, null, List.of());
        assertEquals("original gtm + gtm_proxy", original.label());
        assertEquals("original gtm + gtm_proxy (relay 500 us each way)", original.withRelay(500L).label());
        assertEquals("original-gtm-gtm-proxy-relay-500-us-each-way", original.withRelay(500L).slug());
        assertEquals("mgtm server + mgtm_proxy",
                new XcSetup(XcSetup.Gtm.SERVER, 1, SingleGtm.Proxy.MGTM, null, List.of()).label());
        assertEquals("mgtm x3 + mgtm_proxy (leader killed at 10 s)",
                new XcSetup(XcSetup.Gtm.GROUP, 3, SingleGtm.Proxy.MGTM, null, List.of(10)).label());
        assertThrows(IllegalArgumentException.class,
                () -> new XcSetup(XcSetup.Gtm.GROUP, 2, SingleGtm.Proxy.MGTM, null, List.of(10)));
        assertThrows(IllegalArgumentException.class,
                () -> new XcSetup(XcSetup.Gtm.GROUP, 3, SingleGtm.Proxy.ORIGINAL, null, List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new XcSetup(XcSetup.Gtm.GROUP, 3, SingleGtm.Proxy.MGTM, 500L, List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new XcSetup(XcSetup.Gtm.ORIGINAL, 1, SingleGtm.Proxy.ORIGINAL, null, List.of(10)));
        assertThrows(IllegalArgumentException.class,
                () -> new XcSetup(XcSetup.Gtm.GROUP, 4, SingleGtm.Proxy.MGTM, null, List.of()));
    }

    @Test
    void theCaptureSeesOnlyConnectionsServedAtTheNodesProxyPort() {
        assertEquals("(dst host 127.0.0.31 and dst port 6666) or (src host 127.0.0.31 and src port 6666) or "
                + "(dst host 127.0.0.32 and dst port 6666) or (src host 127.0.0.32 and src port 6666)",
                TrafficCapture.filter(List.of("127.0.0.31", "127.0.0.32"), 6666));
    }

}
