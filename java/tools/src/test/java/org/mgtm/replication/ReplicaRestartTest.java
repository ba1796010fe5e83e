package org.mgtm.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.EventLoopGroup;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mgtm.client.LeaderClient;
import org.mgtm.core.Gxids;
import org.mgtm.net.Transport;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.SequenceKey;
import org.mgtm.protocol.TxnRef;

/**
 * The whole group stopped (SIGTERM) and started again: GXIDs go on above every one ever acknowledged,
 * the sequence goes on, and a prepared transaction survives and can be committed by GXID afterwards.
 */
class ReplicaRestartTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void stoppingAndRestartingAllReplicasLosesNothing() throws Exception {
        EventLoopGroup io = Transport.newGroup(1, "reptest-restart");
        try (ReplicaGroupProcess group = ReplicaGroupProcess.start("restart-all", 3)) {
            long maxGxid;
            long maxValue;
            int prepared;
            try (LoadDriver load = new LoadDriver(group, 4)) {
                assertTrue(load.awaitAcksAfter(Long.MIN_VALUE, 800, 30_000), "no load");
                load.stop();
                load.assertNoFailures();
                load.assertHistory();
                maxGxid = load.gxids().stream().mapToLong(LoadDriver.Grant::value).max().orElseThrow();
                maxValue = load.values().stream().mapToLong(LoadDriver.Grant::value).max().orElseThrow();
            }
            try (LeaderClient c = group.leaderClient(io, 10_000, "reptest-prepare")) {
                prepared = ((Response.BeginGxid) call(c, new Request.TxnBeginGetGxid(1, false))).gxid();
                assertInstanceOf(Response.Prepared.class,
                        call(c, new Request.TxnPrepare(TxnRef.gxid(prepared), List.of(1, 2))));
                // An open transaction of this session ends with it (END_SESSION at close); the prepared one stays.
                call(c, new Request.TxnBeginGetGxid(1, false));
            }
            assertTrue(Integer.toUnsignedLong(prepared) > maxGxid);
            maxGxid = Integer.toUnsignedLong(prepared) + 1;

            for (int i = 0; i < 3; i++) {
                assertEquals(0, group.stop(i), group.member(i) + " did not exit cleanly:\n"
                        + group.tail(group.member(i)));
            }
            for (int i = 0; i < 3; i++) {
                group.launch(i);
            }
            for (int i = 0; i < 3; i++) {
                group.awaitRunning(i, 60_000);
            }
            group.awaitLeader(30_000);

            try (LeaderClient c = group.leaderClient(io, 10_000, "reptest-after-restart")) {
                int first = ((Response.BeginGxid) call(c, new Request.TxnBeginGetGxid(1, false))).gxid();
                assertTrue(Integer.toUnsignedLong(first) > maxGxid, "GXID " + Integer.toUnsignedString(first)
                        + " after the restart is not above " + maxGxid + ", the last handed out before");
                long value = ((Response.SequenceValue) call(c,
                        new Request.SequenceGetNext(SequenceKey.of(LoadDriver.SEQUENCE)))).value();
                assertTrue(value > maxValue, "sequence value " + value + " after the restart, " + maxValue + " before");
                Response all = call(c, new Request.TxnGetAllPrepared());
                assertEquals(List.of(prepared), ((Response.AllPrepared) all).gxids(), "prepared after the restart");
                Response committed = call(c, new Request.TxnCommit(TxnRef.gxid(prepared)));
                assertInstanceOf(Response.Ended.class, committed, "commit of the prepared transaction");
                assertEquals(List.of(), ((Response.AllPrepared) call(c, new Request.TxnGetAllPrepared())).gxids());
                call(c, new Request.TxnCommit(TxnRef.gxid(first)));
            }
            List<JsonNode> statuses = group.awaitConverged(15_000, 0, 1, 2);
            for (JsonNode s : statuses) {
                assertTrue(Gxids.follows(Integer.parseUnsignedInt(s.path("nextGxid").asText()), (int) maxGxid),
                        "next GXID " + s.path("nextGxid").asText() + " of " + s.path("member").asText());
                assertEquals(0, s.path("preparedTransactions").asInt());
                assertEquals(0, s.path("openTransactions").asInt());
            }
        } finally {
            io.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    static Response call(LeaderClient c, Request r) throws Exception {
        return c.submit(-1, r).get(15, TimeUnit.SECONDS);
    }
}
