package org.mgtm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mgtm.protocol.WireFormat;
import org.mgtm.server.GtmServer;
import org.mgtm.server.TestServers;

/** The bench drives real load against mgtm, both ways of connecting, and reports what it measured. */
class BenchRunTest {
    private static GtmServer server;

    @BeforeAll
    static void start() {
        server = TestServers.start(1000);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @ParameterizedTest(name = "proxy framing: {0}")
    @ValueSource(booleans = {false, true})
    void runsTransactionsWithoutErrorsAndWritesATimeline(boolean proxyFraming, @TempDir Path dir) throws Exception {
        long appliedBefore = server.stats().commands();
        BenchSettings settings = new BenchSettings(server.boundAddress(), 12, 2, 5, proxyFraming, 2,
                WireFormat.DEFAULT, true);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        BenchResult result = new BenchRun(settings, new PrintStream(printed, true, StandardCharsets.UTF_8)).run();

        assertTrue(result.transactions() > 0, "no transaction completed");
        assertEquals(0, result.errors());
        assertTrue(result.p50Millis() > 0 && result.p50Millis() <= result.p99Millis()
                && result.p99Millis() <= result.p999Millis() && result.p999Millis() <= result.maxMillis());
        assertTrue(result.timeline().size() >= 1, "one timeline line per second");
        long timelineTotal = result.timeline().stream().mapToLong(BenchResult.Second::transactions).sum();
        assertTrue(timelineTotal <= result.transactions());
        long applied = server.stats().commands() - appliedBefore;
        if (proxyFraming) {
            // 12 backends on 2 connections: grouped requests carry more than one backend's request on average.
            assertTrue(result.requestsPerRound() > 1.0, "grouping factor " + result.requestsPerRound());
            assertTrue(applied < result.transactions() * settings.requestsPerTxn(),
                    "grouped: fewer GTM commands than backend requests");
        } else {
            assertTrue(applied >= result.transactions() * settings.requestsPerTxn(),
                    "every request of every transaction reached the GTM");
        }
        Path csv = dir.resolve("timeline.csv");
        result.writeCsv(csv);
        List<String> lines = Files.readAllLines(csv);
        assertEquals("second,transactions,errors,p50_ms,p99_ms,p999_ms", lines.get(0));
        assertEquals(result.timeline().size() + 1, lines.size());
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains(" tps "));
    }
}
