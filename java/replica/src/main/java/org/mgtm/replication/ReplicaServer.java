package org.mgtm.replication;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jgroups.protocols.raft.Role;
import org.mgtm.client.Member;
import org.mgtm.config.DataDirectoryLock;
import org.mgtm.core.Command;
import org.mgtm.core.Gxids;
import org.mgtm.net.GtmServerInitializer;
import org.mgtm.net.ConnectionGate;
import org.mgtm.net.RefusalLog;
import org.mgtm.net.SlowReaderGuard;
import org.mgtm.net.TlsRefusals;
import org.mgtm.net.Transport;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.WireMessage;
import org.mgtm.protocol.internal.InternalFormat;
import org.mgtm.protocol.internal.InternalReplyEncoder;
import org.mgtm.protocol.internal.InternalRequestDecoder;
import org.mgtm.protocol.internal.ServerMessage;
import org.mgtm.replication.engine.BatchStateMachine;
import org.mgtm.replication.engine.RaftMember;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replica of a replicated mgtm group: a raft member whose log carries every state-changing
 * command, the XC-facing port (served only while leader) and the internal port (mgtm_proxy sessions
 * on the leader; status and pings anywhere). Prints {@code I'm LEADER!!!!} each time it becomes
 * leader and logs every role change with its term.
 */
public final class ReplicaServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplicaServer.class);
    private static final long EXPIRY_TICK_MILLIS = 500;
    private static final int JOIN_ATTEMPTS = 5;
    /** How often a sub-cluster leader looks at its leases and prepared cross transactions. */
    private static final long DUTY_TICK_MILLIS = 50;
    private static final long JOIN_RETRY_MILLIS = 500;
    /** Internal clients ping every second or faster (docs/decisions/0004): silence this long means gone. */
    private static final int INTERNAL_IDLE_SECONDS = 10;

    private final ReplicaConfig config;
    private final GroupRole role;
    private final ReplicatedCore core;
    private final ReplicatedSequencer sequencer;
    private final ReplicaMetrics metrics;
    private final SessionExpiry expiry;
    private final ScheduledExecutorService timer;
    /** Sub-cluster mode's leader duties (range keeper, resolver); null in other roles. */
    private final SubclusterDuties subclusterDuties;
    private final ChannelGroup internalChannels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final SecureRandom random = new SecureRandom();
    private final TermGate termGate = new TermGate();
    private DataDirectoryLock dataDirLock;
    private final RefusalLog internalRefusals = new RefusalLog(log, "internal connection");
    private final ConnectionGate internalGate;
    private volatile RaftMember member;
    /** Counts this replica's leaderships; {@link #confirmedLeadership} catches up when one has committed an entry. */
    private volatile long leadership;
    private volatile long confirmedLeadership = -1;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private GtmServerInitializer clientInitializer;
    private Channel clientListener;
    private Channel internalListener;

    private ReplicaServer(ReplicaConfig config, GroupRole role) {
        this.config = config;
        this.role = role;
        this.internalGate = new ConnectionGate(config.maxConnections(), internalRefusals);
        this.core = new ReplicatedCore(role.kind(config.limits()));
        this.expiry = new SessionExpiry(config.sessionTimeoutMillis());
        this.metrics = new ReplicaMetrics(() -> member, core);
        this.sequencer = new ReplicatedSequencer(metrics.timedCommit(this::append), new Reads(), this::isLeader, this::notLeaderText,
                config.maxInFlight(), 1 << 20, config.appendTimeoutMillis());
        sequencer.meter(metrics);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mgtm-replica-timer");
            t.setDaemon(true);
            return t;
        });
        this.subclusterDuties = role.type() != GroupRole.Type.SUBCLUSTER ? null
                : new SubclusterDuties(role.subcluster(), core, this::appendCommand, this::leadershipConfirmed,
                config.raft().raftId());
    }

    /** A replica of a plain GTM group. */
    public static ReplicaServer start(ReplicaConfig config) throws Exception {
        return start(config, GroupRole.PLAIN);
    }

    /** A replica of a group in the given role: plain, sub-cluster mode, or the G-GTM (docs/subclusters.md). */
    public static ReplicaServer start(ReplicaConfig config, GroupRole role) throws Exception {
        ReplicaServer server = new ReplicaServer(config, role);
        try {
            // Two replicas on one log would corrupt it: lock first, before anything else is opened.
            server.dataDirLock = DataDirectoryLock.acquire(config.raft().dataDir());
            server.startNetwork();
            server.metrics.serve(config.host(), config.metricsPort());
            server.member = server.joinGroup();
            server.metrics.attach(server.member);
            server.timer.scheduleWithFixedDelay(server::expireSessions, EXPIRY_TICK_MILLIS, EXPIRY_TICK_MILLIS,
                    TimeUnit.MILLISECONDS);
            if (server.subclusterDuties != null) {
                server.timer.scheduleWithFixedDelay(server.subclusterDuties::tick, DUTY_TICK_MILLIS, DUTY_TICK_MILLIS,
                        TimeUnit.MILLISECONDS);
            }
            log.info("replica {} of group {} ({}) running: XC clients on {}, internal protocol on {}:{}, next GXID {}",
                    config.raft().raftId(), config.raft().memberIds(), describe(role),
                    role.servesXc() ? config.host() + ":" + config.clientPort() : "(none)",
                    config.host(), config.internalPort(), Gxids.toString(server.core.nextGxid()));
            return server;
        } catch (Exception e) {
            server.close();
            throw e;
        }
    }

    /**
     * Joins the raft group, retrying a refused or timed-out join: a replica restarted right after a crash can be
     * refused while the group still counts its previous incarnation as a member ("would create a view with
     * duplicate members"), until failure detection removes it a moment later. Each attempt loads the state from
     * the log again, so the core starts empty each time.
     */
    private RaftMember joinGroup() throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return RaftMember.start(config.raft(), new BatchStateMachine(core), this::roleChanged);
            } catch (Exception e) {
                if (attempt >= JOIN_ATTEMPTS) {
                    throw e;
                }
                log.warn("joining the group failed (attempt {} of {}): {}; trying again", attempt, JOIN_ATTEMPTS,
                        String.valueOf(e.getMessage()));
                core.reset();
                Thread.sleep(JOIN_RETRY_MILLIS * attempt);
            }
        }
    }

    private void startNetwork() throws IOException {
        boss = Transport.newGroup(1, "mgtm-accept");
        workers = Transport.newGroup(config.ioThreads(), "mgtm-io");
        if (role.servesXc()) {
            clientInitializer = new GtmServerInitializer(config.wireFormat(), sequencer, config.maxConnections(),
                    this::newSessionId, config.allowlist());
            clientListener = Transport.listen(boss, workers, config.host(), config.clientPort(), clientInitializer);
        }
        InternalFormat format = InternalFormat.of(config.wireFormat());
        byte[] token = config.raft().secret() == null ? new byte[0]
                : config.raft().secret().getBytes(StandardCharsets.UTF_8);
        InternalConnectionHandler.Replica view = new ReplicaView();
        SslContext tls = config.internalTls() == null ? null : config.internalTls().serverContext();
        internalListener = Transport.listen(boss, workers, config.host(), config.internalPort(),
                new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (!config.allowlist().admits(ch.remoteAddress())) {
                            internalRefusals.refuse(ch.remoteAddress(), "not in the client allowlist");
                            ch.close();
                            return;
                        }
                        if (!internalGate.admit(ch)) {
                            return;
                        }
                        internalChannels.add(ch);
                        ch.pipeline().addLast("slow-reader", new SlowReaderGuard(internalRefusals));
                        if (tls != null) {
                            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()))
                                    .addLast("tls-refusals", new TlsRefusals(internalRefusals));
                        }
                        ch.pipeline()
                                // A client host that vanished leaves a half-open connection: without this its
                                // session would count as connected, and never expire, with its transactions.
                                .addLast("idle", new ReadTimeoutHandler(INTERNAL_IDLE_SECONDS, TimeUnit.SECONDS))
                                .addLast("internal-decoder", new InternalRequestDecoder(format))
                                .addLast("internal-encoder", new InternalReplyEncoder(format))
                                .addLast("internal", new InternalConnectionHandler(view, sequencer, expiry, token,
                                        config.wireFormat().hostOrder(), internalRefusals));
                    }
                });
    }

    /** Session ids of direct XC connections: random, so that two leaders never give out the same one. */
    private long newSessionId() {
        long id;
        do {
            id = random.nextLong();
        } while (id == 0);
        return id;
    }

    /**
     * Appends an entry; once it has committed and been applied here, the state is complete for the
     * term read before the append (the entry's own term is that or later): {@link TermGate}.
     */
    private CompletableFuture<byte[]> append(byte[] entry) {
        RaftMember m = member;
        if (m == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("starting"));
        }
        long term = m.term();
        return m.append(entry).thenApply(replies -> {
            termGate.ownEntryApplied(term);
            return replies;
        });
    }

    public boolean isLeader() {
        RaftMember m = member;
        return m != null && m.isLeader();
    }

    /** Leader, and an entry of its term has committed: its state holds everything its predecessors committed. */
    public boolean leadershipConfirmed() {
        return confirmedLeadership == leadership && isLeader();
    }

    /** Appends a command of this replica's own (no client waits for it); refused unless leader. */
    private void appendCommand(Command command) {
        sequencer.submit(command, null, WireMessage.NO_CONID);
        sequencer.drain();
    }

    private static String describe(GroupRole role) {
        return switch (role.type()) {
            case PLAIN -> "a GTM group";
            case SUBCLUSTER -> "sub-cluster " + role.subcluster().name() + ", G-GTM at " + role.subcluster().ggtm();
            case GGTM -> "the G-GTM";
        };
    }

    private String notLeaderText() {
        RaftMember m = member;
        String leader = m == null ? null : m.leaderId();
        return "mgtm replica " + config.raft().raftId() + " is not the leader"
                + (leader == null ? " (no leader is known)" : "; the leader is " + leader + " at "
                + hostOf(leader) + ":" + config.clientPort());
    }

    private String hostOf(String memberId) {
        return config.raft().members().stream().filter(m -> m.id().equals(memberId)).map(Member::host)
                .findFirst().orElse("?");
    }

    /** Runs on the engine's thread: keep it short. */
    private void roleChanged(Role role, long term, String leaderId) {
        log.info("role change: {} is now {} in term {} (leader {}) at {}", config.raft().raftId(), role, term,
                leaderId, Instant.now());
        metrics.roleChanged(role);
        long generation = ++leadership;
        if (role == Role.Leader) {
            System.out.println("I'm LEADER!!!!");
            System.out.flush();
            expiry.newLeadership();
            timer.execute(() -> leadershipTasks(generation));
        } else {
            // Whatever this replica had not committed can no longer be confirmed by it.
            sequencer.leadershipLost();
            termGate.leadershipLost();
            if (clientInitializer != null) {
                clientInitializer.closeAll();
            }
            internalChannels.close();
        }
    }

    /**
     * What a new leader does first. The role can change while the channel is still connecting, before
     * {@link #member} is set, when nothing can be appended yet: wait for it.
     */
    private void leadershipTasks(long generation) {
        if (leadership != generation || timer.isShutdown()) {
            return;
        }
        if (member == null) {
            timer.schedule(() -> leadershipTasks(generation), 20, TimeUnit.MILLISECONDS);
            return;
        }
        confirmLeadership(generation);
        raiseToStartGxid();
    }

    /**
     * Commits a {@link Command.NewTerm} entry in the new term. jgroups-raft appends no entry on election,
     * and a new leader applies what its predecessor committed only once the commit index reaches it;
     * until an entry of its own term has committed, its state may lack sessions that clients resume,
     * and it answers no read from its state ({@link TermGate}).
     */
    private void confirmLeadership(long generation) {
        if (leadership != generation || !isLeader() || timer.isShutdown()) {
            return;
        }
        append(BatchStateMachine.encode(List.of(CommandCodec.encode(new Command.NewTerm(member.term())))))
                .orTimeout(config.appendTimeoutMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((reply, failure) -> {
                    if (failure == null) {
                        if (leadership == generation) {
                            confirmedLeadership = generation;
                        }
                    } else if (!timer.isShutdown()) {
                        timer.schedule(() -> confirmLeadership(generation), 100, TimeUnit.MILLISECONDS);
                    }
                });
    }

    private void raiseToStartGxid() {
        int start = config.startGxid();
        if (start != 0 && Gxids.follows(start, core.nextGxid())) {
            log.info("raising the GXID counter from {} to the start GXID {}", Gxids.toString(core.nextGxid()),
                    Gxids.toString(start));
            sequencer.submit(new Command.RaiseNextGxid(start), null, WireMessage.NO_CONID);
            sequencer.drain();
        }
    }

    private void expireSessions() {
        try {
            if (!isLeader()) {
                return;
            }
            expiry.tick(core.knownSessions(), System.nanoTime(), session -> {
                log.info("session {} has been away for over {} ms: ending it and its transactions",
                        Long.toUnsignedString(session, 16), config.sessionTimeoutMillis());
                sequencer.submit(new Command.EndSession(session), null, WireMessage.NO_CONID);
            });
            sequencer.drain();
        } catch (RuntimeException e) {
            log.error("session expiry round failed", e);
        }
    }

    public RaftMember member() {
        return member;
    }

    public ReplicatedCore core() {
        return core;
    }

    public ReplicatedSequencer sequencer() {
        return sequencer;
    }

    public ReplicaConfig config() {
        return config;
    }

    public GroupRole role() {
        return role;
    }

    /** Sub-cluster mode's part of the status document; null in other roles. */
    java.util.Map<String, Object> subclusterStatus() {
        return subclusterDuties == null ? null : subclusterDuties.status();
    }

    public ReplicaMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        if (subclusterDuties != null) {
            subclusterDuties.close();
        }
        metrics.close();
        if (clientListener != null) {
            clientListener.close().awaitUninterruptibly();
        }
        if (internalListener != null) {
            internalListener.close().awaitUninterruptibly();
        }
        if (member != null) {
            member.close();
        }
        if (workers != null) {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
        if (boss != null) {
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
        if (dataDirLock != null) {
            try {
                dataDirLock.close();
            } catch (IOException e) {
                log.warn("releasing the data directory lock failed: {}", e.toString());
            }
        }
    }

    /** Reads answered from the applied state after a leadership check (docs/decisions/0008). */
    private final class Reads implements ReplicatedSequencer.LeaderReads {
        @Override
        public boolean mayAnswerFromState(Command.Client read) {
            return read.requestNo() <= 0 || core.knowsSession(read.session());
        }

        @Override
        public CompletableFuture<?> confirm() {
            RaftMember m = member;
            if (m == null) {
                return CompletableFuture.failedFuture(new IllegalStateException("starting"));
            }
            return m.confirmLeadership().thenCompose(termGate::whenComplete);
        }

        @Override
        public List<Response> answer(List<Request> reads) {
            return core.read(reads);
        }
    }

    /** What the internal-protocol handlers see of this replica. */
    private final class ReplicaView implements InternalConnectionHandler.Replica {
        public boolean isLeader() {
            return ReplicaServer.this.isLeader();
        }

        public long term() {
            RaftMember m = member;
            return m == null ? 0 : m.term();
        }

        public String memberId() {
            return config.raft().raftId();
        }

        public ServerMessage.NotLeader notLeader() {
            RaftMember m = member;
            String leader = m == null ? null : m.leaderId();
            if (leader == null) {
                return ServerMessage.NotLeader.unknown(term());
            }
            return new ServerMessage.NotLeader(term(), leader, hostOf(leader) + ":" + config.internalPort());
        }

        public InternalConnectionHandler.SessionState session(long session) {
            // Read the confirmation first: a state read after it includes everything committed before the term.
            boolean complete = confirmedLeadership == leadership;
            for (long s : core.knownSessions()) {
                if (s == session) {
                    return InternalConnectionHandler.SessionState.KNOWN;
                }
            }
            return complete ? InternalConnectionHandler.SessionState.ENDED
                    : InternalConnectionHandler.SessionState.NOT_YET;
        }

        public String statusJson() {
            return ReplicaStatus.json(ReplicaServer.this);
        }

        public boolean sessionsFull() {
            return core.knownSessions().length >= config.maxSessions();
        }
    }
}
