package org.mgtm.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mgtm.bench.BenchResult;
import org.mgtm.bench.BenchRun;
import org.mgtm.bench.BenchSettings;
import org.mgtm.client.ClientOptions;
import org.mgtm.client.GtmClient;
import org.mgtm.client.GtmConnection;
import org.mgtm.net.ClientAllowlist;
import org.mgtm.net.Transport;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.Snapshot;
import org.mgtm.protocol.TxnRef;
import org.mgtm.protocol.WireFormat;
import org.mgtm.server.GtmServer;
import org.mgtm.server.RawConnection;
import org.mgtm.server.TestServers;

/** mgtm_proxy in front of a standalone mgtm: grouping, the XC answer forms, backend disconnects. */
class ProxyGroupingTest {
    private GtmServer gtm;
    private EventLoopGroup upstreamLoop;
    private ProxyServer proxy;

    @BeforeEach
    void start() {
        gtm = TestServers.start(1000);
        upstreamLoop = Transport.newGroup(1, "test-upstream");
        GtmConnection link = GtmConnection.connect(upstreamLoop, gtm.boundAddress(), ClientOptions.PROXY_WORKER).join();
        try {
            proxy = ProxyServer.start("127.0.0.1", 0, WireFormat.DEFAULT, ClientAllowlist.parse(ClientAllowlist.LOOPBACK),
                    1, new XcUpstream(link), upstreamLoop.next());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        upstreamLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        gtm.close();
    }

    @Test
    void manyBackendsAreGroupedWithoutErrors() throws Exception {
        BenchSettings settings = new BenchSettings(proxy.boundAddress(), 24, 2, 5, false, 1, WireFormat.DEFAULT, false);
        BenchResult result = new BenchRun(settings, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8)).run();
        assertTrue(result.transactions() > 0);
        assertEquals(0, result.errors());
        assertTrue(proxy.stats().requestsPerUpstreamRequest() > 1.0,
                "backend requests per upstream request: " + proxy.stats().requestsPerUpstreamRequest());
        assertTrue(proxy.stats().multiRequests() < proxy.stats().groupedBackendRequests());
    }

    @Test
    void backendsGetTheXcProxyAnswerForms() {
        try (GtmClient backend = GtmClient.connect(proxy.boundAddress().getHostString(), proxy.boundAddress().getPort())) {
            int gxid = backend.beginGxid();
            assertEquals(1000, gxid);
            Snapshot s = backend.snapshot(gxid);
            assertEquals(gxid, s.xmin());
            Response commit = backend.call(new Request.TxnCommit(TxnRef.gxid(gxid)));
            // gtm_proxy's commit answer: the GXID and no status word.
            assertEquals(new Response.Ended(org.mgtm.protocol.ResultType.TXN_COMMIT, gxid, false, 0), commit);
            Response again = backend.call(new Request.TxnCommit(TxnRef.gxid(gxid)));
            assertEquals(new Response.Error(Response.ERROR2, "Transaction commit failed"), again);
            // Forwarded requests pass through: a sequence, created and used.
            backend.createSequence("db.public.s", 1, 1, 100, 7, false);
            assertEquals(7, backend.nextval("db.public.s"));
        }
    }

    @Test
    void aBackendThatLeavesMidTransactionHasItsTransactionEnded() throws Exception {
        String host = proxy.boundAddress().getHostString();
        int port = proxy.boundAddress().getPort();
        try (GtmClient stays = GtmClient.connect(host, port)) {
            GtmClient leaves = GtmClient.connect(host, port);
            int abandoned = leaves.beginGxid();
            int mine = stays.beginGxid();
            assertTrue(contains(stays.snapshot(mine), abandoned) || !isBelow(abandoned, stays.snapshot(mine)));
            leaves.abort(); // no 'X', no rollback: the connection just drops
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            Snapshot s;
            do {
                // A finished transaction becomes visible: the snapshot's xmax passes it and it is not listed.
                s = stays.snapshot(mine);
            } while ((contains(s, abandoned) || !isBelow(abandoned, s)) && System.nanoTime() < deadline);
            assertFalse(contains(s, abandoned), "the abandoned transaction is still running: " + s);
            stays.commit(mine);
            assertInstanceOf(Integer.class, stays.beginGxid());
        }
    }

    @Test
    void badInputFromOneBackendLeavesTheOthersServed() throws Exception {
        String host = proxy.boundAddress().getHostString();
        int port = proxy.boundAddress().getPort();
        try (GtmClient other = GtmClient.connect(host, port)) {
            int open = other.beginGxid();
            try (RawConnection bad = new RawConnection(proxy.boundAddress())) {
                bad.startup(RawConnection.BACKEND_STARTUP);
                // An unknown message type in a sound frame: an 'E' answer, and the connection goes on.
                bad.send(RawConnection.hex("430000000800000063"));
                byte[] answer = bad.readFrame();
                assertEquals('E', answer[0]);
                assertTrue(new String(answer, StandardCharsets.UTF_8).contains("invalid frontend message type 99"));
                bad.send(RawConnection.hex("430000000d000000040000000100"));
                assertEquals('S', bad.readFrame()[0]);
                // A length word below 4 breaks the framing: that connection alone is closed.
                bad.send(RawConnection.hex("4300000002"));
                assertTrue(bad.closedByServer());
            }
            Snapshot s = other.snapshot(open);
            assertTrue(contains(s, open) || !isBelow(open, s), "the other backend's transaction is still open");
            other.commit(open);
        }
    }

    private static boolean isBelow(int gxid, Snapshot s) {
        return Integer.compareUnsigned(gxid, s.xmax()) < 0;
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
