package org.mgtm.replication;

import org.mgtm.config.Signals;
import picocli.CommandLine.Command;

/**
 * {@code mgtm ggtm} (bin/mgtm-ggtm): one replica of the G-GTM, the global group that grants GXID ranges to
 * sub-cluster groups and keeps the decisions of cross-sub-cluster transactions (docs/subclusters.md). The
 * same raft machinery, internal protocol and settings as {@code mgtm replica}; it serves no XC port, and the
 * sub-cluster settings do not apply to it.
 */
@Command(name = "ggtm", mixinStandardHelpOptions = true,
        description = "Run one replica of the G-GTM (global GTM of sub-clusters): grants disjoint GXID ranges to "
                + "sub-cluster groups. Takes the settings of mgtm replica (--port and the sub-cluster ones unused).")
public final class GgtmCommand extends ReplicaCommand {
    @Override
    public Integer call() throws Exception {
        if (subcluster != null || ggtm != null) {
            throw new IllegalArgumentException("the G-GTM is not a sub-cluster: remove the subcluster and ggtm settings");
        }
        ReplicaServer server = ReplicaServer.start(toConfig(), GroupRole.GGTM);
        System.out.println("I'm running...");
        System.out.flush();
        Signals.awaitStop();
        System.out.println("stopping (signal received)");
        server.close();
        return 0;
    }
}
