package org.mgtm.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
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
        int raft = freePort(100, 101);
        int xc;
        int internal;
        do {
            xc = freePort();
            internal = freePort();
        } while (xc == internal || Math.abs(xc - raft) <= 101 || Math.abs(internal - raft) <= 101);
        Path dir = Path.of("target", "chaos-ci");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new TeeStream(bytes, System.out), true, StandardCharsets.UTF_8);
        int rc = new CommandLine(new ChaosCommand(out)).execute("../../benchmarks/chaos/ci.schedule", "--dir",
                dir.toString(), "--port", Integer.toString(xc), "--internal-port", Integer.toString(internal),
                "--raft-port", Integer.toString(raft), "-c", "8");
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, () -> "chaos run failed:\n" + text);
        String report = Files.readString(dir.resolve("report.txt"));
        assertTrue(report.contains("verdict: PASS"), report);
        assertTrue(report.contains("granted twice: 0"), report);
        assertTrue(Files.size(dir.resolve("timeline.png")) > 0);
    }

    private static int freePort(int... offsets) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int p = ThreadLocalRandom.current().nextInt(20_000, 45_000);
            boolean free = isFree(p);
            for (int o : offsets) {
                free &= isFree(p + o);
            }
            if (free) {
                return p;
            }
        }
        throw new IllegalStateException("no free port");
    }

    private static boolean isFree(int port) {
        for (String h : HOSTS) {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getByName(h), port));
            } catch (IOException e) {
                return false;
            }
        }
        return true;
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
