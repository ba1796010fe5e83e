package org.mgtm.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mgtm.bench.TpsCsv;
import picocli.CommandLine;

/**
 * {@code mgtm bench xc} on a real Postgres-XC 0.9.2, shortened: the original gtm + gtm_proxy, then
 * mgtm x3 + mgtm_proxy with the leader killed, each pgbench -s 2 -c 2 -T 15 through both coordinators
 * with the race experiment and the capture audited; one CSV, one table, one chart. Runs only when
 * PGXC_HOME names an installation, skipped loudly otherwise ({@link RealXc}). Shares the lab in
 * target/xc-lab with RealXcDemoTest; addresses as there.
 */
class RealXcBenchTest {
    @Test
    void originalAndReplicatedSetupsRunWithoutErrorsLostMoneyOrAuditViolations() throws Exception {
        String home = RealXc.homeOrSkip("mgtm bench xc on a real Postgres-XC 0.9.2 (original gtm + gtm_proxy and "
                + "mgtm x3 + mgtm_proxy with a leader kill, race reader, captured traffic audited)", "RealXcBenchTest");
        Path dir = Path.of("target", "xc-bench");
        DemoCommand.deleteTree(dir);
        Path csv = dir.resolve("runs.csv");
        Path table = dir.resolve("runs.md");
        Path png = dir.resolve("tps.png");
        List<String> common = new ArrayList<>(List.of("--pgxc-home", home, "-s", "2", "-c", "2", "-T", "15", "--warmup",
                "3", "--race", "--capture", "--csv", csv.toString(), "--table", table.toString(), "--dir",
                dir.toString(), "--lab-dir", Path.of("target", "xc-lab").toString()));
        RealXc.addHosts(common);

        List<String> original = new ArrayList<>(common);
        original.addAll(List.of("--gtm", "original", "--proxy", "original"));
        assertEquals(0, new CommandLine(new XcBenchCommand()).execute(original.toArray(String[]::new)),
                () -> summaryOf(dir, "original-gtm-gtm-proxy-c2"));
        List<String> group = new ArrayList<>(common);
        group.addAll(List.of("--gtm", "group", "--replicas", "3", "--proxy", "mgtm", "--kill-at", "6", "--chart",
                png.toString()));
        assertEquals(0, new CommandLine(new XcBenchCommand()).execute(group.toArray(String[]::new)),
                () -> summaryOf(dir, "mgtm-x3-mgtm-proxy-leader-killed-at-6-s-c2"));

        for (String run : List.of("original-gtm-gtm-proxy-c2", "mgtm-x3-mgtm-proxy-leader-killed-at-6-s-c2")) {
            String summary = summaryOf(dir, run);
            assertTrue(summary.contains("pgbench errors: 0"), summary);
            assertTrue(summary.contains("balances: consistent, and every coordinator agrees"), summary);
            assertTrue(summary.contains("race reader: "), summary);
            assertTrue(summary.contains("audit: no violation"), summary);
            assertTrue(summary.contains("every check passed"), summary);
        }
        Map<String, List<TpsCsv.Point>> series = TpsCsv.read(csv);
        assertEquals(List.of("original gtm + gtm_proxy", "mgtm x3 + mgtm_proxy (leader killed at 6 s)"),
                List.copyOf(series.keySet()));
        assertTrue(series.values().stream().allMatch(points -> points.get(0).tps() > 0), series::toString);
        assertEquals(4, Files.readAllLines(table).size(), () -> readQuietly(table));
        assertTrue(Files.size(png) > 0);
    }

    private static String summaryOf(Path dir, String run) {
        return readQuietly(dir.resolve(run).resolve("summary.txt"));
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "(no " + file + ")";
        }
    }
}
