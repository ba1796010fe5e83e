package org.mgtm.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mgtm.chaos.SubclusterChaosCommand;
import picocli.CommandLine;

/**
 * The short multi-sub-cluster run of the test command: nine replica JVMs (the G-GTM x3 on 127.0.0.111-113,
 * sub-clusters A and B x3 on .114-.119) and a proxy per sub-cluster (.121, .122), 128 MB of heap each, 20 s of
 * mixed local and cross-sub-cluster load with the G-GTM's leader killed, then A's
 * (benchmarks/chaos/subclusters-ci.schedule); no client error, every group converged, and the history passes
 * invariants 1-8 in each sub-cluster and 9-12 across them. About a minute and a half; tagged
 * {@code subclusters} ({@code -DexcludedGroups=subclusters} leaves it out). Logs, history, report and chart:
 * target/subclusters-ci/.
 */
@Tag("subclusters")
@Timeout(600)
class SubclusterProcessTest {
    @Test
    void mixedLoadThroughLeaderKillsOfTheGgtmAndASubcluster() throws Exception {
        Path dir = Path.of("target", "subclusters-ci");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int rc = new CommandLine(new SubclusterChaosCommand(out)).execute("../../benchmarks/chaos/subclusters-ci.schedule",
                "--dir", dir.toString(), "--port", "6966", "--internal-port", "6981", "--raft-port", "8050",
                "-c", "4", "--cross-clients", "2", "--range-size", "500", "--heap", "-Xms32m -Xmx128m");
        String text = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(text);
        assertEquals(0, rc, () -> "sub-cluster run failed:\n" + text);
        String report = Files.readString(dir.resolve("report.txt"));
        assertTrue(report.contains("verdict: PASS"), report);
        assertTrue(report.contains("kill-leader ggtm") && report.contains("kill-leader A"), report);
        assertTrue(report.contains("across sub-clusters: OK"), report);
        assertTrue(report.contains("no client saw an error"), report);
        assertTrue(Files.size(dir.resolve("subclusters-timeline.png")) > 0);
    }
}
