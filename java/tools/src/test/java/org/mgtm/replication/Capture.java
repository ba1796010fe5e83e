package org.mgtm.replication;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** tcpdump on lo for one TCP port, into a pcap file, for as long as the object is open. Needs root. */
final class Capture implements AutoCloseable {
    private final Process tcpdump;

    private Capture(Process tcpdump) {
        this.tcpdump = tcpdump;
    }

    /** Fails with the reason when tcpdump cannot capture here. */
    static void require() {
        try {
            Process p = new ProcessBuilder("tcpdump", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor() != 0) {
                throw new IOException("tcpdump --version failed");
            }
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("the capture needs tcpdump (.ci/run installs it; on a dev machine: apt-get "
                    + "install -y tcpdump, as root): " + e.getMessage());
        }
    }

    /** Starts tcpdump and returns once it listens. */
    static Capture start(Path file, int port) throws Exception {
        Process p = new ProcessBuilder(List.of("tcpdump", "-i", "lo", "-U", "-n", "-s", "0", "-w", file.toString(),
                "tcp port " + port)).redirectErrorStream(true).start();
        CompletableFuture<Void> listening = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.contains("listening on")) {
                        listening.complete(null);
                    }
                }
            } catch (IOException e) {
                // tcpdump ended
            }
            listening.completeExceptionally(new IOException("tcpdump ended before it listened"));
        }, "tcpdump-output");
        reader.setDaemon(true);
        reader.start();
        try {
            listening.get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            throw e;
        }
        return new Capture(p);
    }

    /** Stops tcpdump (SIGTERM: it writes out what it has) and waits for it. */
    @Override
    public void close() throws InterruptedException {
        tcpdump.destroy();
        if (!tcpdump.waitFor(10, TimeUnit.SECONDS)) {
            tcpdump.destroyForcibly();
        }
    }
}
