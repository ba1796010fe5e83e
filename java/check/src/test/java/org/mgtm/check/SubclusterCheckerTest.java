package org.mgtm.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Histories of two sub-clusters A and B and the G-GTM, made by hand: each sub-cluster's part is checked as a
 * single group (registrations active like begins), and the whole against invariants 9-12; the visibility lag
 * is measured. Processes: 0 and 1 talk to A, 2 and 3 to B, 9 to the G-GTM. Times in ns.
 */
class SubclusterCheckerTest {

    /** A cross transaction 1005 of A, registered in B, committed with two-phase ordering, seen by both. */
    static Histories crossCommitted() {
        Histories h = new Histories();
        History.Builder b = h.builder();
        b.subcluster(new SubclusterLine.Process(0, "A")).subcluster(new SubclusterLine.Process(1, "A"))
                .subcluster(new SubclusterLine.Process(2, "B")).subcluster(new SubclusterLine.Process(3, "B"))
                .subcluster(new SubclusterLine.Process(9, SubclusterLine.GGTM))
                .subcluster(new SubclusterLine.Range("A", 1000, 1099)).subcluster(new SubclusterLine.Range("B", 2000, 2099));
        h.begin(0, 10, 20, 1005);
        b.op(2, 30, 40, new Operation.Register(1005), new Operation.Register(1005));
        h.begin(3, 41, 50, 2000);
        // B lists the registered transaction while it runs.
        h.snapshot(3, 60, 70, 2000, 1005, 2001, 1005, 2000);
        h.prepare(0, 80, 90, 1005).prepare(2, 80, 91, 1005);
        b.op(9, 100, 110, new Operation.Decide(1005, true, null), new Operation.Decide(1005, true, true));
        h.commit(0, 120, 130, 1005);
        h.begin(1, 131, 140, 1006);
        // A shows it finished at 150; B, asked at 155, before its commit was acknowledged, still shows it running.
        h.snapshot(1, 141, 150, 1006, 1006, 1007, 1006);
        h.snapshot(3, 155, 160, 2000, 1005, 2001, 1005, 2000);
        h.commit(2, 120, 170, 1005);
        h.snapshotRg(3, 180, 190, 2000, 1005, 2000, 2001, 2000);
        h.commit(3, 200, 210, 2000).commit(1, 200, 211, 1006);
        b.op(9, 220, 230, new Operation.Forget(1005), new Operation.Forget(1005));
        return h;
    }

    @Test
    void aValidHistoryOfTwoSubclusters() throws IOException {
        SubclusterChecker.Result r = new SubclusterChecker(10).check(crossCommitted().build());
        assertTrue(r.valid(), () -> describe(r));
        assertEquals(2, r.perSubcluster().size());
        assertTrue(r.perSubcluster().get("B").invariant(3).checked() > 0);
        assertTrue(r.across().invariant(9).checked() > 0 && r.across().invariant(11).checked() > 0);
        assertEquals(2, r.across().invariant(10).checked());
        assertEquals(1, r.across().invariant(12).checked());
        assertEquals(1, r.figures().committed());
        assertEquals(1, r.figures().measured());
        // Finished in A at 150, still running in B asked at 155: a lag of 5 ns (0.000005 ms); window 120 .. 170.
        assertEquals(5e-6, r.figures().lagMax(), 1e-9);
        assertEquals(50e-6, r.figures().windowMax(), 1e-9);
    }

    @Test
    void aGxidHandedOutByTwoSubclustersOrOutsideItsRanges() throws IOException {
        Histories h = crossCommitted();
        h.begin(3, 300, 310, 1006); // A's GXID, handed out by B (and below B's xmax 2001: invariant 11 too)
        h.begin(3, 320, 330, 5000); // outside every range of B
        SubclusterChecker.Result r = new SubclusterChecker(10).check(h.build());
        assertEquals(2, r.across().invariant(9).violations(), () -> describe(r));
        assertEquals(1, r.across().invariant(11).violations(), () -> describe(r));
    }

