package org.mgtm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mgtm.client.GtmClient;
import org.mgtm.core.CoreLimits;
import org.mgtm.core.TxnState;
import org.mgtm.net.ClientAllowlist;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.TxnRef;
import org.mgtm.server.GtmServer;
import org.mgtm.server.ServerConfig;
import org.mgtm.server.TestServers;

/**
 * The grants driver against an in-process standalone mgtm that serves nobody else, so the server's
 * GXID counter tells exactly how many GXIDs were handed out and its snapshots what is still open.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GrantsRunTest {
    static final int START = 1000;
    private GtmServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** Every run of GXIDs the driver was granted, in arrival order. */
    static final class Grants implements GrantsRun.GrantListener {
        final List<int[]> runs = new ArrayList<>();

        @Override
        public synchronized void granted(int firstGxid, int count) {
            runs.add(new int[] {firstGxid, count});
        }

        synchronized BitSet asBits(int base) {
            BitSet seen = new BitSet();
            for (int[] run : runs) {
                for (int i = 0; i < run[1]; i++) {
                    int offset = run[0] + i - base;
                    assertTrue(offset >= 0, "GXID " + (run[0] + i) + " below the start " + base);
                    assertTrue(!seen.get(offset), "GXID " + (run[0] + i) + " granted twice");
                    seen.set(offset);
                }
            }
            return seen;
        }
    }

    @ParameterizedTest(name = "end: {0}")
    @EnumSource(value = GrantsSettings.End.class, names = {"COMMIT", "ALTERNATE"})
    void grantsExactlyTheGxidsItReportsOnceEachAndEndsThemAll(GrantsSettings.End end) {
        server = TestServers.start(START);
        GrantsSettings settings = GrantsSettings.of(LinkTarget.xc(server.boundAddress()), 2, 64, 1)
                .withWarmup(0).withMaxOpen(CoreLimits.DEFAULT.maxTransactions()).withEnd(end);
        Grants grants = new Grants();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        GrantsResult result;
        try {
            result = new GrantsRun(settings, new PrintStream(printed, true, StandardCharsets.UTF_8), grants).run();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        result.print(new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertTrue(result.granted() > 0 && result.windowGrants() > 0, "nothing granted");
        assertTrue(result.windowGrants() <= result.granted());
        assertTrue(result.clean(), "errors: " + printed.toString(StandardCharsets.UTF_8));
        assertEquals(result.granted(), result.ended());
        assertEquals(0, result.granted() % 64, "whole batches only");
        BitSet seen = grants.asBits(START);
        // Gap-free from the start and as many as reported: the listener saw exactly the GXIDs counted.
        assertEquals(result.granted(), seen.cardinality());
        assertEquals(result.granted(), seen.nextClearBit(0));
        InetSocketAddress address = server.boundAddress();
        try (GtmClient checker = GtmClient.connect(address.getHostString(), address.getPort())) {
            // The server handed out nothing beyond them: its next GXID is the one after the last granted.
            int next = checker.beginGxid();
            assertEquals(START + result.granted(), Integer.toUnsignedLong(next));
            checker.commit(next);
            int probe = checker.beginGxid();
            // Nothing the driver began is still open (xmax is past all of them after the commit above).
            assertEquals(0, checker.snapshot(probe).xcnt());
            for (int gxid : new int[] {START, START + (int) result.granted() - 1}) {
                Response status = checker.call(new Request.TxnGetStatus(TxnRef.gxid(gxid)));
                assertEquals(TxnState.UNKNOWN, ((Response.TxnStatus) status).state());
            }
        }
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("result protocol=xc connections=2 batch=64"));
    }

    @Test
    void staysWithinMaxOpenSoASmallTableNeverFills() throws IOException {
        int tableSize = 256;
        Path dataDir = Files.createTempDirectory("grants-test").resolve("data");
        ServerConfig defaults = ServerConfig.defaults("127.0.0.1", 0, dataDir);
        server = TestServers.start(new ServerConfig(defaults.host(), 0, defaults.dataDir(), START,
                defaults.reserveChunk(), defaults.wireFormat(), new CoreLimits(tableSize, 16, 65536), 2, 100,
                ClientAllowlist.parse(ClientAllowlist.LOOPBACK)));
        // 2 links x 4 deep x 64 would be 512 open at once without the budget: twice the table.
        GrantsSettings settings = GrantsSettings.of(LinkTarget.xc(server.boundAddress()), 2, 64, 1)
                .withWarmup(0).withDepth(4).withMaxOpen(tableSize);
        GrantsResult result;
        try {
            result = new GrantsRun(settings, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                    .run();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertTrue(result.granted() > tableSize, "the run should have gone round the table several times");
        assertEquals(0, result.errorAnswers(), "first error: " + result.firstError());
        assertTrue(result.clean());
    }
}
