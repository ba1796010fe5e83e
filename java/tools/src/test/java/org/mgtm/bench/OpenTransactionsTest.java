package org.mgtm.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mgtm.client.GtmClient;
import org.mgtm.client.GtmException;
import org.mgtm.protocol.Snapshot;
import org.mgtm.server.GtmServer;
import org.mgtm.server.TestServers;

/**
 * The open-transactions driver against an in-process standalone mgtm: a snapshot taken by another
 * client lists exactly the GXIDs the driver reports, and closing the driver ends them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpenTransactionsTest {
    private static GtmServer server;

    @BeforeAll
    static void start() {
        server = TestServers.start(1000);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static GtmClient checker() {
        return GtmClient.connect(server.boundAddress().getHostString(), server.boundAddress().getPort());
    }

    /**
     * GXIDs running, from a snapshot of the checker's own. A commit first moves xmax past every GXID
     * handed out so far: without it, transactions begun after the last completion are not listed.
     */
    static int[] running(GtmClient checker) {
        checker.commit(checker.beginGxid());
        int probe = checker.beginGxid();
        try {
            Snapshot s = checker.snapshot(probe);
            int[] xip = s.xip();
            Arrays.sort(xip);
            return xip;
        } finally {
            checker.commit(probe);
        }
    }

    @Test
    void leavesExactlyTheReportedTransactionsOpenUntilClosed() throws Exception {
        // 1000 over 3 connections in batches of 128: uneven shares and a short last batch on each.
        OpenTransactions.Settings settings = new OpenTransactions.Settings(LinkTarget.xc(server.boundAddress()), 1000,
                128, 3, 4);
        try (GtmClient checker = checker()) {
            int[] gxids;
            try (OpenTransactions open = OpenTransactions.open(settings)) {
                gxids = open.gxids();
                Arrays.sort(gxids);
                assertEquals(1000, open.count());
                assertEquals(1000, Arrays.stream(gxids).distinct().count(), "a GXID reported twice");
                // The committed marker follows them all, so every snapshot lists all of them.
                assertEquals(1000, open.snapshotXcnt());
                assertTrue(Integer.compareUnsigned(open.markerGxid(), gxids[gxids.length - 1]) > 0);
                assertArrayEquals(gxids, running(checker), "the server's open transactions are exactly those reported");
            }
            // The server ends a connection's transactions when it sees the connection go.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int[] after = running(checker);
            while (after.length > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
                after = running(checker);
            }
            assertEquals(0, after.length, "transactions left open after close");
        }
    }

    @Test
    void moreThanTheTableHoldsFailsAndLeavesNothingOpen() throws Exception {
        // The default table has 4096 slots: the begins that do not fit are refused, and the driver ends the rest.
        OpenTransactions.Settings settings = new OpenTransactions.Settings(LinkTarget.xc(server.boundAddress()), 5000,
                1000, 1, 0);
        GtmException refused = assertThrows(GtmException.class, () -> OpenTransactions.open(settings));
        assertTrue(refused.getMessage().contains("Max transaction limit"), refused.getMessage());
        try (GtmClient checker = checker()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int[] after = running(checker);
            while (after.length > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
                after = running(checker);
            }
            assertEquals(0, after.length);
        }
    }
}
