package org.mgtm.lab;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.mgtm.client.Member;

/**
 * The mgtm side of the demos and of the real-XC benchmark's group setups ({@link LabGtm}), at the lab's ports
 * and secret: a replica on each replica host and an mgtm_proxy on each node host (each process binds its own
 * loopback address), started by the one local-cluster launcher, {@link LocalCluster}. {@link #close()} stops
 * the proxies, then the replicas.
 */
final class LabCluster implements LabGtm {
    static final String SECRET = "mgtm-demo-secret";
    static final int RAFT_PORT = 7800;
    static final int CLIENT_PORT = 6666;
    static final int INTERNAL_PORT = 6680;

    private final LocalCluster cluster;

    private LabCluster(LocalCluster cluster) {
        this.cluster = cluster;
    }

    /**
     * Starts the replicas (data in {@code dataDir/mgtmN}, kept there by the replicas across runs; GXIDs
     * from {@code startGxid} on unless the kept counter is higher), waits for a leader, then starts the
     * proxies. Logs go to {@code logDir}. Whatever started is stopped again if a step fails.
     */
    static LabCluster start(String classPath, List<String> replicaHosts, List<String> proxyHosts, Path logDir,
                            Path dataDir, long startGxid) throws IOException, InterruptedException {
        LocalCluster.Layout layout = new LocalCluster.Layout(replicaHosts, proxyHosts, CLIENT_PORT, INTERNAL_PORT,
                RAFT_PORT, SECRET, List.of("-x", Long.toString(startGxid)), List.of());
        LabCluster lab = new LabCluster(new LocalCluster(logDir.toAbsolutePath(), dataDir.toAbsolutePath(), classPath,
                layout));
        try {
            System.out.println("== starting " + replicaHosts.size() + " mgtm replicas on " + String.join(", ", replicaHosts));
            lab.cluster.startReplicas();
            System.out.println("   leader: " + lab.awaitLeader(30_000));
            System.out.println("== starting " + proxyHosts.size() + " mgtm_proxy on " + String.join(", ", proxyHosts));
            lab.cluster.startProxies();
            return lab;
        } catch (IOException | InterruptedException | RuntimeException e) {
            lab.close();
            throw e;
        } catch (Exception e) {
            lab.close();
            throw new IOException(e.getMessage(), e);
        }
    }

    /** {@code mgtm1@host:7800,...}: the group as replicas and proxies are told it. */
    @Override
    public String memberSpec() {
        return Member.format(cluster.members());
    }

    @Override
    public boolean replicated() {
        return true;
    }

    /** The member that reports itself leader, or null when none answers so within {@code timeoutMillis} each. */
    @Override
    public String leader(long timeoutMillis) {
        LocalProcess leader = cluster.leader(timeoutMillis);
        return leader == null ? null : leader.name;
    }

    String awaitLeader(long millis) throws InterruptedException {
        LocalProcess leader = cluster.awaitLeader(millis, null);
        if (leader == null) {
            throw new IllegalStateException("no leader was elected within " + millis + " ms");
        }
        return leader.name;
    }

    /** SIGKILLs the current leader; returns its process, or null when no live leader was found. */
    @Override
    public LocalProcess killLeader() throws InterruptedException {
        LocalProcess victim = cluster.leader();
        if (victim == null || !victim.alive()) {
            return null;
        }
        victim.kill9();
        return victim;
    }

    @Override
    public void close() throws InterruptedException {
        cluster.close();
    }
}
