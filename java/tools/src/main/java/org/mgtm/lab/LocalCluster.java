package org.mgtm.lab;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.mgtm.client.Member;
import org.mgtm.net.Transport;
import org.mgtm.replication.GroupStatus;

/**
 * The one local-cluster launcher: a replica group (127.0.0.11.. unless told otherwise) and mgtm_proxy
 * processes (127.0.0.31..), each a {@link LocalProcess} logging to {@code logDir/<name>.log}, replicas with
 * their data in {@code dataDir/<name>}. The lab demos ({@link LabCluster}) and the chaos run start their
 * groups here, and the process tests start theirs the same way.
 * {@link #close()} stops the proxies, then the replicas; a shutdown hook SIGKILLs whatever is still alive,
 * should the JVM be stopped first. Only these processes are ever signalled.
 */
public final class LocalCluster implements AutoCloseable {
    /**
     * What to start.
     *
     * @param replicaHosts one replica on each (mgtm1 on the first, ...)
     * @param proxyHosts   one mgtm_proxy on each (proxy1 on the first, ...)
     * @param clientPort   every replica's and proxy's XC port
     * @param internalPort every replica's internal port
     * @param raftPort     every replica's raft port (FD_SOCK2 uses the two at +100)
     * @param secret       the group's shared secret
     * @param replicaArgs  more {@code mgtm replica} options for every replica
     * @param proxyArgs    more {@code mgtm proxy} options for every proxy
     */
    public record Layout(List<String> replicaHosts, List<String> proxyHosts, int clientPort, int internalPort,
                         int raftPort, String secret, List<String> replicaArgs, List<String> proxyArgs) {
        /** {@code count} loopback addresses from 127.0.0.{@code firstOctet} on (replicas: 11, proxies: 31). */
        public static List<String> hosts(int count, int firstOctet) {
            List<String> hosts = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                hosts.add("127.0.0." + (firstOctet + i));
            }
            return hosts;
        }
    }

    /**
     * How the processes are named and started: the {@code mgtm} subcommand of the replicas ({@code replica}, or
     * {@code ggtm} for a G-GTM), the prefixes of member and proxy names (mgtm1.., proxy1..), and JVM flags added
     * after the usual ones. A lab of several groups (sub-clusters) gives each group its own prefixes.
     */
    public record Naming(String command, String memberPrefix, String proxyPrefix, List<String> extraJvmFlags) {
        public static final Naming DEFAULT = new Naming("replica", "mgtm", "proxy", List.of());

        public Naming {
            extraJvmFlags = List.copyOf(extraJvmFlags);
        }
    }

    public final List<LocalProcess> replicas = new ArrayList<>();
    public final List<LocalProcess> proxies = new ArrayList<>();
    public final Layout layout;
    private final List<Member> members = new ArrayList<>();
    private final EventLoopGroup statusGroup = Transport.newGroup(1, "local-cluster-status");
    private final Thread killer = new Thread(this::killAll, "local-cluster-kill");

    /** Logs and data both in {@code dir}. */
    public LocalCluster(Path dir, String classPath, Layout layout) {
        this(dir, dir, classPath, layout);
    }

    /** Lays out the processes ({@code classPath}: what they run, e.g. {@link LocalProcess#ownClassPath()}); starts none. */
    public LocalCluster(Path logDir, Path dataDir, String classPath, Layout layout) {
        this(logDir, dataDir, classPath, layout, Naming.DEFAULT);
    }

    /** As {@link #LocalCluster(Path, Path, String, Layout)}, with the processes named and started as {@code naming} says. */
    public LocalCluster(Path logDir, Path dataDir, String classPath, Layout layout, Naming naming) {
        this.layout = layout;
        for (int i = 0; i < layout.replicaHosts().size(); i++) {
            members.add(new Member(naming.memberPrefix() + (i + 1), layout.replicaHosts().get(i), layout.raftPort()));
        }
        String memberList = Member.format(members);
        for (Member m : members) {
            List<String> args = new ArrayList<>(List.of(naming.command(), "--member-id", m.id(), "--members", memberList,
                    "-p", Integer.toString(layout.clientPort()), "--internal-port", Integer.toString(layout.internalPort()),
                    "-D", dataDir.resolve(m.id()).toString(), "--secret", layout.secret()));
            args.addAll(layout.replicaArgs());
            replicas.add(LocalProcess.mgtm(m.id(), m.host(), logDir.resolve(m.id() + ".log"), classPath, args,
                    naming.extraJvmFlags()));
        }
        for (int i = 0; i < layout.proxyHosts().size(); i++) {
            String name = naming.proxyPrefix() + (i + 1);
            String host = layout.proxyHosts().get(i);
            List<String> args = new ArrayList<>(List.of("proxy", "-h", host, "-p",
                    Integer.toString(layout.clientPort()), "--members", memberList, "--internal-port",
                    Integer.toString(layout.internalPort()), "--secret", layout.secret()));
            args.addAll(layout.proxyArgs());
            proxies.add(LocalProcess.mgtm(name, host, logDir.resolve(name + ".log"), classPath, args,
                    naming.extraJvmFlags()));
        }
        Runtime.getRuntime().addShutdownHook(killer);
    }

    public List<Member> members() {
        return members;
    }

    /** The ports of the replication traffic between replicas: raft, and FD_SOCK2's two (raft + 100, + 101). */
    public List<Integer> groupPorts() {
        return List.of(layout.raftPort(), layout.raftPort() + 100, layout.raftPort() + 101);
    }

    public InetSocketAddress proxyAddress(int i) {
        return new InetSocketAddress(proxies.get(i).host, layout.clientPort());
    }

    /** Starts every replica (in parallel) and waits for each to be running, then for a leader. */
    public void startReplicas() throws Exception {
        startAll(replicas);
        if (awaitLeader(60_000, null) == null) {
            throw new IOException("no leader was elected within 60 s: " + statusLine());
        }
    }

    public void startProxies() throws Exception {
        for (LocalProcess p : proxies) {
            p.start(60_000);
        }
    }

    /** Starts the given stopped replicas at once (a full restart needs a majority up to elect). */
    public void startAll(List<LocalProcess> nodes) throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (LocalProcess n : nodes) {
            Thread t = new Thread(() -> {
                try {
                    n.start(90_000);
                } catch (Exception e) {
                    failures.add(e);
                }
            }, "start-" + n.name);
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
    public LocalProcess leader() {
        return leader(700);
    }

    /** As {@link #leader()}, waiting at most {@code timeoutMillis} for each replica's answer. */
    public LocalProcess leader(long timeoutMillis) {
        Leadership l = leadership(timeoutMillis);
        return l == null ? null : l.process();
    }

    /** A replica that reports itself leader, and the term it reports. */
    public record Leadership(LocalProcess process, long term) {
    }

    /** The replica that reports itself leader with the highest term, and that term; null if none does. */
    public Leadership leadership(long timeoutMillis) {
        Leadership best = null;
        for (LocalProcess m : replicas) {
            if (!m.alive() || m.paused()) {
                continue;
            }
            JsonNode s = GroupStatus.fetch(statusGroup, m.name, new InetSocketAddress(m.host, layout.internalPort()), layout.secret(),
                    timeoutMillis);
            long term = s.path("term").asLong();
            if ("Leader".equals(s.path("role").asText()) && (best == null || term > best.term())) {
                best = new Leadership(m, term);
            }
        }
        return best;
    }

    /** Waits for a leader other than {@code except} (null: any); returns it, or null after the timeout. */
    public LocalProcess awaitLeader(long timeoutMillis, LocalProcess except) throws InterruptedException {
        Leadership l = awaitLeadership(timeoutMillis, c -> c.process() != except);
        return l == null ? null : l.process();
    }

    /**
     * Waits for a leader of a term above {@code term}: the successor of a leader of that term. A replica cut off from
     * the others may still call itself leader of an older term for a moment (until it suspects them); it is not one.
     */
    public Leadership awaitLeaderAbove(long timeoutMillis, long term) throws InterruptedException {
        return awaitLeadership(timeoutMillis, c -> c.term() > term);
    }

    /** Waits for a leader (the highest term if several claim it); null after the timeout. */
    public Leadership awaitLeadership(long timeoutMillis) throws InterruptedException {
        return awaitLeadership(timeoutMillis, c -> true);
    }

    private Leadership awaitLeadership(long timeoutMillis, java.util.function.Predicate<Leadership> wanted)
            throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            Leadership l = leadership(700);
            if (l != null && wanted.test(l)) {
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
    public record Convergence(boolean sameIndex, boolean sameState, String detail) {
    }

    public Convergence awaitConvergence(long timeoutMillis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            List<String> parts = new ArrayList<>();
            java.util.Set<Long> counts = new java.util.HashSet<>();
            java.util.Set<String> digests = new java.util.HashSet<>();
            for (LocalProcess m : replicas) {
                if (!m.alive() || m.paused()) {
                    parts.add(m.name + " down");
                    counts.add(-1L);
                    continue;
                }
                JsonNode s = GroupStatus.fetch(statusGroup, m.name, new InetSocketAddress(m.host, layout.internalPort()), layout.secret(),
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

    public String statusLine() {
        return replicas.stream().map(m -> {
            if (!m.alive()) {
                return m.name + "=down";
            }
            if (m.paused()) {
                return m.name + "=paused";
            }
            JsonNode s = GroupStatus.fetch(statusGroup, m.name, new InetSocketAddress(m.host, layout.internalPort()), layout.secret(), 700);
            return m.name + "=" + s.path("role").asText() + "/" + s.path("term").asText();
        }).collect(Collectors.joining(" "));
    }

    private void killAll() {
        List<LocalProcess> all = new ArrayList<>(proxies);
        all.addAll(replicas);
        for (LocalProcess n : all) {
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
        for (LocalProcess p : proxies) {
            p.stop(10);
        }
        for (LocalProcess r : replicas) {
            r.stop(10);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway
        }
        statusGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
