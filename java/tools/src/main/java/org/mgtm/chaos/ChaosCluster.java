package org.mgtm.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.mgtm.net.Transport;
import org.mgtm.replication.GroupStatus;

/**
 * The chaos run's processes: replicas on 127.0.0.11.. and proxies on 127.0.0.31.., each a child JVM
 * started from the given class path, logging to {@code dir/<name>.log}. Only these processes are ever
 * signalled, through their own {@link Process} handles and pids; {@link #close()} (and a shutdown hook,
 * should the JVM be stopped first) SIGKILLs any still alive, SIGCONTing paused ones first.
 */
final class ChaosCluster implements AutoCloseable {
    static final String SECRET = "mgtm-chaos-secret";
    private static final List<String> REPLICA_JVM = List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Djava.net.preferIPv4Stack=true",
            "-Dorg.slf4j.simpleLogger.log.org.jgroups=warn", "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS");
    private static final List<String> PROXY_JVM = List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC",
            "-XX:-UsePerfData", "-Djava.net.preferIPv4Stack=true", "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS");

    /** One child process (a restart replaces its {@link Process}). */
    static final class Node {
        final String name;
        final String host;
        final Path log;
        private final List<String> command;
        private volatile Process process;
        private volatile boolean paused;

        Node(String name, String host, Path log, List<String> command) {
            this.name = name;
            this.host = host;
            this.log = log;
            this.command = command;
        }

        boolean alive() {
            Process p = process;
            return p != null && p.isAlive();
        }

        boolean paused() {
            return paused;
        }

        long pid() {
            return process.pid();
        }

        /** Starts the process and waits until its log says "I'm running..." after this start. */
        synchronized void start(long waitMillis) throws IOException, InterruptedException {
            if (alive()) {
                throw new IllegalStateException(name + " is running");
            }
            Files.writeString(log, "---- " + name + " starting at " + java.time.Instant.now() + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            long offset = Files.size(log);
            paused = false;
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            process = p;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
            while (!logSince(offset).contains("I'm running...")) {
                if (!p.isAlive()) {
                    throw new IOException(name + " exited with status " + p.exitValue() + "; see " + log);
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException(name + " did not start within " + waitMillis + " ms; see " + log);
                }
                Thread.sleep(50);
            }
        }

        private String logSince(long offset) throws IOException {
            try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
                long n = f.length() - offset;
                if (n <= 0) {
                    return "";
                }
                byte[] b = new byte[(int) Math.min(n, 1 << 20)];
                f.seek(offset);
                f.readFully(b);
                return new String(b, StandardCharsets.UTF_8);
            }
        }

        /** SIGKILL, and wait until it is gone. */
        void kill9() throws InterruptedException {
            Process p = process;
            if (p == null || !p.isAlive()) {
                return;
            }
            p.destroyForcibly(); // SIGKILL ends a stopped process too
            p.waitFor(20, TimeUnit.SECONDS);
            paused = false;
        }

        /** SIGTERM, then SIGKILL after 10 s. */
        void stop() throws InterruptedException {
            Process p = process;
            if (p == null || !p.isAlive()) {
                return;
            }
            if (paused) {
                try {
                    resume();
                } catch (java.io.IOException e) {
                    kill9();
                    return;
                }
            }
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                kill9();
            }
        }

        void pause() throws IOException, InterruptedException {
            signal("STOP");
            paused = true;
        }

        void resume() throws IOException, InterruptedException {
            if (paused && alive()) {
                signal("CONT");
            }
            paused = false;
        }

        private void signal(String sig) throws IOException, InterruptedException {
            if (!alive()) {
                throw new IllegalStateException(name + " is not running");
            }
            int rc = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).inheritIO().start().waitFor();
            if (rc != 0) {
                throw new IOException("kill -" + sig + " " + process.pid() + " failed with " + rc);
            }
        }

        @Override
        public String toString() {
            Process p = process;
            return name + "@" + host + (p == null ? "" : " (pid " + p.pid() + ")");
        }
    }

    final List<Node> replicas = new ArrayList<>();
    final List<Node> proxies = new ArrayList<>();
    final int clientPort;
    final int internalPort;
    final int raftPort;
    private final EventLoopGroup statusGroup = Transport.newGroup(1, "chaos-status");
    private final Thread killer = new Thread(this::killAll, "chaos-kill-processes");

    ChaosCluster(Path dir, String classPath, int replicaCount, int proxyCount, int clientPort, int internalPort,
                 int raftPort, long proxyDeadlineMs) {
        this.clientPort = clientPort;
        this.internalPort = internalPort;
        this.raftPort = raftPort;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> members = new ArrayList<>();
        for (int i = 0; i < replicaCount; i++) {
            members.add("mgtm" + (i + 1) + "@127.0.0." + (11 + i) + ":" + raftPort);
        }
        String memberSpec = String.join(",", members);
        for (int i = 0; i < replicaCount; i++) {
            String id = "mgtm" + (i + 1);
            List<String> cmd = new ArrayList<>(List.of(java));
            cmd.addAll(REPLICA_JVM);
            cmd.addAll(List.of("-cp", classPath, "org.mgtm.Main", "replica", "--member-id", id, "--members", memberSpec,
                    "-p", Integer.toString(clientPort), "--internal-port", Integer.toString(internalPort),
                    "-D", dir.resolve(id).toString(), "--secret", SECRET, "-x", "1000", "--io-threads", "1"));
            replicas.add(new Node(id, "127.0.0." + (11 + i), dir.resolve(id + ".log"), cmd));
        }
        for (int i = 0; i < proxyCount; i++) {
            String name = "proxy" + (i + 1);
            String host = "127.0.0." + (31 + i);
            List<String> cmd = new ArrayList<>(List.of(java));
            cmd.addAll(PROXY_JVM);
            cmd.addAll(List.of("-cp", classPath, "org.mgtm.Main", "proxy", "-h", host, "-p", Integer.toString(clientPort),
                    "--members", memberSpec, "--internal-port", Integer.toString(internalPort), "--secret", SECRET,
                    "--deadline-ms", Long.toString(proxyDeadlineMs), "--io-threads", "1"));
            proxies.add(new Node(name, host, dir.resolve(name + ".log"), cmd));
        }
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /** The ports of the replication traffic between replicas: raft, and FD_SOCK2's two (raft + 100, + 101). */
    List<Integer> groupPorts() {
        return List.of(raftPort, raftPort + 100, raftPort + 101);
    }

    InetSocketAddress proxyAddress(int i) {
        return new InetSocketAddress(proxies.get(i).host, clientPort);
    }

    /** Starts every replica (in parallel) and waits for each to be running, then for a leader. */
    void startReplicas() throws Exception {
        startAll(replicas);
        if (awaitLeader(60_000, null) == null) {
            throw new IOException("no leader was elected within 60 s: " + statusLine());
        }
    }

    void startProxies() throws Exception {
        for (Node p : proxies) {
            p.start(60_000);
        }
    }

    /** Starts the given stopped replicas at once (a full restart needs a majority up to elect). */
    void startAll(List<Node> nodes) throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (Node n : nodes) {
            Thread t = new Thread(() -> {
                try {
                    n.start(90_000);
                } catch (Exception e) {
                    failures.add(e);
                }
            }, "chaos-start-" + n.name);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }

    /** The replica that reports itself leader (the highest term if several), or null. */
    Node leader() {
        Node best = null;
        long bestTerm = -1;
        for (Node m : replicas) {
            if (!m.alive() || m.paused()) {
                continue;
            }
            JsonNode s = GroupStatus.fetch(statusGroup, m.name, new InetSocketAddress(m.host, internalPort), SECRET, 700);
            if ("Leader".equals(s.path("role").asText()) && s.path("term").asLong() > bestTerm) {
                best = m;
                bestTerm = s.path("term").asLong();
            }
        }
        return best;
    }

    /** Waits for a leader other than {@code except} (null: any); returns it, or null after the timeout. */
    Node awaitLeader(long timeoutMillis, Node except) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            Node l = leader();
            if (l != null && l != except) {
                return l;
            }
            if (System.nanoTime() > end) {
                return null;
            }
            Thread.sleep(50);
        }
    }

    /**
     * What the replicas' states came to after the load: whether every replica was up and had applied the same number
     * of commands within the time allowed, and then whether their state digests were equal (they must be: the
     * state machine is deterministic and every replica applies the same log).
     */
    record Convergence(boolean sameIndex, boolean sameState, String detail) {
    }

    Convergence awaitConvergence(long timeoutMillis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            List<String> parts = new ArrayList<>();
            java.util.Set<Long> counts = new java.util.HashSet<>();
            java.util.Set<String> digests = new java.util.HashSet<>();
            for (Node m : replicas) {
                if (!m.alive() || m.paused()) {
                    parts.add(m.name + " down");
                    counts.add(-1L);
                    continue;
                }
                JsonNode s = GroupStatus.fetch(statusGroup, m.name, new InetSocketAddress(m.host, internalPort), SECRET,
                        700);
                long applied = s.path("appliedCommands").asLong(-1);
                String digest = s.path("stateDigest").asText("?");
                counts.add(applied);
                digests.add(digest);
                parts.add(m.name + " applied " + applied + " digest " + digest.substring(0, Math.min(16, digest.length())));
            }
            String detail = String.join(", ", parts);
            if (counts.size() == 1 && !counts.contains(-1L)) {
                return new Convergence(true, digests.size() == 1, detail);
            }
            if (System.nanoTime() > end) {
                return new Convergence(false, false, detail);
            }
            Thread.sleep(200);
        }
    }

    String statusLine() {
        return replicas.stream().map(m -> {
            if (!m.alive()) {
                return m.name + "=down";
            }
            if (m.paused()) {
                return m.name + "=paused";
            }
            JsonNode s = GroupStatus.fetch(statusGroup, m.name, new InetSocketAddress(m.host, internalPort), SECRET, 700);
            return m.name + "=" + s.path("role").asText() + "/" + s.path("term").asText();
        }).collect(Collectors.joining(" "));
    }

    private void killAll() {
        List<Node> all = new ArrayList<>(proxies);
        all.addAll(replicas);
        for (Node n : all) {
            try {
                n.kill9();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Stops the proxies, then the replicas (SIGTERM, SIGKILL after 10 s). */
    @Override
    public void close() throws InterruptedException {
        for (Node p : proxies) {
            p.stop();
        }
        for (Node r : replicas) {
            r.stop();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway
        }
        statusGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
