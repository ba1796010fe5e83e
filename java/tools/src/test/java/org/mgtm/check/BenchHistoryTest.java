package org.mgtm.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mgtm.Main;
import org.mgtm.bench.BenchResult;
import org.mgtm.bench.BenchRun;
import org.mgtm.bench.BenchSettings;
import org.mgtm.protocol.WireFormat;
import org.mgtm.server.GtmServer;
import org.mgtm.server.ServerConfig;
import org.mgtm.server.TestServers;
import picocli.CommandLine;

/** End to end: the bench records a history against an in-process mgtm, and the checker finds it clean. */
class BenchHistoryTest {

    @ParameterizedTest(name = "proxy framing: {0}")
    @ValueSource(booleans = {false, true})
    void benchHistoryHasNoViolation(boolean proxyFraming, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("history.jsonl");
        try (GtmServer server = TestServers.start(1000)) {
            BenchSettings settings = new BenchSettings(server.boundAddress(), 8, 2, 3, proxyFraming, 2,
                    WireFormat.DEFAULT, false).withHistory(file);
            BenchResult result = new BenchRun(settings, quiet()).run();
            assertTrue(result.transactions() > 0);
            // begin, 3 snapshots and commit: 10 events per transaction; the last ones may be cut short.
            assertTrue(result.historyEvents() >= result.transactions() * 10, result.historyEvents() + " events");
        }
        CheckResult check = Checker.checkFile(file);
        check.print(System.out, new HistoryReader(file));
        assertTrue(check.valid(), "violations in a clean run");
        for (int invariant = 1; invariant <= 4; invariant++) {
            assertTrue(check.invariant(invariant).checked() > 0, "invariant " + invariant + " was checked");
        }
        for (int invariant = 5; invariant <= 7; invariant++) {
            assertTrue(!check.invariant(invariant).wasChecked(), "the bench records nothing for " + invariant);
        }
    }

