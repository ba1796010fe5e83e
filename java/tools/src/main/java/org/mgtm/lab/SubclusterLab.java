package org.mgtm.lab;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.mgtm.net.Transport;
import org.mgtm.replication.GroupStatus;

/**
 * A lab of sub-clusters on loopback (docs/subclusters.md, docs/lab.md): the G-GTM (three replicas,
 * 127.0.0.111-113 by default), one replica group per sub-cluster in sub-cluster mode (A on .114-.116, B on
 * .117-.119, ...) and one mgtm_proxy per sub-cluster (.121, .122, ...), each group a {@link LocalCluster}, each
 * process a {@link LocalProcess}. The demo, the sub-cluster chaos run and the process test start it.
 * {@link #close()} stops the proxies, the sub-cluster groups, then the G-GTM.
 */
public final class SubclusterLab implements AutoCloseable {
    /** The G-GTM's name in {@link #group} and in histories. */
    public static final String GGTM = "ggtm";
    /**
     * Failure detection for eleven JVMs sharing two busy cores: with the default 600 ms a replica starved of CPU
     * for longer was suspected, a G-GTM group split on a false suspicion and stayed without a leader for minutes
     * (a subcluster-bench run at load average 20-30). A killed process is still noticed at once (FD_SOCK2); only
     * a hung one takes 2 s.
     */
    public static final List<String> LOADED_MACHINE_TIMINGS = List.of("--fd-timeout-ms", "2000",
            "--verify-suspect-ms", "300");

