package org.mgtm.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgtm.protocol.Snapshot;

/** The mgtm-history file format: round trips, tolerance, refusals, and the recorder. */
class HistoryFormatTest {

    private static History everyKindOfEvent() {
        String odd = "q\"uote \\ back\nnew\ttab é \u0001 \u2028 end";
        return History.builder()
                .invoke(0, 0, Operation.begin())
                .ok(0, 1, Operation.begin(0xFFFF_FFFF), "mgtm1", 7)
                .invoke(1, 2, Operation.beginMulti(5))
                .ok(1, 3, Operation.beginMulti(5, 3))
                .invoke(0, 4, Operation.snapshot(0xFFFF_FFFF))
                .ok(0, 5, Operation.snapshot(0xFFFF_FFFF, new Snapshot(0xFFFF_FFF0, 5, 0xFFFF_FF00,
                        new int[]{0xFFFF_FFF0, 0xFFFF_FFFF, 4})))
                .invoke(0, 6, Operation.snapshot(4))
                .ok(0, 7, Operation.snapshot(4, new Snapshot(4, 4, 4, new int[0])))
                .invoke(0, 8, Operation.commit(0xFFFF_FFFF)).fail(0, 9, Operation.commit(0xFFFF_FFFF), odd)
                .invoke(0, 10, Operation.rollback(3)).ok(0, 11, Operation.rollback(3))
                .invoke(0, 12, Operation.prepare(4)).info(0, 13, Operation.prepare(4), "timeout")
                .invoke(2, 14, Operation.seqCreate(odd, -3, Long.MIN_VALUE, -1, -1, true))
                .ok(2, 15, Operation.seqCreate(odd, -3, Long.MIN_VALUE, -1, -1, true))
                .invoke(2, 16, Operation.seqNext(odd)).ok(2, 17, Operation.seqNext(odd, Long.MIN_VALUE))
                .invoke(2, 18, Operation.seqNext("k")).fail(2, 19, Operation.seqNext("k"), null)
                .invoke(3, 20, Operation.badInput("frame of 2^31 bytes"))
                .ok(3, 21, Operation.badInput("frame of 2^31 bytes", Operation.OUTCOME_CLOSED))
                .invoke(5, 21, new Operation.SnapshotMulti(List.of(7, 0xFFFF_FFFF), null, null))
                .ok(5, 21, new Operation.SnapshotMulti(List.of(7, 0xFFFF_FFFF), List.of(0, -1),
                        new Snapshot(5, 8, 4, new int[]{5, 7})))
                .invoke(5, 21, new Operation.EndMulti(Operation.EndKind.ROLLBACK, List.of(7), null))
                .fail(5, 21, new Operation.EndMulti(Operation.EndKind.ROLLBACK, List.of(7), null), "ERROR: no")
                .invoke(6, 21, new Operation.EndMulti(Operation.EndKind.COMMIT, List.of(7, 8), null))
                .ok(6, 21, new Operation.EndMulti(Operation.EndKind.COMMIT, List.of(7, 8), List.of(0, -1)))
                .invoke(4, 22, new Operation.Begin(0, true)).ok(4, Long.MAX_VALUE, new Operation.Begin(9, true))
                .leader("mgtm1", 7, 0, 100)
                .leader("mgtm2", 8, 100, Long.MAX_VALUE)
                .leader("mgtm3", Event.NO_TERM, 5, 6)
                .build();
    }

    @Test
    void roundTripOfEveryOperationAndOutcome(@TempDir Path dir) throws IOException {
        History h = everyKindOfEvent();
        Path file = dir.resolve("h.jsonl");
        h.write(file);
        List<String> lines = Files.readAllLines(file);
        assertTrue(lines.get(0).startsWith("{\"type\":\"header\",\"format\":\"mgtm-history\",\"version\":1"));
        assertEquals(1 + h.events().size() + h.leaders().size(), lines.size(), "one line per event");
        History back = new HistoryReader(file).readAll();
        assertEquals(h.events(), back.events());
        assertEquals(h.leaders(), back.leaders());
        assertEquals("{\"t\":1,\"p\":0,\"type\":\"ok\",\"f\":\"begin\",\"gxid\":4294967295,\"node\":\"mgtm1\",\"term\":7}",
                lines.get(2));
    }

    @Test
    void readerSkipsUnknownFieldsBlankLinesAndSpaces(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("h.jsonl");
        Files.writeString(file, "\n{ \"t\" : 3 , \"p\":1,\"type\":\"invoke\",\"f\":\"begin\",\"future\":[1,2],"
                + "\"x\":null,\"y\":false}\n   \n{\"t\":4,\"p\":1,\"type\":\"ok\",\"f\":\"begin\",\"gxid\":7,\"note\":\"\\u0041\"}\n");
        History h = new HistoryReader(file).readAll();
        assertEquals(List.of(new Event(3, 1, Event.Type.INVOKE, Operation.begin()),
                new Event(4, 1, Event.Type.OK, Operation.begin(7))), h.events());
    }

