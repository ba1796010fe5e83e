package org.mgtm.replication;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.mgtm.client.Member;
import org.mgtm.config.Signals;
import org.mgtm.core.CoreLimits;
import org.mgtm.net.ClientAllowlist;
import org.mgtm.net.TlsConfig;
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
            description = "Batches outstanding at once: log appends, and leadership checks for reads (default: "
                    + "${DEFAULT-VALUE}).")
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

    @Option(names = "--max-connections", defaultValue = "4096",
            description = "Connections at most on each client port, XC and internal (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--max-sessions", defaultValue = "" + ReplicaConfig.DEFAULT_MAX_SESSIONS,
            description = "Internal-protocol sessions the group holds at most; a new one beyond is refused "
                    + "(default: ${DEFAULT-VALUE}).")
    int maxSessions;

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

    @Option(names = "--ggtm-internal-tls", defaultValue = "false", arity = "1",
            description = "Sub-cluster mode: talk to the G-GTM's internal port over TLS (its internal_tls), with this "
                    + "replica's tls_keystore, tls_truststore (holding the G-GTM's CA) and tls_password "
                    + "(default: ${DEFAULT-VALUE}).")
    boolean ggtmInternalTls;

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

    @Option(names = "--metrics-port", defaultValue = "0",
            description = "Serve Prometheus metrics at http://<this member's host>:PORT/metrics; 0 = off "
                    + "(default: ${DEFAULT-VALUE}; docs/operations.md lists the metrics).")
    int metricsPort;

    @Option(names = "--tls", defaultValue = "auto",
            description = "TLS on the replication channel: on, off, or auto (default): on when --tls-keystore is "
                    + "set; without it, refused unless every member is on a loopback address.")
    String tls;

    @Option(names = "--tls-keystore", description = "PKCS#12 file with this replica's key and certificate "
            + "(mgtm tls-keys makes it).")
    Path tlsKeystore;

    @Option(names = "--tls-truststore", description = "PKCS#12 file with the group CA's certificate (default: the "
            + "keystore's own certificates).")
    Path tlsTruststore;

    @Option(names = "--tls-password", description = "Password of both stores (default: the group secret).")
    String tlsPassword;

    @Option(names = "--internal-tls", defaultValue = "false", arity = "1",
            description = "TLS on the internal port too, with the same stores; clients (mgtm_proxy, mgtm-ctl, "
                    + "mgtm-bench) then need a certificate of the group CA (default: ${DEFAULT-VALUE}).")
    boolean internalTls;

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
    GroupRole toRole() throws java.io.IOException {
        if (subcluster == null && ggtm == null) {
            return GroupRole.PLAIN;
        }
        if (subcluster == null || ggtm == null) {
            throw new IllegalArgumentException("sub-cluster mode needs both --subcluster and --ggtm");
        }
        if (ggtmInternalTls && tlsKeystore == null) {
            throw new IllegalArgumentException("--ggtm-internal-tls needs --tls-keystore");
        }
        int lowWater = rangeLowWater > 0 ? rangeLowWater : Math.max(1, rangeSize / 2);
        return GroupRole.subcluster(new GroupRole.SubclusterSettings(subcluster,
                Member.internalAddresses(ggtm, 6680), ggtmSecret != null ? ggtmSecret : secret, rangeSize, lowWater,
                resolveAfterMs, (int) startGxid, ggtmInternalTls
                        ? TlsConfig.of(true, tlsKeystore, tlsTruststore, tlsPassword, secret).clientContext() : null));
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
        TlsConfig replication = TlsConfig.of(replicationTls(group), tlsKeystore, tlsTruststore, tlsPassword, secret);
        if (internalTls && tlsKeystore == null) {
            throw new IllegalArgumentException("--internal-tls needs --tls-keystore");
        }
        RaftSettings raft = RaftSettings.builder().raftId(memberId).members(group).dataDir(dataDir).fsync(fsync)
                .maxLogSize(maxLogSize).fdTimeoutMs(fdTimeoutMs).fdIntervalMs(fdIntervalMs)
                .verifySuspectMs(verifySuspectMs).voteTimeoutMs(voteTimeoutMs).secret(secret).tls(replication)
                .build();
        return new ReplicaConfig(raft, port, internalPort, (int) startGxid,
                new WireFormat(order, WireFormat.DEFAULT_MAX_FRAME_LENGTH), new CoreLimits(maxTransactions, 16, 65536),
                ioThreads, maxConnections, ClientAllowlist.parse(allowClients), sessionTimeoutMs, appendTimeoutMs,
                maxInFlight, metricsPort, TlsConfig.of(internalTls, tlsKeystore, tlsTruststore, tlsPassword, secret),
                maxSessions);
    }

    /**
     * Whether replication runs over TLS: {@code on} and {@code off} say so; {@code auto} is on with a keystore, and
     * without one is allowed only when every member is on a loopback address (the local lab), where no other host
     * can see the traffic. A group spread over hosts never runs in the clear by accident.
     */
    boolean replicationTls(List<Member> group) {
        switch (tls) {
            case "on":
                if (tlsKeystore == null) {
                    throw new IllegalArgumentException("--tls on needs --tls-keystore (mgtm tls-keys makes one)");
                }
                return true;
            case "off":
                return false;
            case "auto":
                if (tlsKeystore != null) {
                    return true;
                }
                List<String> remote = group.stream().map(Member::host).filter(h -> !isLoopback(h)).toList();
                if (!remote.isEmpty()) {
                    throw new IllegalArgumentException("replication between hosts (" + String.join(", ", remote)
                            + ") runs over TLS: set tls_keystore, tls_truststore and tls_password (mgtm tls-keys "
                            + "and the Ansible roles make them), or tls = off on a network you trust entirely");
                }
                return false;
            default:
                throw new IllegalArgumentException("--tls must be on, off or auto, not '" + tls + "'");
        }
    }

    private static boolean isLoopback(String host) {
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
