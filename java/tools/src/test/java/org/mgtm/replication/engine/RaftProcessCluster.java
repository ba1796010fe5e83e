package org.mgtm.replication.engine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs a raft group as separate JVMs ({@link RaftTestNode}) on 127.0.0.11, .12, .13 ... with the test's class path.
 * Parses their event lines; {@link #close()} kills every process it started.
 */
public final class RaftProcessCluster implements AutoCloseable {

    /** One parsed event line of a node. */
    public record Event(String kind, long time, Map<String, String> fields) {
        public String get(String k) { return fields.get(k); }
        public long num(String k) { return Long.parseLong(fields.get(k)); }
    }

    public final class Node {
        final int index;
        final String id;
        final String host;
        final Path dataDir;
        volatile Process process;
        volatile PrintWriter stdin;
        volatile Event lastStat;
        final List<Event> events = new CopyOnWriteArrayList<>();

        Node(int index) {
            this.index = index;
            this.id = "mgtm" + (index + 1);
            this.host = "127.0.0." + (11 + index);
            this.dataDir = baseDir.resolve(id);
        }

        public String id() { return id; }
        public boolean alive() { return process != null && process.isAlive(); }
        public Event lastStat() { return lastStat; }
        public List<Event> events() { return events; }
        public long pid() { return process.pid(); }

        public Optional<Event> firstEvent(String kind, long after, java.util.function.Predicate<Event> p) {
            for (Event e : events)
                if (e.kind().equals(kind) && e.time() >= after && p.test(e))
                    return Optional.of(e);
            return Optional.empty();
        }
    }

    private final Path baseDir;
    private final int port;
    private final Map<String, String> conf;
    private final List<String> jvmArgs;
    private final List<Node> nodes = new ArrayList<>();
    private final PrintWriter log;

    /**
     * @param size    number of replicas (3 or 5)
     * @param conf    extra {@code raft.*} / {@code node.*} settings for every node
     * @param jvmArgs JVM options of the children
     */
    public RaftProcessCluster(Path baseDir, int size, Map<String, String> conf, List<String> jvmArgs)
            throws IOException {
        this.baseDir = baseDir;
        this.conf = new HashMap<>(conf);
        this.jvmArgs = List.copyOf(jvmArgs);
        Files.createDirectories(baseDir);
        this.log = new PrintWriter(Files.newBufferedWriter(baseDir.resolve("cluster.log")), true);
        for (int i = 0; i < size; i++)
            nodes.add(new Node(i));
        int offset = Integer.parseInt(conf.getOrDefault("raft.fd_sock_offset", "100"));
        this.port = freePort(offset);
    }

    public List<Node> nodes() { return nodes; }
    public Node node(int i) { return nodes.get(i); }
    public Path baseDir() { return baseDir; }

    private String membersSpec() {
        StringBuilder sb = new StringBuilder();
        for (Node n : nodes) {
            if (sb.length() > 0) sb.append(',');
            sb.append(n.id).append('@').append(n.host).append(':').append(port);
        }
        return sb.toString();
    }

    /** A port free on every node's address, and port+offset too (FD_SOCK2). */
    private int freePort(int offset) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int p = ThreadLocalRandom.current().nextInt(20000, 40000);
            boolean ok = true;
            for (Node n : nodes) {
                for (int q : new int[]{p, p + offset, p + offset + 1}) {
                    try (ServerSocket s = new ServerSocket()) {
                        s.bind(new InetSocketAddress(InetAddress.getByName(n.host), q));
                    } catch (IOException e) {
                        ok = false;
                    }
                }
            }
            if (ok)
                return p;
        }
        throw new IOException("no free port found on 127.0.0.11-" + (10 + nodes.size()));
    }

    public synchronized void start(int i) throws IOException {
        Node n = nodes.get(i);
        if (n.alive())
            throw new IllegalStateException(n.id + " is running");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-Djava.net.preferIPv4Stack=true");
        cmd.add("-cp");
        cmd.add(cp);
        cmd.add(RaftTestNode.class.getName());
        Map<String, String> args = new HashMap<>(conf);
        args.put("raft.id", n.id);
        args.put("raft.members", membersSpec());
        args.put("raft.data_dir", n.dataDir.toString());
        args.forEach((k, v) -> cmd.add(k + "=" + v));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Process p = pb.start();
        n.process = p;
        n.stdin = new PrintWriter(p.getOutputStream(), true, StandardCharsets.UTF_8);
        log("start " + n.id + " pid=" + p.pid());
        Thread reader = new Thread(() -> readOutput(n, p), "out-" + n.id);
        reader.setDaemon(true);
        reader.start();
    }

    private void readOutput(Node n, Process p) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                Event e = parse(line);
                if (e == null) {
                    log(n.id + "| " + line);
                    continue;
                }
                if (e.kind().equals("STAT"))
                    n.lastStat = e;
                else {
                    n.events.add(e);
                    log(n.id + "> " + line);
                }
            }
        } catch (IOException ignored) {
            // process gone
        }
    }

    static Event parse(String line) {
        String[] parts = line.trim().split(" ");
        if (parts.length < 2 || !parts[0].matches("[A-Z]+"))
            return null;
        long t;
        try {
            t = Long.parseLong(parts[1]);
        } catch (NumberFormatException e) {
            return null;
        }
        Map<String, String> f = new HashMap<>();
        for (int i = 2; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq > 0)
                f.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
        }
        return new Event(parts[0], t, f);
    }

    /** SIGKILL; returns the time just before the signal. */
    public long kill(int i) throws InterruptedException {
        Node n = nodes.get(i);
        long t = System.currentTimeMillis();
        n.process.destroyForcibly();
        n.process.waitFor(10, TimeUnit.SECONDS);
        log("killed " + n.id + " at " + t);
        return t;
    }

    /** SIGSTOP (a hung process); returns the time just before the signal. */
    public long suspend(int i) throws IOException, InterruptedException {
        Node n = nodes.get(i);
        long t = System.currentTimeMillis();
        new ProcessBuilder("kill", "-STOP", Long.toString(n.process.pid())).inheritIO().start().waitFor();
        log("stopped (SIGSTOP) " + n.id + " at " + t);
        return t;
    }

    public void resume(int i) throws IOException, InterruptedException {
        Node n = nodes.get(i);
        new ProcessBuilder("kill", "-CONT", Long.toString(n.process.pid())).inheritIO().start().waitFor();
        log("resumed " + n.id);
    }

    /** The node that reports itself leader in its latest STAT, or -1. */
    public int leader() {
        for (Node n : nodes)
            if (n.alive() && n.lastStat != null && "Leader".equals(n.lastStat.get("role")))
                return n.index;
        return -1;
    }

    public boolean await(BooleanSupplier cond, long timeoutMs) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < end) {
            if (cond.getAsBoolean())
                return true;
            Thread.sleep(10);
        }
        return cond.getAsBoolean();
    }

    public void log(String s) {
        log.println(System.currentTimeMillis() + " " + s);
    }

    @Override
    public void close() {
        for (Node n : nodes) {
            Process p = n.process;
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
                try {
                    p.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (n.stdin != null)
                n.stdin.close();
        }
        log.close();
    }

    /** Asks a node to close its channel and exit. */
    public void quit(int i) throws InterruptedException {
        Node n = nodes.get(i);
        n.stdin.println("quit");
        if (!n.process.waitFor(10, TimeUnit.SECONDS))
            n.process.destroyForcibly();
    }
}
