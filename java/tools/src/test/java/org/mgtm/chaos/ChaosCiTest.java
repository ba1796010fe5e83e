package org.mgtm.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The CI chaos run: benchmarks/chaos/ci.schedule (leader kills, a pause, a partition, a full restart)
 * against 3 replica processes and 2 proxy processes, about 2.5 minutes. Tagged {@code chaos}: it runs in
 * {@code mvn verify} (bin/mgtm-test, .ci/run); {@code -DexcludedGroups=chaos} leaves it out. Needs
 * root for iptables, as ReplicaPartitionTest does. Report and chart: target/chaos-ci/.
 */
@Tag("chaos")
class ChaosCiTest {
    private static final List<String> HOSTS = List.of("127.0.0.11", "127.0.0.12", "127.0.0.13", "127.0.0.31",
            "127.0.0.32");

    @Test
    void ciScheduleKeepsTheInvariants() throws Exception {
        ChaosPorts ports = ChaosPorts.pick(HOSTS);
        Path dir = Path.of("target", "chaos-ci");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new TeeStream(bytes, System.out), true, StandardCharsets.UTF_8);
        java.util.List<String> args = new java.util.ArrayList<>(List.of("../../benchmarks/chaos/ci.schedule", "--dir",
                dir.toString()));
        args.addAll(ports.options());
        args.addAll(List.of("-c", "8"));
        int rc = new CommandLine(new ChaosCommand(out)).execute(args.toArray(String[]::new));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, () -> "chaos run failed:\n" + text);
        String report = Files.readString(dir.resolve("report.txt"));
        assertTrue(report.contains("verdict: PASS"), report);
        assertTrue(report.contains("granted twice: 0"), report);
        assertTrue(Files.size(dir.resolve("timeline.png")) > 0);
    }

    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
