package org.mgtm.replication.engine;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jgroups.Address;
import org.jgroups.JChannel;
import org.jgroups.protocols.AUTH;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FRAG4;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.protocols.raft.NO_DUPES;
import org.jgroups.protocols.raft.RAFT;
import org.jgroups.protocols.raft.Role;
import org.jgroups.raft.RaftHandle;
import org.jgroups.raft.util.Utils;
import org.jgroups.stack.Protocol;
import org.jgroups.util.TLS;
import org.jgroups.util.TLSClientAuth;
import org.mgtm.client.Member;
import org.mgtm.net.TlsConfig;


/**
 * One replica of a jgroups-raft group, started from {@link RaftSettings}: a JGroups TCP stack with TCPPING over the
 * static member list, tuned failure detection, optional AUTH, ELECTION, and {@link CatchUpRaft} (or
 * {@link SafeFollowerRaft} when catch-up is off) with a {@link DurableLog} in {@code data_dir},
 * fsync on by default, and {@link LeaderCheck} above it (the leader's confirmation for reads without the log).
 *
 * <p>{@link #append(byte[])} replicates one log entry (the replica's ReplicatedSequencer puts many commands into one
 * entry); only the leader accepts appends. The state machine is a {@link BatchStateMachine}.</p>
 */
public final class RaftMember implements AutoCloseable {

    /** Called on every role change, on the thread that changed the role (keep it short, do not block). */
    public interface RoleListener {
        void roleChanged(Role role, long term, String leaderId);
    }

    /**
     * GMS: how long a merge waits for the subgroups' coordinators (JGroups: 5 s); its participants refuse other merges
     * for twice that. A merge started just before a kill waits this long for the dead member's answer, and a
     * participant of a merge whose leader was killed waits twice this long; a merge of live members on a LAN takes
     * milliseconds, and one that fails is retried at QuickMerge's next check (0.5 s).
     */
    static final long MERGE_TIMEOUT_MS = 300;
    /**
     * NAKACK2 and UNICAST3: how often a member asks for the messages it misses (JGroups: 1 s and 0.5 s; a gap is
     * asked for at the second tick that still sees it). Messages lost around a partition leave gaps, and every later
     * message of that sender, unless out of band, waits behind them: right after a merge, a member that had not
     * installed the merged view yet dropped the new coordinator's vote request (NAKACK2: from a non-member), and
     * the election's LeaderElected arrived 1.2 s late; a merge view (a plain unicast) waited behind a gap left by the
     * partition until its merge had timed out. At 100 ms both are repaired within 0.2 s; the cost is an ack or a
     * probe per peer every 100 ms.
     */
    static final long RETRANSMIT_MS = 100;
    /** GMS: how long a new view waits for every member's acknowledgement (JGroups: 2 s). */
    static final long VIEW_ACK_TIMEOUT_MS = 500;

    private final RaftSettings settings;
    private final JChannel channel;
    private final RAFT raft;
    private final RaftHandle handle;
    private final BatchStateMachine stateMachine;
    private final LeaderCheck leaderCheck;
    private final List<RoleListener> listeners = new CopyOnWriteArrayList<>();

    private RaftMember(RaftSettings settings, JChannel channel, RAFT raft, BatchStateMachine sm) {
        this.settings = settings;
        this.channel = channel;
        this.raft = raft;
        this.leaderCheck = channel.getProtocolStack().findProtocol(LeaderCheck.class);
        this.stateMachine = sm;
        this.handle = new RaftHandle(channel, sm);
        raft.addRoleListener(role -> {
            String leader = leaderId();
            long term = raft.currentTerm();
            for (RoleListener l : listeners) {
                try {
                    l.roleChanged(role, term, leader);
                } catch (RuntimeException ignored) {
                    // a listener must not break the engine's thread
                }
            }
        });
    }