    @Test
    void malformedLinesAreRefusedWithTheirLineNumber(@TempDir Path dir) throws IOException {
        String[] bad = {
            "{\"t\":1,\"p\":0,\"type\":\"ok\",\"f\":\"begin\",\"gxid\":4294967296}",
            "{\"t\":1.5,\"p\":0,\"type\":\"invoke\",\"f\":\"begin\"}",
            "{\"t\":1,\"p\":0,\"type\":\"invoke\",\"f\":\"teleport\"}",
            "{\"t\":1,\"p\":0,\"type\":\"maybe\",\"f\":\"begin\"}",
            "{\"t\":1,\"p\":0,\"type\":\"ok\",\"f\":\"snapshot\",\"gxid\":3}",
            "{\"t\":1,\"p\":0,\"type\":\"invoke\",\"f\":\"begin\"} trailing",
            "{\"t\":1,\"p\":0,\"type\":\"invoke\",\"f\":\"begin\"",
            "{\"type\":\"header\",\"format\":\"mgtm-history\",\"version\":2}",
            "{\"t\":1,\"p\":0,\"f\":\"begin\"}",
            "{\"t\":1,\"p\":0,\"type\":\"invoke\",\"f\":\"begin-multi\",\"n\":0}",
            "{\"t\":1,\"p\":0,\"type\":\"invoke\",\"f\":\"begin-multi\",\"n\":2000000000}",
            "{\"t\":1,\"p\":0,\"type\":\"invoke\",\"f\":\"seq-next\"}",
        };
        for (String line : bad) {
            Path file = dir.resolve("bad.jsonl");
            Files.writeString(file, "{\"t\":0,\"p\":9,\"type\":\"invoke\",\"f\":\"begin\"}\n" + line + "\n");
            HistoryFormatException e = assertThrows(HistoryFormatException.class,
                    () -> new HistoryReader(file).readAll(), line);
            assertEquals(2, e.line(), line);
            assertTrue(e.getMessage().startsWith(file + ":2: "), e.getMessage());
        }
    }

    @Test
    void checkerRefusesHistoriesThatBreakTheProcessRules() {
        List<History> broken = new ArrayList<>();
        // Out of time order (the builder sorts, so build the list by hand).
        broken.add(new History(List.of(new Event(5, 0, Event.Type.INVOKE, Operation.begin()),
                new Event(4, 1, Event.Type.INVOKE, Operation.begin())), List.of()));
        broken.add(History.builder().invoke(0, 0, Operation.begin()).invoke(0, 1, Operation.begin()).build());
        broken.add(History.builder().ok(0, 0, Operation.begin(5)).build());
        broken.add(History.builder().invoke(0, 0, Operation.begin()).ok(0, 1, Operation.commit(5)).build());
        broken.add(History.builder().invoke(0, 0, Operation.begin()).info(0, 1, Operation.begin(), "lost")
                .invoke(0, 2, Operation.begin()).build());
        for (History h : broken) {
            assertThrows(HistoryFormatException.class, () -> Checker.checkHistory(h), h.toString());
        }
    }

    @Test
    void recorderWritesAParseableTimeOrderedFileFromManyThreads(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rec.jsonl");
        AtomicInteger nextGxid = new AtomicInteger(1000);
        int threads = 4;
        int perThread = 2000;
        try (HistoryRecorder rec = HistoryRecorder.toFile(file)) {
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                ts.add(new Thread(() -> {
                    int p = rec.newProcess();
                    for (int i = 0; i < perThread; i++) {
                        rec.invoke(p, Operation.begin());
                        int g = nextGxid.getAndIncrement();
                        rec.ok(p, Operation.begin(g), "m1", 1);
                        rec.invoke(p, Operation.commit(g));
                        rec.ok(p, Operation.commit(g));
                    }
                }));
            }
            long start = rec.now();
            ts.forEach(Thread::start);
            for (Thread t : ts) {
                t.join();
            }
            rec.leader("m1", 1, start, Long.MAX_VALUE);
            assertEquals(threads * perThread * 4L, rec.events());
        }
        CheckResult r = Checker.checkFile(file);
        assertTrue(r.valid(), Histories.describe(r));
        assertEquals(threads * perThread, r.invariant(1).checked());
        assertEquals(threads * perThread, r.invariant(6).checked());
        assertEquals(threads * perThread * 4L, r.events());
    }

    @Test
    void inMemoryRecorderMatchesWhatWasRecorded() {
        HistoryRecorder rec = HistoryRecorder.inMemory();
        int p = rec.newProcess();
        rec.invoke(p, Operation.begin());
        rec.info(p, Operation.begin(), "lost");
        int q = rec.newProcess();
        rec.invoke(q, Operation.snapshot(3));
        rec.fail(q, Operation.snapshot(3), "ERROR: no such transaction");
        rec.closeUnchecked();
        rec.invoke(q, Operation.begin());
        History h = rec.history();
        assertEquals(4, h.events().size(), "nothing is recorded after close");
        assertEquals(Event.Type.INFO, h.events().get(1).type());
        assertEquals(1, h.events().get(2).process());
        for (int i = 1; i < 4; i++) {
            assertTrue(h.events().get(i).time() >= h.events().get(i - 1).time());
        }
    }
}
