package org.mgtm.replication.engine;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.mgtm.lab.LocalProcess;
import org.mgtm.testing.FreePorts;

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
        volatile LocalProcess process;
        volatile Event lastStat;
        final List<Event> events = new CopyOnWriteArrayList<>();

        Node(int index) {
            this.index = index;
            this.id = "mgtm" + (index + 1);
            this.host = "127.0.0." + (11 + index);
            this.dataDir = baseDir.resolve(id);
        }

        public String id() { return id; }
        public boolean alive() { return process != null && process.alive(); }
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
    private final List<Node> nodes = new ArrayList<>();
    private final PrintWriter log;

    /**
     * @param size    number of replicas (3 or 5)
     * @param conf    extra {@code raft.*} / {@code node.*} settings for every node
     */
    public RaftProcessCluster(Path baseDir, int size, Map<String, String> conf) throws IOException {
        this.baseDir = baseDir;
        this.conf = new HashMap<>(conf);
        Files.createDirectories(baseDir);
        this.log = new PrintWriter(Files.newBufferedWriter(baseDir.resolve("cluster.log")), true);
        for (int i = 0; i < size; i++)
            nodes.add(new Node(i));
        int offset = Integer.parseInt(conf.getOrDefault("raft.fd_sock_offset", "100"));
        // FD_SOCK2 listens on port + offset and the one above it as well.
        this.port = FreePorts.pick(nodes.stream().map(n -> n.host).toList(), offset, offset + 1);
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

    /** Starts node {@code i} (again), with the one local launcher's flags; its output goes to {@code <id>.log}. */
    public synchronized void start(int i) throws IOException {
        Node n = nodes.get(i);
        if (n.alive())
            throw new IllegalStateException(n.id + " is running");
        if (n.process == null) {
            Map<String, String> conf = new HashMap<>(this.conf);
            conf.put("raft.id", n.id);
            conf.put("raft.members", membersSpec());
            conf.put("raft.data_dir", n.dataDir.toString());
            List<String> args = new ArrayList<>();
            conf.forEach((k, v) -> args.add(k + "=" + v));
            n.process = LocalProcess.java(n.id, n.host, baseDir.resolve(n.id + ".log"), LocalProcess.ownClassPath(),
                    RaftTestNode.class.getName(), args).onLine(line -> readLine(n, line));
        }
        n.process.launch();
        log("start " + n.id + " pid=" + n.process.pid());
    }

    private void readLine(Node n, String line) {
        Event e = parse(line);
        if (e == null) {
            log(n.id + "| " + line);
        } else if (e.kind().equals("STAT")) {
            n.lastStat = e;
        } else {
            n.events.add(e);
            log(n.id + "> " + line);
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
        n.process.kill9();
        log("killed " + n.id + " at " + t);
        return t;
    }

    /** SIGSTOP (a hung process); returns the time just before the signal. */
    public long suspend(int i) throws IOException, InterruptedException {
        Node n = nodes.get(i);
        long t = System.currentTimeMillis();
        n.process.pause();
        log("stopped (SIGSTOP) " + n.id + " at " + t);
        return t;
    }

    public void resume(int i) throws IOException, InterruptedException {
        Node n = nodes.get(i);
        n.process.resume();
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
            if (n.process != null) {
                try {
                    n.process.kill9();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        log.close();
    }

    /** Asks a node to close its channel and exit. */
    public void quit(int i) throws InterruptedException {
        Node n = nodes.get(i);
        n.process.stdin().println("quit");
        if (!n.process.awaitExit(10_000))
            n.process.kill9();
    }
}
