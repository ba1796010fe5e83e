package org.mgtm.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.EventLoopGroup;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mgtm.client.ClientOptions;
import org.mgtm.client.GtmConnection;
import org.mgtm.client.LeaderClient;
import org.mgtm.net.Transport;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.Snapshot;
import org.mgtm.protocol.TxnRef;

/**
 * Reads answered from the leader's state without the log (docs/decisions/0008) still see every write
 * acknowledged before they were asked, whichever connection it came from.
 */
class ReplicaReadsTest {
    private static final int ROUNDS = 200;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aSnapshotAskedAfterACommitWasAcknowledgedOnAnotherConnectionSeesIt() throws Exception {
        EventLoopGroup io = Transport.newGroup(1, "reads-test");
        try (ReplicaGroupProcess group = ReplicaGroupProcess.start("reads", 3);
             LeaderClient session = group.leaderClient(io, 20_000, "reads-session")) {
            int leader = group.awaitLeader(30_000);
            try (GtmConnection writer = connect(io, group, leader);
                 GtmConnection reader = connect(io, group, leader)) {
                int mine = gxid(reader.request(new Request.TxnBeginGetGxid(1, false)).get(10, TimeUnit.SECONDS));
                // The session's first request is a write: the group records the session with it, and its
                // reads are answered without the log from then on.
                Response first = session.submit(-1, new Request.TxnBeginGetGxid(1, false)).get(10, TimeUnit.SECONDS);
                assertInstanceOf(Response.BeginGxid.class, first);
                JsonNode before = group.status(leader);
                for (int i = 0; i < ROUNDS; i++) {
                    int g = gxid(writer.request(new Request.TxnBeginGetGxid(1, false)).get(10, TimeUnit.SECONDS));
                    // Begun (acknowledged) on the writer's connection: running for everyone else.
                    Response status = reader.request(new Request.TxnGetStatus(TxnRef.gxid(g))).get(10, TimeUnit.SECONDS);
                    assertEquals(new Response.TxnStatus(g, 0), status, "the status of a transaction just begun");
                    Response committed = writer.request(new Request.TxnCommit(TxnRef.gxid(g))).get(10, TimeUnit.SECONDS);
                    assertInstanceOf(Response.Ended.class, committed);
                    // Asked after the commit was acknowledged: committed for everyone.
                    assertSees(g, snapshot(reader.request(snapshotOf(mine)).get(10, TimeUnit.SECONDS)), "XC");
                    assertSees(g, snapshot(session.submit(-1, snapshotOf(mine)).get(10, TimeUnit.SECONDS)), "session");
                }
                JsonNode after = group.status(leader);
                assertEquals(leader, group.awaitLeader(30_000), "the leader changed during the test");
                long logged = after.path("logCommands").asLong() - before.path("logCommands").asLong();
                long reads = counter(after, before, "readsOnRounds") + counter(after, before, "readsWithEntries");
                System.out.printf("%d begins and commits went through the log as %d commands; %d reads were answered "
                                + "without it (%d in %d check rounds)%n", ROUNDS, logged, reads,
                        counter(after, before, "readsOnRounds"), counter(after, before, "checkRounds"));
                assertEquals(2L * ROUNDS, logged, "only the writes go through the log");
                assertEquals(3L * ROUNDS, reads, "every status and snapshot is answered without the log");
            }
        } finally {
            io.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private static GtmConnection connect(EventLoopGroup io, ReplicaGroupProcess group, int member) throws Exception {
        return GtmConnection.connect(io, group.member(member).xcAddress(), ClientOptions.BACKEND).get(10, TimeUnit.SECONDS);
    }

    private static Request snapshotOf(int gxid) {
        return new Request.SnapshotGet(true, TxnRef.gxid(gxid));
    }

    private static int gxid(Response r) {
        return assertInstanceOf(Response.BeginGxid.class, r, () -> "answer: " + r).gxid();
    }

    private static Snapshot snapshot(Response r) {
        return assertInstanceOf(Response.SnapshotResult.class, r, () -> "answer: " + r).snapshot();
    }

    /** The committed GXID is below xmax and not listed as running (invariants 3 and 4). */
    private static void assertSees(int committed, Snapshot s, String via) {
        assertTrue(Integer.compareUnsigned(committed, s.xmax()) < 0, via + ": " + committed + " not below xmax in " + s);
        assertFalse(Arrays.stream(s.xip()).anyMatch(x -> x == committed), via + ": " + committed + " still running in " + s);
    }

    private static long counter(JsonNode after, JsonNode before, String name) {
        return after.path(name).asLong() - before.path(name).asLong();
    }
}