    @Test
    void overlappingRanges() throws IOException {
        Histories h = crossCommitted();
        h.builder().subcluster(new SubclusterLine.Range("B", 1090, 1200));
        SubclusterChecker.Result r = new SubclusterChecker(10).check(h.build());
        assertEquals(1, r.across().invariant(10).violations(), () -> describe(r));
    }

    @Test
    void aRegistrationBelowAnEarlierXmax() throws IOException {
        Histories h = crossCommitted();
        // B answered xmax 2001 at 190; registering A's 1050 later is what the horizon rule forbids.
        h.begin(0, 240, 250, 1050);
        h.builder().op(2, 260, 270, new Operation.Register(1050), new Operation.Register(1050));
        SubclusterChecker.Result r = new SubclusterChecker(10).check(h.build());
        assertEquals(1, r.across().invariant(11).violations(), () -> describe(r));
    }

    @Test
    void committedInOneRolledBackInAnother() throws IOException {
        Histories h = new Histories();
        h.builder().subcluster(new SubclusterLine.Process(0, "A")).subcluster(new SubclusterLine.Process(2, "B"));
        h.begin(0, 10, 20, 1005);
        h.builder().op(2, 30, 40, new Operation.Register(1005), new Operation.Register(1005));
        h.commit(0, 50, 60, 1005).rollback(2, 50, 61, 1005);
        SubclusterChecker.Result r = new SubclusterChecker(10).check(h.build());
        assertEquals(1, r.across().invariant(12).violations(), () -> describe(r));
    }

    @Test
    void seenRunningAfterTheWindowClosed() throws IOException {
        Histories h = crossCommitted();
        // Asked at 240, after both commits were acknowledged (170): B must show it finished.
        h.snapshotRg(3, 240, 250, 2000, 1005, 1005, 2001, 1005, 2000);
        SubclusterChecker.Result r = new SubclusterChecker(10).check(h.build());
        assertEquals(1, r.across().invariant(12).violations(), () -> describe(r));
        // B's own check says the same (invariant 4): listed although its commit was acknowledged, and although an
        // earlier snapshot showed it finished.
        assertEquals(2, r.perSubcluster().get("B").invariant(4).violations());
    }

    @Test
    void aSingleGroupsHistoryIsCheckedAsBefore() throws IOException {
        SubclusterChecker.Result r = new SubclusterChecker(10).check(new Histories().begin(0, 1, 2, 1000)
                .snapshot(0, 3, 4, 1000, 1000, 1000).build());
        assertNull(r.across());
        assertTrue(r.valid());
    }

    @Test
    void theNewLinesRoundTripThroughAFile(@TempDir Path dir) throws IOException {
        History h = crossCommitted().builder().subcluster(new SubclusterLine.Member("a1", "A")).build();
        Path file = dir.resolve("multi.jsonl");
        h.write(file);
        History back = new HistoryReader(file).readAll();
        assertEquals(h.events(), back.events());
        assertEquals(h.subclusterLines(), back.subclusterLines());
        String text = Files.readString(file);
        assertTrue(text.contains("{\"type\":\"range\",\"first\":1000,\"last\":1099,\"sc\":\"A\"}"), text);
        assertTrue(text.contains("\"f\":\"decide\",\"gxid\":1005,\"commit\":true,\"decision\":true"), text);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SubclusterChecker.Result r = SubclusterChecker.checkFile(file);
        r.print(new PrintStream(out, true, StandardCharsets.UTF_8), new HistoryReader(file));
        String report = out.toString(StandardCharsets.UTF_8);
        assertTrue(report.contains("== sub-cluster A") && report.contains("invariant 12 (") && report.contains(
                "multi-sub-cluster history OK"), report);
    }

    static String describe(SubclusterChecker.Result r) {
        StringBuilder sb = new StringBuilder();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            r.print(new PrintStream(out, true, StandardCharsets.UTF_8), new History(java.util.List.of(), java.util.List.of()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        sb.append(out.toString(StandardCharsets.UTF_8));
        r.perSubcluster().forEach((sc, res) -> sb.append("\n[").append(sc).append("]").append(Histories.describe(res)));
        if (r.across() != null) {
            sb.append("\n[across]").append(Histories.describe(r.across()));
        }
        return sb.toString();
    }
}
