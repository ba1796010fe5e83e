package org.mgtm.lab;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.mgtm.replication.GroupStatus;
import org.mgtm.replication.RaftSettings;
import org.mgtm.server.Transport;

/**
 * The mgtm side of the demos: a replica on each replica host and an mgtm_proxy on each node host,
 * all at the lab's ports (each process binds its own loopback address). {@link #close()} stops the
 * proxies, then the replicas, by their own process handles.
 */
final class LabCluster implements LabGtm {
    static final String SECRET = "mgtm-demo-secret";
    static final int RAFT_PORT = 7800;
    static final int CLIENT_PORT = 6666;
    static final int INTERNAL_PORT = 6680;

    private final List<RaftSettings.Member> members = new ArrayList<>();
    private final Map<String, LabProcess> replicas = new LinkedHashMap<>();
    private final List<LabProcess> proxies = new ArrayList<>();
    private final EventLoopGroup statusGroup = Transport.newGroup(1, "demo-status");

    private LabCluster(List<String> replicaHosts) {
        for (int i = 0; i < replicaHosts.size(); i++) {
            members.add(new RaftSettings.Member("mgtm" + (i + 1), replicaHosts.get(i), RAFT_PORT));
        }
    }

    /**
     * Starts the replicas (data in {@code dataDir/mgtmN}, kept there by the replicas across runs; GXIDs
     * from {@code startGxid} on unless the kept counter is higher), waits for a leader, then starts the
     * proxies. Logs go to {@code logDir}. Whatever started is stopped again if a step fails.
     */
    static LabCluster start(String classPath, List<String> replicaHosts, List<String> proxyHosts, Path logDir,
                            Path dataDir, long startGxid) throws IOException, InterruptedException {
        LabCluster cluster = new LabCluster(replicaHosts);
        try {
            cluster.startReplicas(classPath, logDir, dataDir, startGxid);
            cluster.startProxies(classPath, proxyHosts, logDir);
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void startReplicas(String classPath, Path logDir, Path dataDir, long startGxid)
            throws IOException, InterruptedException {
        System.out.println("== starting " + members.size() + " mgtm replicas on "
                + String.join(", ", members.stream().map(RaftSettings.Member::host).toList()));
        for (RaftSettings.Member m : members) {
            replicas.put(m.id(), LabProcess.start(m.id(), classPath, logDir.resolve(m.id() + ".log"), List.of("replica",
                    "--member-id", m.id(), "--members", memberSpec(), "-D", dataDir.resolve(m.id()).toString(),
                    "--secret", SECRET, "-x", Long.toString(startGxid), "-p", Integer.toString(CLIENT_PORT),
                    "--internal-port", Integer.toString(INTERNAL_PORT)), 60_000));
        }
        System.out.println("   leader: " + awaitLeader(30_000));
    }

    private void startProxies(String classPath, List<String> proxyHosts, Path logDir)
            throws IOException, InterruptedException {
        System.out.println("== starting " + proxyHosts.size() + " mgtm_proxy on " + String.join(", ", proxyHosts));
        for (int i = 0; i < proxyHosts.size(); i++) {
            String name = "proxy" + (i + 1);
            proxies.add(LabProcess.start(name, classPath, logDir.resolve(name + ".log"), List.of("proxy",
                    "-h", proxyHosts.get(i), "-p", Integer.toString(CLIENT_PORT), "--members", memberSpec(),
                    "--internal-port", Integer.toString(INTERNAL_PORT), "--secret", SECRET), 30_000));
        }
    }

    /** {@code mgtm1@host:7800,...}: the group as replicas and proxies are told it. */
    @Override
    public String memberSpec() {
        return String.join(",", members.stream().map(RaftSettings.Member::toString).toList());
    }

    @Override
    public boolean replicated() {
        return true;
    }

    /** The member that reports itself leader, or null when none answers so within {@code timeoutMillis} each. */
    @Override
    public String leader(long timeoutMillis) {
        return GroupStatus.leader(statusGroup, members, INTERNAL_PORT, SECRET, timeoutMillis);
    }

    String awaitLeader(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < deadline) {
            String leader = leader(500);
            if (leader != null) {
                return leader;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("no leader was elected within " + millis + " ms");
    }

    /** SIGKILLs the current leader; returns its process, or null when no live leader was found. */
    @Override
    public LabProcess killLeader() throws InterruptedException {
        String victim = leader(300);
        LabProcess p = victim == null ? null : replicas.get(victim);
        if (p == null || !p.isAlive()) {
            return null;
        }
        p.kill9();
        return p;
    }

    @Override
    public void close() throws InterruptedException {
        for (LabProcess p : proxies) {
            p.close();
        }
        for (LabProcess p : replicas.values()) {
            p.close();
        }
        statusGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