    /**
     * The server is stopped under load and started again on the same port and data directory: the
     * clients see lost connections (unknown outcomes), reconnect as new processes, and the history
     * must still hold every invariant, with the lost operations treated as possibly applied.
     */
    @Test
    void historyWithARestartHasNoViolation(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("history.jsonl");
        ServerConfig config = ServerConfig.defaults("127.0.0.1", 0, dir.resolve("data")).withStartGxid(1000);
        GtmServer first = TestServers.start(config);
        int port = first.boundAddress().getPort();
        BenchSettings settings = new BenchSettings(first.boundAddress(), 6, 3, 2, false, 1, WireFormat.DEFAULT,
                false).withHistory(file);
        CompletableFuture<BenchResult> run = CompletableFuture.supplyAsync(() -> {
            try {
                return new BenchRun(settings, quiet()).run();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(1000);
        first.close();
        Thread.sleep(200);
        try (GtmServer second = TestServers.start(config.withPort(port))) {
            BenchResult result = run.get();
            assertTrue(result.errors() > 0, "the restart cost some transactions");
        }
        String text = Files.readString(file);
        assertTrue(text.contains("\"type\":\"info\""), "lost connections are recorded as unknown outcomes");
        CheckResult check = Checker.checkFile(file);
        check.print(System.out, new HistoryReader(file));
        assertTrue(check.valid());
        assertTrue(check.invariant(3).checked() > 0);
    }

    /**
     * The checker is not blind on real histories: a recorded bench history with one running GXID
     * dropped from one snapshot's xip, or with one begin answered with an earlier GXID, is caught.
     */
    @Test
    void mutatedBenchHistoryIsCaught(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("history.jsonl");
        try (GtmServer server = TestServers.start(1000)) {
            new BenchRun(new BenchSettings(server.boundAddress(), 8, 1, 3, false, 1, WireFormat.DEFAULT, false)
                    .withHistory(file), quiet()).run();
        }
        History h = new HistoryReader(file).readAll();
        assertTrue(Checker.checkHistory(h).valid());

        // Which drops are certain violations depends on timing: the dropped transaction must be provably
        // running, its begin answered before the snapshot was asked for and its end not asked for before
        // the snapshot was answered. Only such drops are tried (the history's own times say which), so a
        // slow machine that interleaves less does not exhaust the tries on drops that prove nothing.
        java.util.Map<Integer, Long> beginAnswered = new java.util.HashMap<>();
        java.util.Map<Integer, Long> endAsked = new java.util.HashMap<>();
        for (Event e : h.events()) {
            if (e.type() == Event.Type.OK && e.op() instanceof Operation.Begin b) {
                beginAnswered.put(b.gxid(), e.time());
            } else if (e.type() == Event.Type.INVOKE && e.op() instanceof Operation.End end) {
                endAsked.putIfAbsent(end.gxid(), e.time());
            }
        }
        java.util.Map<Integer, Long> lastInvoke = new java.util.HashMap<>();
        boolean caught = false;
        int tries = 0;
        int candidates = 0;
        for (int k = 0; k < h.events().size() && !caught && tries < 50; k++) {
            Event e = h.events().get(k);
            if (e.type() == Event.Type.INVOKE) {
                lastInvoke.put(e.process(), e.time());
            }
            if (e.type() != Event.Type.OK || !(e.op() instanceof Operation.SnapshotGet s)
                    || s.snapshot().xcnt() < 2 || !lastInvoke.containsKey(e.process())) {
                continue;
            }
            long asked = lastInvoke.get(e.process());
            int[] xip = s.snapshot().xip();
            for (int drop : xip) {
                Long begun = beginAnswered.get(drop);
                Long ending = endAsked.get(drop);
                if (drop == s.gxid() || caught || begun == null || begun >= asked
                        || (ending != null && ending <= e.time())) {
                    continue;
                }
                candidates++;
                int[] fewer = java.util.Arrays.stream(xip).filter(x -> x != drop).toArray();
                Operation.SnapshotGet wrong = Operation.snapshot(s.gxid(), new org.mgtm.protocol.Snapshot(
                        s.snapshot().xmin(), s.snapshot().xmax(), s.snapshot().recentGlobalXmin(), fewer));
                tries++;
                caught = Checker.checkHistory(replace(h, k, new Event(e.time(), e.process(), e.type(), wrong)))
                        .invariant(3).violations() > 0;
            }
        }
        assertTrue(candidates > 0, "the bench history has no snapshot listing a provably running transaction");
        assertTrue(caught, "a running transaction dropped from a snapshot is caught (" + tries + " tries)");

        int firstGrant = -1;
        for (int k = 0; k < h.events().size(); k++) {
            Event e = h.events().get(k);
            if (e.type() == Event.Type.OK && e.op() instanceof Operation.Begin b) {
                if (firstGrant < 0) {
                    firstGrant = b.gxid();
                } else if (k > h.events().size() / 2) {
                    CheckResult r = Checker.checkHistory(replace(h, k,
                            new Event(e.time(), e.process(), e.type(), Operation.begin(firstGrant))));
                    assertTrue(r.invariant(1).violations() == 1 && r.invariant(2).violations() == 1,
                            Histories.describe(r));
                    break;
                }
            }
        }
    }

    private static History replace(History h, int index, Event e) {
        java.util.List<Event> events = new java.util.ArrayList<>(h.events());
        events.set(index, e);
        return new History(events, h.leaders());
    }

    /** The command line: mgtm bench --history, then mgtm check, through Main's subcommands. */
    @Test
    void commandLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("h.jsonl");
        try (GtmServer server = TestServers.start(1000)) {
            int status = new CommandLine(new Main()).execute("bench", "-q", "-p",
                    String.valueOf(server.boundAddress().getPort()), "-c", "2", "-T", "1", "--history", file.toString());
            assertEquals(0, status);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int status;
        try {
            status = new CommandLine(new Main()).execute("check", file.toString());
        } finally {
            System.setOut(saved);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, printed);
        assertTrue(printed.contains("invariant 1 (no GXID handed out twice): checked "), printed);
        assertTrue(printed.contains("invariant 6 (only the leader answers): not checked"), printed);
        assertTrue(printed.contains("history OK"), printed);
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