    /**
     * Builds the stack, loads the state machine from the snapshot and log in {@code data_dir}, and joins the group.
     * Listeners given here are registered before the channel connects, so they see the first role change.
     */
    public static RaftMember start(RaftSettings s, BatchStateMachine sm, RoleListener... listeners) throws Exception {
        Files.createDirectories(s.dataDir());
        List<Protocol> protocols = protocols(s);
        JChannel ch = new JChannel(protocols);
        // init() ran in the constructor and created the diagnostics handler: it would open a multicast socket
        ch.getProtocolStack().getTransport().getDiagnosticsHandler().setEnabled(false);
        ch.setName(s.raftId());
        RAFT raft = ch.getProtocolStack().findProtocol(RAFT.class);
        RaftMember m = new RaftMember(s, ch, raft, sm);
        for (RoleListener l : listeners)
            m.listeners.add(l);
        try {
            ch.connect(s.clusterName());
        } catch (Exception e) {
            ch.close();
            throw e;
        }
        return m;
    }

    /** The protocol stack, bottom (transport) first. */
    public static List<Protocol> protocols(RaftSettings s) throws IOException {
        Member self = s.self();
        InetAddress bind = InetAddress.getByName(self.host());
        List<InetSocketAddress> hosts = new ArrayList<>();
        for (Member m : s.members())
            hosts.add(new InetSocketAddress(InetAddress.getByName(m.host()), m.port()));

        List<Protocol> p = new ArrayList<>();
        // tcp_nodelay is off by default in JGroups 5.4: Nagle + delayed ACKs would hold back small AppendEntries.
        TCP tcp = new TCP();
        tcp.tcpNodelay(true);
        // Outgoing connections leave from the member's address too (by default the route picks one:
        // 127.0.0.1 on the loopback lab), so rules and allowlists by member address see them.
        tcp.setClientBindAddr(bind);
        // A member that is cut off (partition, hung host) must not stall traffic to the others: with the
        // default single bundler thread and blocking writes, a full socket buffer or a 2 s connect to it
        // held back the heartbeats between the healthy members, which then suspected each other
        // (ReplicaPartitionTest). One sender per destination, bounded queues (a full one drops; NAKACK2
        // and UNICAST3 retransmit) and a short connect timeout (peers are on a LAN) keep them apart.
        tcp.setBundlerType("per-destination");
        tcp.nonBlockingSends(true).maxSendQueue(1024);
        tcp.setSockConnTimeout(300);
        if (s.tls() != null)
            tls(tcp, s.tls());
        p.add(tcp.setBindAddress(bind).setBindPort(self.port()).setPortRange(0));
        p.add(new TCPPING().initialHosts(hosts).portRange(0));
        p.add(new QuickMerge(s.memberIds()));   // MERGE3, fast while a member is missing from the view
        if (s.fdSock())
            p.add(new BoundFdSock2().setBindAddress(bind).setOffset(s.fdSockOffset()).setPortRange(1)); // default: *
        p.add(new FD_ALL3().setTimeout(s.fdTimeoutMs()).setInterval(s.fdIntervalMs()));
        p.add(new VERIFY_SUSPECT2().setTimeout(s.verifySuspectMs()));
        p.add(new NAKACK2().setXmitInterval(RETRANSMIT_MS));
        p.add(new UNICAST3().setXmitInterval(RETRANSMIT_MS));
        p.add(new STABLE());
        p.add(new NO_DUPES());
        if (s.secret() != null) {
            SharedSecretToken token = new SharedSecretToken(s.secret());
            AUTH auth = new AUTH().setAuthToken(token).setAuthCoord(true);
            token.setAuth(auth);
            p.add(auth);
        }
        // A merge or a view waits for every member it names; one that died meanwhile held the group for the
        // defaults' 5 s (10 s more for the merge's participants) and 2 s (docs/decisions/0003, liveness).
        p.add(new LiveMergeLeaderGms().setJoinTimeout(s.joinTimeoutMs()).printLocalAddress(false)
                .setMergeTimeout(MERGE_TIMEOUT_MS).setViewAckCollectionTimeout(VIEW_ACK_TIMEOUT_MS));
        p.add(new FRAG4());
        p.add(new MergeSafeElection().voteTimeout(s.voteTimeoutMs()));   // ELECTION, safe against views installed late
        RAFT raft = s.catchUp()
                ? new CatchUpRaft().catchUpIntervalMs(s.catchUpIntervalMs()).catchUpMaxBytes(s.catchUpMaxBytes())
                : new SafeFollowerRaft();   // the follower-side safety fixes stay on without the catch-up fix
        raft.raftId(s.raftId())
                .members(s.memberIds())
                .logClass(DurableLog.class.getName())   // checksums, fail-stop on I/O errors (not FileBasedLog)
                .logDir(s.dataDir().toString())
                .logPrefix(s.raftId())
                .maxLogSize(s.maxLogSize())
                .resendInterval(s.resendIntervalMs())
                .logUseFsync(s.fsync());
        p.add(raft);
        p.add(new LeaderCheck());
        return p;
    }