    /**
     * What to start.
     *
     * @param ggtmHosts     the G-GTM's replicas
     * @param groupHosts    each sub-cluster's replicas, by name, in order
     * @param proxyHosts    each sub-cluster's mgtm_proxy, by name
     * @param clientPort    XC port of the sub-cluster replicas and proxies
     * @param internalPort  internal port of every replica
     * @param raftPort      raft port of every replica (FD_SOCK2 uses +100 and +101)
     * @param secret        the shared secret of every group (and so of the G-GTM)
     * @param rangeSize     GXIDs per range (range_size)
     * @param replicaArgs   more options for every replica (e.g. timings)
     * @param jvmFlags      JVM flags for every process after the usual ones (e.g. a small heap)
     */
    public record Layout(List<String> ggtmHosts, Map<String, List<String>> groupHosts, Map<String, String> proxyHosts,
                         int clientPort, int internalPort, int raftPort, String secret, int rangeSize,
                         List<String> replicaArgs, List<String> jvmFlags) {
        /** The lab's addresses for {@code n} sub-clusters A, B, ... (up to two fit the loopback plan). */
        public static Layout standard(int n, int clientPort, int internalPort, int raftPort, String secret, int rangeSize,
                                      List<String> replicaArgs, List<String> jvmFlags) {
            if (n < 1 || n > 2) {
                throw new IllegalArgumentException("the loopback lab has addresses for 1 or 2 sub-clusters, not " + n);
            }
            Map<String, List<String>> groups = new LinkedHashMap<>();
            Map<String, String> proxies = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                String name = String.valueOf((char) ('A' + i));
                groups.put(name, LocalCluster.Layout.hosts(3, 114 + 3 * i));
                proxies.put(name, "127.0.0." + (121 + i));
            }
            return new Layout(LocalCluster.Layout.hosts(3, 111), groups, proxies, clientPort, internalPort, raftPort,
                    secret, rangeSize, replicaArgs, jvmFlags);
        }
    }

    private final Layout layout;
    private final LocalCluster ggtm;
    private final Map<String, LocalCluster> groups = new LinkedHashMap<>();
    private final EventLoopGroup statusGroup = Transport.newGroup(1, "subcluster-lab-status");

    public SubclusterLab(Path logDir, Path dataDir, String classPath, Layout layout) {
        this.layout = layout;
        // The first range starts at 1000, above the XIDs an XC node's initdb used (656 on 0.9.2), as the lab's -x.
        List<String> ggtmArgs = new ArrayList<>(List.of("-x", "1000"));
        ggtmArgs.addAll(layout.replicaArgs());
        ggtm = new LocalCluster(logDir, dataDir, classPath, new LocalCluster.Layout(layout.ggtmHosts(), List.of(),
                layout.clientPort(), layout.internalPort(), layout.raftPort(), layout.secret(), ggtmArgs,
                List.of()), new LocalCluster.Naming("ggtm", "ggtm", "none", layout.jvmFlags()));
        String ggtmAddresses = String.join(",", layout.ggtmHosts().stream()
                .map(h -> h + ":" + layout.internalPort()).toList());
        for (Map.Entry<String, List<String>> g : layout.groupHosts().entrySet()) {
            String name = g.getKey();
            // -x: the group's first range request asks for GXIDs at or above it, whatever the G-GTM's counter.
            List<String> args = new ArrayList<>(List.of("--subcluster", name, "--ggtm", ggtmAddresses,
                    "--range-size", Integer.toString(layout.rangeSize()), "-x", "1000"));
            args.addAll(layout.replicaArgs());
            String proxy = layout.proxyHosts().get(name);
            String lower = name.toLowerCase(Locale.ROOT);
            groups.put(name, new LocalCluster(logDir, dataDir, classPath, new LocalCluster.Layout(g.getValue(),
                    proxy == null ? List.of() : List.of(proxy), layout.clientPort(), layout.internalPort(),
                    layout.raftPort(), layout.secret(), args, List.of("--subcluster", name)),
                    new LocalCluster.Naming("replica", lower, "proxy-" + lower, layout.jvmFlags())));
        }
    }

    public Layout layout() {
        return layout;
    }

    /** A group by name: {@link #GGTM} or a sub-cluster's. */
    public LocalCluster group(String name) {
        LocalCluster c = GGTM.equals(name) ? ggtm : groups.get(name);
        if (c == null) {
            throw new IllegalArgumentException("no group " + name);
        }
        return c;
    }

    public List<String> subclusters() {
        return List.copyOf(groups.keySet());
    }

    /** Starts the G-GTM, then every sub-cluster group (at once), then the proxies. */
    public void start() throws Exception {
        ggtm.startReplicas();
        List<Thread> threads = new ArrayList<>();
        List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (LocalCluster g : groups.values()) {
            Thread t = new Thread(() -> {
                try {
                    g.startReplicas();
                } catch (Exception e) {
                    failures.add(e);
                }
            }, "start-group");
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
        for (LocalCluster g : groups.values()) {
            g.startProxies();
        }
    }

    /** The G-GTM's internal addresses. */
    public List<InetSocketAddress> ggtmAddresses() {
        return internalAddresses(GGTM);
    }

    /** A group's internal addresses. */
    public List<InetSocketAddress> internalAddresses(String group) {
        return group(group).members().stream().map(m -> m.internalAddress(layout.internalPort())).toList();
    }

    /** A sub-cluster's mgtm_proxy (its XC address). */
    public InetSocketAddress proxyAddress(String subcluster) {
        return group(subcluster).proxyAddress(0);
    }

    /** Which replica belongs to which group: member name to group name. */
    public Map<String, String> members() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String g : allGroups()) {
            for (LocalProcess p : group(g).replicas) {
                out.put(p.name, g);
            }
        }
        return out;
    }

    private List<String> allGroups() {
        List<String> all = new ArrayList<>(List.of(GGTM));
        all.addAll(groups.keySet());
        return all;
    }

    /** SIGKILLs the group's leader and returns it (null if none was found). */
    public LocalProcess killLeader(String group) throws InterruptedException {
        LocalProcess victim = group(group).awaitLeader(10_000, null);
        if (victim == null) {
            return null;
        }
        victim.kill9();
        return victim;
    }

    /** The G-GTM leader's status document (null if it has no leader). */
    public JsonNode ggtmStatus() throws InterruptedException {
        LocalProcess leader = ggtm.awaitLeader(20_000, null);
        return leader == null ? null : status(leader);
    }

    /** A sub-cluster leader's status document (null if it has no leader). */
    public JsonNode leaderStatus(String group) throws InterruptedException {
        LocalProcess leader = group(group).awaitLeader(20_000, null);
        return leader == null ? null : status(leader);
    }

    private JsonNode status(LocalProcess p) {
        return GroupStatus.fetch(statusGroup, p.name, new InetSocketAddress(p.host, layout.internalPort()),
                layout.secret(), 2000);
    }

    /** The grants the G-GTM lists ({@code recentGrants}: subcluster, first, last), or an empty list. */
    public List<long[]> grants(Map<String, Integer> indexOf) throws InterruptedException {
        List<long[]> out = new ArrayList<>();
        JsonNode s = ggtmStatus();
        if (s == null) {
            return out;
        }
        for (JsonNode g : s.path("ggtm").path("recentGrants")) {
            out.add(new long[] {indexOf.getOrDefault(g.path("subcluster").asText(), -1), g.path("first").asLong(),
                    g.path("last").asLong()});
        }
        return out;
    }

    /** Every group's replicas have applied the same commands and hold equal state digests. */
    public String convergence(long timeoutMillis) throws InterruptedException {
        StringBuilder sb = new StringBuilder();
        boolean all = true;
        for (String g : allGroups()) {
            LocalCluster.Convergence c = group(g).awaitConvergence(timeoutMillis);
            all &= c.sameIndex() && c.sameState();
            sb.append(g).append(": ").append(c.sameIndex() && c.sameState() ? "converged" : "NOT CONVERGED (" + c.detail()
                    + ")").append("; ");
        }
        return (all ? "" : "DIVERGED: ") + sb;
    }

    /** Deletes a run directory of an earlier run (logs, data). */
    public static void deleteTree(Path root) throws IOException {
        DemoCommand.deleteTree(root);
    }

    /** Stops the proxies, the sub-cluster groups, then the G-GTM. */
    @Override
    public void close() throws InterruptedException {
        for (LocalCluster g : groups.values()) {
            g.close();
        }
        ggtm.close();
        statusGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
