package org.mgtm.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgtm.client.GtmClient;
import org.mgtm.core.Gxids;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.Snapshot;
import org.mgtm.protocol.TxnRef;

/**
 * A standalone mgtm killed with SIGKILL at any moment restarts without handing out a GXID twice,
 * with every sequence value and every prepared transaction it acknowledged; --start-gxid is obeyed
 * but never moves the counter back.
 */
class CrashRecoveryTest {
    private static final String HOST = "127.0.0.1";

    @Test
    void killNineNeverRepeatsAGxidAndKeepsSequencesAndPreparedTransactions(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        int port = ServerProcess.freePort();
        Set<Integer> handedOut = new HashSet<>();
        int lastGxid = 0;
        long lastValue = 0;
        int prepared;
        // A small reserve chunk makes the reservation move several times in each life.
        try (ServerProcess server = ServerProcess.start(HOST, port, data, "-x", "1000", "--reserve-chunk", "10")) {
            try (GtmClient client = GtmClient.connect(HOST, port)) {
                client.createSequence("db.public.s1", 1, 1, Long.MAX_VALUE - 1, 1, false);
                for (int i = 0; i < 25; i++) {
                    lastGxid = begin(client, handedOut, lastGxid);
                    lastValue = client.nextval("db.public.s1");
                }
                prepared = client.beginGxid();
                handedOut.add(prepared);
                Response ok = client.call(new Request.TxnPrepare(TxnRef.gxid(prepared), List.of(1, 2)));
                assertInstanceOf(Response.Prepared.class, ok);
                assertEquals(1000, Integer.min(prepared, handedOut.stream().min(Integer::compare).orElseThrow()));
            }
            server.kill9();
        }
        for (int life = 0; life < 3; life++) {
            try (ServerProcess server = ServerProcess.start(HOST, port, data)) {
                try (GtmClient client = GtmClient.connect(HOST, port)) {
                    int first = client.beginGxid();
                    assertTrue(handedOut.add(first), "GXID " + first + " handed out twice after a crash");
                    assertTrue(Gxids.follows(first, lastGxid), first + " must follow " + lastGxid);
                    lastGxid = first;
                    long value = client.nextval("db.public.s1");
                    assertEquals(lastValue + 1, value, "the sequence goes on where it was");
                    lastValue = value;
                    Response all = client.call(new Request.TxnGetAllPrepared());
                    assertEquals(List.of(prepared), ((Response.AllPrepared) all).gxids());
                    Snapshot snapshot = client.snapshot(first);
                    assertTrue(contains(snapshot, prepared), "the prepared transaction is still running: " + snapshot);
                    for (int i = 0; i < 15; i++) {
                        lastGxid = begin(client, handedOut, lastGxid);
                        lastValue = client.nextval("db.public.s1");
                    }
                }
                server.kill9();
            }
        }
        try (ServerProcess server = ServerProcess.start(HOST, port, data);
             GtmClient client = GtmClient.connect(HOST, port)) {
            client.commit(prepared);
            assertEquals(List.of(), ((Response.AllPrepared) client.call(new Request.TxnGetAllPrepared())).gxids());
            assertEquals(0, server.stop(), "a clean stop exits 0");
        }
    }

    @Test
    void startGxidRaisesButNeverLowersTheCounter(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        int port = ServerProcess.freePort();
        int before;
        try (ServerProcess server = ServerProcess.start(HOST, port, data, "-x", "5000");
             GtmClient client = GtmClient.connect(HOST, port)) {
            assertEquals(5000, client.beginGxid());
            before = client.beginGxid();
            server.kill9();
        }
        try (ServerProcess server = ServerProcess.start(HOST, port, data, "-x", "1000");
             GtmClient client = GtmClient.connect(HOST, port)) {
            int after = client.beginGxid();
            assertTrue(Gxids.follows(after, before), "-x 1000 must not move the counter back below " + before);
            assertTrue(server.output().contains("start GXID 1000 is below"), server.output());
            server.stop();
        }
        try (ServerProcess server = ServerProcess.start(HOST, port, data, "-x", "9000000");
             GtmClient client = GtmClient.connect(HOST, port)) {
            assertEquals(9_000_000, client.beginGxid());
            server.stop();
        }
    }

    private static int begin(GtmClient client, Set<Integer> handedOut, int previous) {
        int gxid = client.beginGxid();
        assertTrue(handedOut.add(gxid), "GXID " + gxid + " handed out twice");
        assertTrue(previous == 0 || Gxids.follows(gxid, previous));
        client.commit(gxid);
        return gxid;
    }

    private static boolean contains(Snapshot s, int gxid) {
        for (int i = 0; i < s.xcnt(); i++) {
            if (s.xipAt(i) == gxid) {
                return true;
            }
        }
        return false;
    }
}
