package org.mgtm.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.mgtm.client.CrossTransactions;
import org.mgtm.client.LeaderClient;
import org.mgtm.client.LeaderClientSettings;
import org.mgtm.client.Member;
import org.mgtm.core.CoreLimits;
import org.mgtm.core.Gxids;
import org.mgtm.net.ClientAllowlist;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.Snapshot;
import org.mgtm.protocol.TxnRef;
import org.mgtm.protocol.WireFormat;
import org.mgtm.protocol.subcluster.SubclusterRequest;
import org.mgtm.protocol.subcluster.SubclusterResponse;
import org.mgtm.replication.engine.RaftSettings;
import org.mgtm.testing.FreePorts;

/**
 * A G-GTM and two sub-cluster groups A and B in this JVM, one member each (127.0.0.111, .114, .117), small
 * ranges: GXIDs come from leased ranges that the leader renews ahead of exhaustion; cross-sub-cluster
 * transactions register, commit with two-phase ordering and are visible in both; a coordinator that vanishes
 * between the phases is finished by the resolver as the G-GTM decided; with the G-GTM away a group serves
 * from its leases and says so, and refuses begins only once they are used up.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SubclusterGroupsTest {
    static final String SECRET = "subcluster-test";
    static final List<String> HOSTS = List.of("127.0.0.111", "127.0.0.114", "127.0.0.117");
    static final int RANGE = 100;
    static Path dir;
    static int raftPort;
    static int xcPort;
    static int internalPort;
    static ReplicaServer ggtm;
    static ReplicaServer groupA;
    static ReplicaServer groupB;
    static LeaderClient a;
    static LeaderClient b;
    static LeaderClient g;
    static CrossTransactions cross;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("subcluster-test");
        raftPort = FreePorts.pick(HOSTS, 100, 101);
        xcPort = FreePorts.pick(HOSTS);
        internalPort = FreePorts.pick(HOSTS);
        ggtm = startMember("ggtm1", "127.0.0.111", GroupRole.GGTM);
        groupA = startMember("a1", "127.0.0.114", GroupRole.subcluster(settings("A", 1000)));
        groupB = startMember("b1", "127.0.0.117", GroupRole.subcluster(settings("B", 5000)));
        a = client("127.0.0.114");
        b = client("127.0.0.117");
        g = client("127.0.0.111");
        cross = new CrossTransactions(Map.of("A", CrossTransactions.Endpoint.of(a), "B", CrossTransactions.Endpoint.of(b)),
                CrossTransactions.Endpoint.of(g));
    }

    static GroupRole.SubclusterSettings settings(String name, int startGxid) {
        return new GroupRole.SubclusterSettings(name, List.of(new InetSocketAddress("127.0.0.111", internalPort)), SECRET,
                RANGE, RANGE / 2, 1000, startGxid);
    }

    static ReplicaServer startMember(String id, String host, GroupRole role) throws Exception {
        List<Member> members = List.of(new Member(id, host, raftPort));
        RaftSettings raft = RaftSettings.builder().raftId(id).members(members).dataDir(dir.resolve(id)).fsync(false)
                .secret(SECRET).build();
        ReplicaServer server = ReplicaServer.start(new ReplicaConfig(raft, xcPort, internalPort, 0, WireFormat.DEFAULT,
                CoreLimits.DEFAULT, 1, 100, ClientAllowlist.parse(ClientAllowlist.LOOPBACK), 10_000, 5000, 4), role);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!server.leadershipConfirmed() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertTrue(server.leadershipConfirmed(), id + " never led");
        return server;
    }

    static LeaderClient client(String host) {
        return LeaderClient.start(LeaderClientSettings.of(List.of(new InetSocketAddress(host, internalPort)), SECRET)
                .withRequestDeadlineMillis(10_000));
    }

    @AfterAll
    static void stop() throws IOException {
        for (LeaderClient c : new LeaderClient[] {a, b, g}) {
            if (c != null) {
                c.close();
            }
        }
        for (ReplicaServer s : new ReplicaServer[] {groupA, groupB, ggtm}) {
            if (s != null) {
                s.close();
            }
        }
        if (dir != null) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    static Response call(LeaderClient c, Request r) throws Exception {
        return c.submit(-1, r).get(15, TimeUnit.SECONDS);
    }

    static int begin(LeaderClient c) throws Exception {
        Response r = call(c, new Request.TxnBeginGetGxid(1, false));
        return assertInstanceOf(Response.BeginGxid.class, r, r::toString).gxid();
    }

    static Snapshot snapshot(LeaderClient c, int gxid) throws Exception {
        return assertInstanceOf(Response.SnapshotResult.class, call(c, new Request.SnapshotGet(false, TxnRef.gxid(gxid))))
                .snapshot();
    }

    static JsonNode status(ReplicaServer s) throws IOException {
        return new ObjectMapper().readTree(ReplicaStatus.json(s));
    }

    @Test
    @Order(1)
    void gxidsComeFromLeasedRangesRenewedAheadOfExhaustion() throws Exception {
        List<Integer> seen = new ArrayList<>();
        for (int i = 0; i < 5 * RANGE; i++) {
            int gx = begin(a);
            seen.add(gx);
            assertInstanceOf(Response.Ended.class, call(a, new Request.TxnCommit(TxnRef.gxid(gx))));
            // Below the low-water mark the leader asks for the next range: it is recorded while GXIDs are still
            // leased (the client waits here holding them, so the keeper's pace, not the client's, is tested).
            if (status(groupA).path("subcluster").path("leasedRemaining").asLong() < RANGE / 2) {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                long left;
                while ((left = status(groupA).path("subcluster").path("leasedRemaining").asLong()) < RANGE / 2
                        && System.nanoTime() < end) {
                    assertTrue(left > 0, "the leases ran out before the next range was recorded");
                    Thread.sleep(5);
                }
                assertTrue(left >= RANGE / 2, "no range recorded below the low-water mark: " + left + " left");
            }
        }
        for (int i = 1; i < seen.size(); i++) {
            assertTrue(Gxids.follows(seen.get(i), seen.get(i - 1)), "GXIDs grow: " + seen.get(i - 1) + " then " + seen.get(i));
        }
        assertTrue(Integer.toUnsignedLong(seen.get(0)) >= 1000, "the start GXID holds: " + seen.get(0));
        JsonNode grants = status(ggtm).path("ggtm").path("recentGrants");
        assertTrue(grants.size() >= 5, grants.toString());
        // Every GXID handed out lies in a range the G-GTM granted to A; ranges are disjoint.
        List<long[]> ranges = new ArrayList<>();
        for (JsonNode r : grants) {
            long first = r.path("first").asLong();
            long last = r.path("last").asLong();
            for (long[] o : ranges) {
                assertTrue(last < o[0] || first > o[1], "ranges overlap: " + grants);
            }
            ranges.add(new long[] {first, last, r.path("subcluster").asText().equals("A") ? 1 : 0});
        }
        for (int gx : seen) {
            assertTrue(ranges.stream().anyMatch(r -> r[2] == 1 && Integer.toUnsignedLong(gx) >= r[0]
                    && Integer.toUnsignedLong(gx) <= r[1]), "gxid " + gx + " outside A's ranges " + grants);
        }
        JsonNode sub = status(groupA).path("subcluster");
        assertTrue(sub.path("ggtm").asText().startsWith("reachable"), sub.toString());
        assertTrue(sub.path("leasedRemaining").asLong() >= RANGE / 2, "renewed ahead: " + sub);
    }

    @Test
    @Order(2)
    void crossTransactionsRegisterAndCommitInBoth() throws Exception {
        for (int i = 0; i < 20; i++) {
            String home = i % 2 == 0 ? "A" : "B";
            LeaderClient homeClient = home.equals("A") ? a : b;
            LeaderClient other = home.equals("A") ? b : a;
            CrossTransactions.Txn t = cross.begin(home, List.of(home.equals("A") ? "B" : "A")).get(20, TimeUnit.SECONDS);
            // Running in both: listed, or at or above xmax.
            for (LeaderClient c : List.of(homeClient, other)) {
                Snapshot s = snapshot(c, t.gxid());
                assertTrue(listedOrAbove(s, t.gxid()), "running " + t.gxid() + " visible in " + s);
            }
            CrossTransactions.Outcome o = cross.commit(t).get(20, TimeUnit.SECONDS);
            assertTrue(o.committed() && o.decided());
            // Committed in both: a snapshot asked now sees it finished.
            int probeA = begin(a);
            int probeB = begin(b);
            assertTrue(finished(snapshot(a, probeA), t.gxid()), "committed " + t.gxid() + " not visible in A");
            assertTrue(finished(snapshot(b, probeB), t.gxid()), "committed " + t.gxid() + " not visible in B");
            call(a, new Request.TxnCommit(TxnRef.gxid(probeA)));
            call(b, new Request.TxnCommit(TxnRef.gxid(probeB)));
        }
        assertEquals(0, status(ggtm).path("ggtm").path("decisionsHeld").asInt(), "decisions forgotten");
    }

    @Test
    @Order(3)
    void theResolverFinishesWhatACoordinatorLeftPrepared() throws Exception {
        CrossTransactions.Txn t = cross.begin("A", List.of("B")).get(20, TimeUnit.SECONDS);
        assertInstanceOf(Response.Prepared.class, call(a, new SubclusterRequest.PrepareCross(t.gxid())));
        assertInstanceOf(Response.Prepared.class, call(b, new SubclusterRequest.PrepareCross(t.gxid())));
        assertEquals(new SubclusterResponse.Decision(t.gxid(), true), call(g, new SubclusterRequest.Decide(t.gxid(), true)));
        assertInstanceOf(Response.Ended.class, call(a, new Request.TxnCommit(TxnRef.gxid(t.gxid()))));
        // The coordinator is gone: B's resolver asks the G-GTM after resolve_after_ms and commits as decided.
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < end && status(groupB).path("subcluster").path("crossPrepared").asInt() > 0) {
            Thread.sleep(100);
        }
        assertEquals(0, status(groupB).path("subcluster").path("crossPrepared").asInt());
        assertEquals(1, status(groupB).path("subcluster").path("resolvedCommit").asInt());
        int probe = begin(b);
        assertTrue(finished(snapshot(b, probe), t.gxid()));
        // Undecided: a coordinator that vanished before deciding gets an abort.
        CrossTransactions.Txn u = cross.begin("B", List.of("A")).get(20, TimeUnit.SECONDS);
        call(a, new SubclusterRequest.PrepareCross(u.gxid()));
        end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < end && status(groupA).path("subcluster").path("crossPrepared").asInt() > 0) {
            Thread.sleep(100);
        }
        assertEquals(1, status(groupA).path("subcluster").path("resolvedAbort").asInt());
        assertEquals(new SubclusterResponse.Decision(u.gxid(), false), call(g, new SubclusterRequest.Decide(u.gxid(), true)),
                "the coordinator coming back learns the abort");
    }

    @Test
    @Order(4)
    void withoutTheGgtmAGroupServesFromItsLeasesThenRefuses() throws Exception {
        ggtm.close();
        ggtm = null;
        int served = 0;
        String refusal = null;
        for (int i = 0; i < 3 * RANGE && refusal == null; i++) {
            Response r = call(a, new Request.TxnBeginGetGxid(1, false));
            if (r instanceof Response.BeginGxid bg) {
                served++;
                call(a, new Request.TxnCommit(TxnRef.gxid(bg.gxid())));
            } else {
                refusal = assertInstanceOf(Response.Error.class, r).message();
            }
            if (i == 5) {
                // A range request times out (2 s): the group then knows the G-GTM is away, and serves on.
                long away = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (System.nanoTime() < away && !status(groupA).path("subcluster").path("ggtm").asText()
                        .startsWith("UNREACHABLE: serving")) {
                    Thread.sleep(50);
                }
                assertTrue(status(groupA).path("subcluster").path("ggtm").asText().startsWith("UNREACHABLE: serving"),
                        status(groupA).path("subcluster").toString());
            }
        }
        assertTrue(served >= RANGE / 2, "served " + served + " from the leases");
        assertTrue(refusal != null && refusal.contains("no leased GXIDs"), refusal);
        // The G-GTM comes back (same data): the group gets a range again and serves.
        ggtm = startMember("ggtm1", "127.0.0.111", GroupRole.GGTM);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Response r;
        do {
            Thread.sleep(100);
            r = call(a, new Request.TxnBeginGetGxid(1, false));
        } while (!(r instanceof Response.BeginGxid) && System.nanoTime() < end);
        assertInstanceOf(Response.BeginGxid.class, r);
    }

    static boolean listedOrAbove(Snapshot s, int gxid) {
        if (!Gxids.precedes(gxid, s.xmax())) {
            return true;
        }
        for (int x : s.xip()) {
            if (x == gxid) {
                return true;
            }
        }
        return false;
    }

    static boolean finished(Snapshot s, int gxid) {
        return !listedOrAbove(s, gxid);
    }
}