    /**
     * TLS on the transport (JGroups 5.4 TCP's {@code tls}): every replication connection is TLS 1.3 and both ends
     * show a certificate of the group CA, so a process without one can neither read the log stream nor send the
     * group anything (decision 0009). FD_SOCK2's liveness connections stay plain: they carry no data.
     */
    static void tls(TCP tcp, TlsConfig t) throws IOException {
        t.load(t.keystore());   // fail here, naming the file, rather than in the transport's start
        t.load(t.trustedStore());
        // JGroups' TLS component makes the factory (server sockets require a client certificate); the transport
        // gets it wrapped, with the component itself off so that TCP.start keeps our factory.
        TLS component = new TLS().enabled(false)
                .setKeystorePath(t.keystore().toString()).setKeystorePassword(t.password()).setKeystoreType("pkcs12")
                .setTruststorePath(t.trustedStore().toString()).setTruststorePassword(t.password())
                .setTruststoreType("pkcs12").setClientAuth(TLSClientAuth.NEED)
                .setProtocols(TlsConfig.PROTOCOLS.toArray(new String[0]));
        tcp.tls(component);
        tcp.setSocketFactory(new BoundedHandshakes(component.createSocketFactory()));
        tcp.setPeerAddrReadTimeout(BoundedHandshakes.READ_TIMEOUT_MS);   // the accepting side's handshake
    }

    public RaftSettings settings() { return settings; }
    public JChannel channel() { return channel; }
    public RAFT raft() { return raft; }
    public RaftHandle handle() { return handle; }
    public BatchStateMachine stateMachine() { return stateMachine; }
    public String raftId() { return settings.raftId(); }

    public void addRoleListener(RoleListener l) { listeners.add(l); }
    public void removeRoleListener(RoleListener l) { listeners.remove(l); }

    public boolean isLeader() { return raft.isLeader(); }
    /** The raft id of the current leader, or null if none is known. */
    public String leaderId() {
        Address a = raft.leader();
        return a == null ? null : Utils.extractRaftId(a);
    }
    public Role role() {
        String r = raft.role();
        return switch (r) {
            case "Leader" -> Role.Leader;
            case "Learner" -> Role.Learner;
            default -> Role.Follower;
        };
    }
    public long term() { return raft.currentTerm(); }
    public long commitIndex() { return raft.commitIndex(); }
    public long lastAppended() { return raft.lastAppended(); }
    /** Members of the current JGroups view, as raft ids. */
    public List<String> viewMembers() {
        var v = channel.getView();
        if (v == null)
            return List.of();
        return v.getMembers().stream().map(Utils::extractRaftId).toList();
    }

    /**
     * Appends one entry (normally a {@link BatchStateMachine#encode batch}) to the replicated log. The future completes
     * with the state machine's reply once the entry is committed and applied on this leader, on the engine's thread:
     * do not block in its callbacks. Completes exceptionally (or throws IllegalStateException) on a non-leader, and
     * if leadership is lost before the entry commits (the entry may still commit later under a new leader).
     */
    public CompletableFuture<byte[]> append(byte[] entry) {
        try {
            return handle.setAsync(entry, 0, entry.length);
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * A {@link LeaderCheck} round started now: completes with the term once a majority of the members
     * confirmed this member as their leader in it, fails when it does not lead (or stops leading
     * first). No timeout of its own.
     */
    public CompletableFuture<Long> confirmLeadership() {
        return leaderCheck.confirm();
    }

    public LeaderCheck leaderCheck() { return leaderCheck; }

    /** Snapshot of the state machine and log truncation, on the engine's thread. */
    public void snapshot() throws Exception {
        raft.snapshot();
    }

    @Override
    public void close() {
        channel.close();
    }
}
