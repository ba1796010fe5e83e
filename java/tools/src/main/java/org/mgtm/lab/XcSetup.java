package org.mgtm.lab;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A GTM setup of the real-XC benchmark: which GTM (the original gtm, {@code mgtm server}, or an mgtm
 * group of 1-3 replicas), which proxy on each node (the original gtm_proxy, or mgtm_proxy — in front
 * of a single GTM with {@code --upstream-xc}), a relay adding latency between the proxies and a single
 * GTM, and leader kills (groups of 3 only: a group of 2 without its leader has no majority).
 *
 * @param relayMicros the relay's delay each way, or null for no relay
 * @param killAt      seconds into the load at which the leader is killed
 */
record XcSetup(Gtm gtm, int replicas, SingleGtm.Proxy proxy, Long relayMicros, List<Integer> killAt) {
    /** Which GTM serves the proxies. */
    enum Gtm {
        ORIGINAL, SERVER, GROUP
    }

    /** Fails with a message naming the option when this combination cannot run. */
    XcSetup {
        killAt = List.copyOf(killAt);
        if (gtm == Gtm.GROUP) {
            if (replicas < 1 || replicas > 3) {
                throw new IllegalArgumentException("--replicas must be 1, 2 or 3");
            }
            if (proxy != SingleGtm.Proxy.MGTM) {
                throw new IllegalArgumentException("an mgtm group is served through mgtm_proxy: use --proxy mgtm");
            }
            if (relayMicros != null) {
                throw new IllegalArgumentException("--relay-us goes with a single GTM (--gtm original or server), "
                        + "not with a group");
            }
            if (!killAt.isEmpty() && replicas != 3) {
                throw new IllegalArgumentException("--kill-at needs a group of 3: without its leader a group of "
                        + replicas + " has no majority");
            }
        } else if (!killAt.isEmpty()) {
            throw new IllegalArgumentException("--kill-at needs a replicated GTM (--gtm group --replicas 3)");
        }
        if (relayMicros != null && relayMicros < 0) {
            throw new IllegalArgumentException("--relay-us must not be negative");
        }
    }

    /** This setup with the relay's delay set to {@code micros} (null: no relay). */
    XcSetup withRelay(Long micros) {
        return new XcSetup(gtm, replicas, proxy, micros, killAt);
    }

    /** The name of the series: "original gtm + gtm_proxy", "mgtm x3 + mgtm_proxy (leader killed at 10 s)". */
    String label() {
        String server = switch (gtm) {
            case ORIGINAL -> SingleGtm.Server.ORIGINAL.label;
            case SERVER -> SingleGtm.Server.MGTM.label;
            case GROUP -> "mgtm x" + replicas;
        };
        String label = server + " + " + proxy.label;
        if (relayMicros != null) {
            label += " (relay " + relayMicros + " us each way)";
        }
        if (!killAt.isEmpty()) {
            label += " (leader killed at " + String.join(" and ", killAt.stream().map(String::valueOf).toList()) + " s)";
        }
        return label;
    }

    /** A directory name for the setup's runs: the label's words joined by dashes. */
    String slug() {
        return label().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    }

    /**
     * Every address the setup's GTM side and the nodes will listen on: the GTM's XC port (and the
     * relay's) or the replicas' XC, internal and raft ports (FD_SOCK2 takes the raft port + 100), and
     * each node's proxy, coordinator and datanode ports.
     */
    List<InetSocketAddress> addresses(List<String> replicaHosts, List<String> nodeHosts) {
        List<InetSocketAddress> out = new ArrayList<>();
        if (gtm == Gtm.GROUP) {
            for (String host : replicaHosts.subList(0, replicas)) {
                for (int port : List.of(LabCluster.CLIENT_PORT, LabCluster.INTERNAL_PORT, LabCluster.RAFT_PORT,
                        LabCluster.RAFT_PORT + 100)) {
                    out.add(new InetSocketAddress(host, port));
                }
            }
        } else {
            out.add(new InetSocketAddress(replicaHosts.get(0), LabCluster.CLIENT_PORT));
            if (relayMicros != null) {
                out.add(new InetSocketAddress(replicaHosts.get(0), LabCluster.CLIENT_PORT + 1));
            }
        }
        for (String host : nodeHosts) {
            for (int port : List.of(LabCluster.CLIENT_PORT, XcLab.COORDINATOR_PORT, XcLab.DATANODE_PORT)) {
                out.add(new InetSocketAddress(host, port));
            }
        }
        return out;
    }

    /**
     * Starts the setup's GTM side for {@code session}'s lab, handing out GXIDs from {@code startGxid},
     * logs and data in {@code dir}: mgtm replicas on the first {@code replicas} replica hosts (the single
     * GTM on the first), proxies on the node hosts. Every run's GTM starts from a new data directory, as
     * the original gtm does here, so no run replays what an earlier one left; {@code startGxid} is above
     * every XID the nodes used.
     */
    LabGtm start(XcLabSession session, String classPath, List<String> replicaHosts, Path dir, long startGxid)
            throws IOException, InterruptedException {
        List<String> nodeHosts = session.lab.nodeHosts();
        if (gtm == Gtm.GROUP) {
            return LabCluster.start(classPath, replicaHosts.subList(0, replicas), nodeHosts, dir,
                    dir.resolve("mgtm-data"), startGxid);
        }
        SingleGtm.Server server = gtm == Gtm.ORIGINAL ? SingleGtm.Server.ORIGINAL : SingleGtm.Server.MGTM;
        return SingleGtm.start(session.xc, classPath, server, proxy, relayMicros, replicaHosts.get(0), nodeHosts, dir,
                startGxid);
    }
}
