package org.mgtm.replication;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.mgtm.client.Member;
import org.mgtm.config.Signals;
import org.mgtm.core.CoreLimits;
import org.mgtm.net.ClientAllowlist;
import org.mgtm.protocol.WireFormat;
import org.mgtm.replication.engine.RaftSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mgtm replica}: one replica of a replicated mgtm group (bin/mgtm-start runs it with the
 * replica's mgtm.conf). Runs until SIGTERM/SIGINT.
 */
@Command(name = "replica", mixinStandardHelpOptions = true,
        description = "Run one replica of a replicated mgtm group (jgroups-raft). Settings come from --config "
                + "(key = value, keys as the long options with _ for -) and the command line.")
public class ReplicaCommand implements Callable<Integer> {
    @Option(names = "--config", description = "Settings file, e.g. mgtm.conf.")
    Path config;

    @Option(names = "--member-id", required = true, description = "This replica's id, one of --members.")
    String memberId;

    @Option(names = "--members", required = true,
            description = "The static group: id@host:raft_port,... (e.g. mgtm1@127.0.0.11:7800,...). "
                    + "A replica listens for clients on its own host.")
    String members;

    @Option(names = {"-p", "--port"}, defaultValue = "6666",
            description = "XC-facing port for backends and gtm_proxy (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--internal-port", defaultValue = "6680",
            description = "Internal-protocol port for mgtm_proxy and mgtm-ctl (default: ${DEFAULT-VALUE}).")
    int internalPort;

    @Option(names = {"-D", "--data-dir"}, required = true, description = "Data directory (raft log and snapshots).")
    Path dataDir;

    @Option(names = {"-x", "--start-gxid"}, defaultValue = "0",
            description = "Lowest GXID to hand out (like gtm -x); never moves the counter back.")
    long startGxid;

    @Option(names = "--secret", required = true,
            description = "Shared secret of the group: authenticates replicas to each other and clients of the "
                    + "internal protocol. Keep it in the config file, not on the command line.")
    String secret;

    @Option(names = "--allow-clients", defaultValue = ClientAllowlist.LOOPBACK,
            description = "Client addresses that may connect (CIDR list or *; default: ${DEFAULT-VALUE}).")
    String allowClients;

    @Option(names = "--session-timeout-ms", defaultValue = "10000",
            description = "A client session with no connection for this long is ended with its transactions "
                    + "(default: ${DEFAULT-VALUE}).")
    long sessionTimeoutMs;

    @Option(names = "--append-timeout-ms", defaultValue = "5000",
            description = "A request the group has not committed by then gets an error (default: ${DEFAULT-VALUE}).")
    long appendTimeoutMs;

    @Option(names = "--max-in-flight", defaultValue = "4",
            description = "Log appends outstanding at once (default: ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(names = "--fsync", defaultValue = "" + RaftSettings.FSYNC, arity = "1",
            description = "fsync the raft log on every append (default: ${DEFAULT-VALUE}).")
    boolean fsync;

    @Option(names = "--max-log-size", defaultValue = "" + RaftSettings.MAX_LOG_SIZE,
            description = "Log bytes between two snapshots (default: ${DEFAULT-VALUE}).")
    long maxLogSize;

    @Option(names = "--fd-timeout-ms", defaultValue = "" + RaftSettings.FD_TIMEOUT_MS,
            description = "Failure detection: a member silent this long is suspected (FD_ALL3; default: ${DEFAULT-VALUE}).")
    long fdTimeoutMs;

    @Option(names = "--fd-interval-ms", defaultValue = "" + RaftSettings.FD_INTERVAL_MS,
            description = "Failure detection heartbeat interval (default: ${DEFAULT-VALUE}).")
    long fdIntervalMs;

    @Option(names = "--verify-suspect-ms", defaultValue = "" + RaftSettings.VERIFY_SUSPECT_MS,
            description = "Time to confirm a suspicion before excluding a member (default: ${DEFAULT-VALUE}).")
    long verifySuspectMs;

    @Option(names = "--vote-timeout-ms", defaultValue = "" + RaftSettings.VOTE_TIMEOUT_MS,
            description = "Election vote round timeout (default: ${DEFAULT-VALUE}).")
    long voteTimeoutMs;

    @Option(names = "--host-order", defaultValue = "little", description = "XC host byte order: little or big.")
    String hostOrder;

    @Option(names = "--io-threads", defaultValue = "2", description = "Network threads (default: ${DEFAULT-VALUE}).")
    int ioThreads;

    @Option(names = "--max-connections", defaultValue = "4096", description = "Client connections at most.")
    int maxConnections;

    @Option(names = "--max-transactions", defaultValue = "4096", description = "Open transactions at most.")
    int maxTransactions;

    @Option(names = "--subcluster", description = "Sub-cluster mode (docs/subclusters.md): this group is sub-cluster "
            + "NAME and hands out only GXIDs that the G-GTM (--ggtm) leased to it.")
    String subcluster;

    @Option(names = "--ggtm", description = "Sub-cluster mode: the G-GTM's members, host:internal_port,... (or "
            + "id@host:raft_port,... at the default internal port 6680).")
    String ggtm;

    @Option(names = "--ggtm-secret", description = "Sub-cluster mode: the G-GTM's shared secret (default: --secret).")
    String ggtmSecret;

    @Option(names = "--range-size", defaultValue = "10000",
            description = "Sub-cluster mode: GXIDs asked for per range (default: ${DEFAULT-VALUE}).")
    int rangeSize;

    @Option(names = "--range-low-water", defaultValue = "0",
            description = "Sub-cluster mode: ask for the next range when fewer leased GXIDs are left (default: half "
                    + "of --range-size).")
    int rangeLowWater;

    @Option(names = "--resolve-after-ms", defaultValue = "30000",
            description = "Sub-cluster mode: a cross-sub-cluster transaction left prepared this long (while the G-GTM is "
                    + "reachable) is ended as the G-GTM decides: abort unless its coordinator decided (default: "
                    + "${DEFAULT-VALUE}, a client's request deadline).")
    long resolveAfterMs;

    @Override
    public Integer call() throws Exception {
        ReplicaServer server = ReplicaServer.start(toConfig(), toRole());
        System.out.println("I'm running...");
        System.out.flush();
        Signals.awaitStop();
        System.out.println("stopping (signal received)");
        server.close();
        return 0;
    }

    /** The group's role: sub-cluster mode when --subcluster is set, else a plain group. */
    GroupRole toRole() {
        if (subcluster == null && ggtm == null) {
            return GroupRole.PLAIN;
        }
        if (subcluster == null || ggtm == null) {
            throw new IllegalArgumentException("sub-cluster mode needs both --subcluster and --ggtm");
        }
        int lowWater = rangeLowWater > 0 ? rangeLowWater : Math.max(1, rangeSize / 2);
        return GroupRole.subcluster(new GroupRole.SubclusterSettings(subcluster,
                Member.internalAddresses(ggtm, 6680), ggtmSecret != null ? ggtmSecret : secret, rangeSize, lowWater,
                resolveAfterMs, (int) startGxid));
    }

    ReplicaConfig toConfig() {
        List<Member> group = Member.parseList(members);
        if (group.stream().noneMatch(m -> m.id().equals(memberId))) {
            throw new IllegalArgumentException("--member-id " + memberId + " is not one of --members " + members);
        }
        if (secret.isBlank()) {
            throw new IllegalArgumentException("--secret must not be empty");
        }
        if (startGxid < 0 || startGxid > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("--start-gxid must be a 32-bit unsigned value");
        }
        ByteOrder order = WireFormat.parseHostOrder(hostOrder);
        RaftSettings raft = RaftSettings.builder().raftId(memberId).members(group).dataDir(dataDir).fsync(fsync)
                .maxLogSize(maxLogSize).fdTimeoutMs(fdTimeoutMs).fdIntervalMs(fdIntervalMs)
                .verifySuspectMs(verifySuspectMs).voteTimeoutMs(voteTimeoutMs).secret(secret).build();
        return new ReplicaConfig(raft, port, internalPort, (int) startGxid,
                new WireFormat(order, WireFormat.DEFAULT_MAX_FRAME_LENGTH), new CoreLimits(maxTransactions, 16, 65536),
                ioThreads, maxConnections, ClientAllowlist.parse(allowClients), sessionTimeoutMs, appendTimeoutMs,
                maxInFlight);
    }
}
