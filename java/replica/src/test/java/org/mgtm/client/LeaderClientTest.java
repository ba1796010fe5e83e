package org.mgtm.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mgtm.core.CoreLimits;
import org.mgtm.net.ClientAllowlist;
import org.mgtm.net.Transport;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.TxnRef;
import org.mgtm.protocol.WireFormat;
import org.mgtm.protocol.internal.ErrorCode;
import org.mgtm.protocol.internal.InternalFormat;
import org.mgtm.protocol.internal.ServerMessage;
import org.mgtm.replication.ReplicaConfig;
import org.mgtm.replication.ReplicaServer;
import org.mgtm.replication.engine.RaftSettings;
import org.mgtm.testing.FreePorts;

/**
 * {@link LeaderClient} against three in-process replicas on 127.0.0.11-13, with a {@link TcpForwarder}
 * in front of the leader where a fault is needed: redirects, exactly-once resubmission after a
 * connection went silent, the request deadline, an expired session, and END_SESSION at close.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LeaderClientTest {
    static final String SECRET = "leader-client-test";
    static final List<String> HOSTS = List.of("127.0.0.11", "127.0.0.12", "127.0.0.13");
    static final long SESSION_TIMEOUT_MILLIS = 1500;
    static final List<ReplicaServer> replicas = new ArrayList<>();
    static EventLoopGroup io;
    static int internalPort;
    static Path dataDir;

    @BeforeAll
    static void startGroup() throws Exception {
        io = Transport.newGroup(1, "leader-client-test");
        Path dir = Files.createTempDirectory("leader-client-test");
        dataDir = dir;
        int raftPort = FreePorts.pick(HOSTS, 100, 101);
        int xcPort = FreePorts.pick(HOSTS);
        internalPort = FreePorts.pick(HOSTS);
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            members.add(new Member("lc" + (i + 1), "127.0.0." + (11 + i), raftPort));
        }
        for (Member m : members) {
            RaftSettings raft = RaftSettings.builder().raftId(m.id()).members(members).dataDir(dir.resolve(m.id()))
                    .fsync(false).secret(SECRET).build();
            replicas.add(ReplicaServer.start(new ReplicaConfig(raft, xcPort, internalPort, 1000, WireFormat.DEFAULT,
                    CoreLimits.DEFAULT, 1, 100, ClientAllowlist.parse(ClientAllowlist.LOOPBACK),
                    SESSION_TIMEOUT_MILLIS, 5000, 4)));
        }
        leader();
    }

    @AfterAll
    static void stopGroup() throws IOException {
        replicas.forEach(ReplicaServer::close);
        io.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        if (dataDir != null) {
            try (var paths = Files.walk(dataDir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    static ReplicaServer leader() throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            for (ReplicaServer r : replicas) {
                if (r.isLeader()) {
                    return r;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no leader");
    }

    static InetSocketAddress internal(ReplicaServer r) {
        return new InetSocketAddress(r.config().host(), internalPort);
    }

    /** Fast fault detection: ping every 100 ms, a connection silent for 600 ms is dropped. */
    static LeaderClientSettings settings(List<InetSocketAddress> members, long deadlineMillis) {
        return new LeaderClientSettings(members, SECRET, "leader-client-test", InternalFormat.DEFAULT, deadlineMillis,
                500, 1000, 10, 100, 100, 600);
    }

    static int begin(LeaderClient c) throws Exception {
        Response r = c.submit(-1, new Request.TxnBeginGetGxid(1, false)).get(10, TimeUnit.SECONDS);
        return assertInstanceOf(Response.BeginGxid.class, r).gxid();
    }

    static void commit(LeaderClient c, int gxid) throws Exception {
        assertInstanceOf(Response.Ended.class,
                c.submit(-1, new Request.TxnCommit(TxnRef.gxid(gxid))).get(10, TimeUnit.SECONDS));
    }

    @Test
    void followsNotLeaderFromAFollowerToTheLeader() throws Exception {
        ReplicaServer leader = leader();
        // Only the followers are listed: the leader is reachable only through their NOT_LEADER.
        List<InetSocketAddress> followers = replicas.stream().filter(r -> r != leader)
                .map(LeaderClientTest::internal).toList();
        try (LeaderClient c = LeaderClient.start(io, settings(followers, 10_000))) {
            commit(c, begin(c));
            assertEquals(leader.config().raft().raftId(), c.leaderId());
            assertEquals(internal(leader).getPort(), c.leaderAddress().getPort());
            assertTrue(c.redirects() >= 1, "expected a NOT_LEADER from a follower");
            assertEquals(0, c.reconnects());
        }
    }

    @Test
    void aRequestWhoseReplyWasLostIsResubmittedAndAppliedOnce() throws Exception {
        try (TcpForwarder forwarder = new TcpForwarder("127.0.0.1", internal(leader()));
             LeaderClient c = LeaderClient.start(io, settings(List.of(forwarder.address()), 10_000))) {
            commit(c, begin(c));
            // The begin reaches the leader and applies; its reply (and every PONG) is lost.
            forwarder.silenceOpenConnections();
            CompletableFuture<Response> lost = c.submit(-1, new Request.TxnBeginGetGxid(1, false));
            int resubmitted = assertInstanceOf(Response.BeginGxid.class, lost.get(10, TimeUnit.SECONDS)).gxid();
            assertTrue(c.reconnects() >= 1 && c.resubmitted() >= 1,
                    "reconnects " + c.reconnects() + ", resubmitted " + c.resubmitted());
            // Applied twice, the begin would have used up a second GXID.
            int next = begin(c);
            assertEquals(resubmitted + 1, next, "the resubmitted begin was applied more than once");
            commit(c, resubmitted);
            commit(c, next);
        }
    }

    @Test
    void noLeaderWithinTheDeadlineFailsTheRequestWithUnknownOutcome() throws Exception {
        try (TcpForwarder forwarder = new TcpForwarder("127.0.0.1", internal(leader()));
             LeaderClient c = LeaderClient.start(io, settings(List.of(forwarder.address()), 800))) {
            // Connected first: a connection the forwarder is still setting up would escape the drop below.
            long connectDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!c.isConnected()) {
                assertTrue(System.nanoTime() < connectDeadline, "the client did not connect within 10 s");
                Thread.sleep(10);
            }
            forwarder.mode(TcpForwarder.Mode.REFUSE);
            forwarder.dropConnections();
            long start = System.nanoTime();
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> c.submit(-1, new Request.TxnBeginGetGxid(1, false)).get(10, TimeUnit.SECONDS));
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            GtmException failure = assertInstanceOf(GtmException.class, e.getCause());
            assertTrue(failure.isConnectionFailure(), failure.toString());
            // The deadline, not a refused connection, ended it: not before the deadline, and saying so.
            assertTrue(waited >= 700, "failed after " + waited + " ms, deadline 800 ms");
            assertTrue(failure.getMessage().contains("within 800 ms"), failure.getMessage());
            forwarder.mode(TcpForwarder.Mode.PASS);
            commit(c, begin(c));
        }
    }

    @Test
    void aSessionTheGroupExpiredFailsWhatWasPendingAndStartsAfresh() throws Exception {
        try (TcpForwarder forwarder = new TcpForwarder("127.0.0.1", internal(leader()));
             LeaderClient c = LeaderClient.start(io, settings(List.of(forwarder.address()), 20_000))) {
            int open = begin(c);
            long oldSession = c.sessionId();
            forwarder.mode(TcpForwarder.Mode.REFUSE);
            forwarder.dropConnections();
            CompletableFuture<Response> pending = c.submit(-1, new Request.TxnCommit(TxnRef.gxid(open)));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (Arrays.stream(leader().core().knownSessions()).anyMatch(s -> s == oldSession)) {
                assertTrue(System.nanoTime() < end, "the leader did not expire the session");
                Thread.sleep(50);
            }
            forwarder.mode(TcpForwarder.Mode.PASS);
            ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(10, TimeUnit.SECONDS));
            InternalConnection.Refused refused = assertInstanceOf(InternalConnection.Refused.class, e.getCause());
            assertEquals(ErrorCode.SESSION_EXPIRED, ((ServerMessage.Error) refused.reason()).code());
            assertFalse(refused.isConnectionFailure());
            assertEquals(1, c.expiredSessions());
            assertNotEquals(oldSession, c.sessionId());
            commit(c, begin(c));
        }
    }

    @Test
    void closeEndsTheSessionAndItsOpenTransactions() throws Exception {
        LeaderClient c = LeaderClient.start(io, settings(replicas.stream().map(LeaderClientTest::internal).toList(),
                10_000));
        begin(c);
        long session = c.sessionId();
        ReplicaServer leader = leader();
        assertTrue(Arrays.stream(leader.core().knownSessions()).anyMatch(s -> s == session));
        c.close();
        assertFalse(Arrays.stream(leader.core().knownSessions()).anyMatch(s -> s == session),
                "the session outlived close()");
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> c.submit(-1, new Request.TxnBeginGetGxid(1, false)).get(5, TimeUnit.SECONDS));
        assertTrue(((GtmException) e.getCause()).isConnectionFailure());
    }
}
