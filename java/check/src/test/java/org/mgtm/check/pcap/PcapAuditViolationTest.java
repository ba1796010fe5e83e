package org.mgtm.check.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgtm.check.CheckResult;
import org.mgtm.check.Checker;
import org.mgtm.check.Event;
import org.mgtm.check.Operation;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.ResultType;
import org.mgtm.protocol.Snapshot;
import org.mgtm.protocol.TxnRef;

/**
 * Synthetic captures of a GTM that breaks one invariant each, on plain backend connections and on
 * a gtm_proxy worker's connection (grouped requests): the audit must report that invariant, and
 * only it. Each has a twin that differs only where the GTM is right, and audits clean.
 */
class PcapAuditViolationTest {
    static final int PORT = 6666;

    @TempDir
    Path dir;

    static Request begin() {
        return new Request.TxnBeginGetGxid(1, false);
    }

    static Response gxid(int g) {
        return new Response.BeginGxid(ResultType.TXN_BEGIN_GETGXID, g);
    }

    static Request snapshot(int g) {
        return new Request.SnapshotGet(true, TxnRef.gxid(g));
    }

    static Response snap(int g, int xmin, int xmax, int rgxmin, int... xip) {
        return new Response.SnapshotResult(g, Response.STATUS_OK, new Snapshot(xmin, xmax, rgxmin, xip));
    }

    static Request commit(int g) {
        return new Request.TxnCommit(TxnRef.gxid(g));
    }

    static Response committed(int g) {
        return new Response.Ended(ResultType.TXN_COMMIT, g, true, Response.STATUS_OK);
    }

    static Request beginMulti(int... conids) {
        List<Request.BeginEntry> entries = new ArrayList<>();
        for (int c : conids) {
            entries.add(new Request.BeginEntry(1, false, (short) c));
        }
        return new Request.TxnBeginGetGxidMulti(entries);
    }

    static Request commitMulti(int... gxids) {
        return new Request.TxnCommitMulti(refs(gxids));
    }

    static Response committedMulti(int n) {
        return new Response.EndedMulti(ResultType.TXN_COMMIT_MULTI, java.util.Collections.nCopies(n, 0));
    }

    static Request snapshotMulti(int... gxids) {
        return new Request.SnapshotGetMulti(refs(gxids));
    }

    static Response snapMulti(int n, int xmin, int xmax, int rgxmin, int... xip) {
        return new Response.SnapshotMultiResult(java.util.Collections.nCopies(n, 0),
                new Snapshot(xmin, xmax, rgxmin, xip));
    }

    private static List<TxnRef> refs(int... gxids) {
        List<TxnRef> out = new ArrayList<>();
        for (int g : gxids) {
            out.add(TxnRef.gxid(g));
        }
        return out;
    }

    record Audited(PcapAudit.Result audit, CheckResult result) {
        long violations(int invariant) {
            return result.invariant(invariant).violations();
        }

        /** Violations of invariants 1 to 8, in order. */
        List<Long> counts() {
            List<Long> out = new ArrayList<>();
            for (int i = 1; i <= 8; i++) {
                out.add(violations(i));
            }
            return out;
        }
    }

    Audited audit(CaptureScript script) throws IOException {
        Path file = script.write(dir.resolve("capture-" + System.nanoTime() + ".pcap"));
        PcapAudit.Result audit = PcapAudit.read(file, Set.of(PORT), null, CaptureScript.FORMAT);
        return new Audited(audit, new Checker().check(audit.source()));
    }

    static List<Long> only(int invariant) {
        List<Long> out = new ArrayList<>(List.of(0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L));
        out.set(invariant - 1, 1L);
        return out;
    }

    static final List<Long> NONE = List.of(0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L);

    @Test
    void gxidGrantedTwiceAcrossTwoConnections() throws IOException {
        for (int second : new int[]{1000, 1001}) {
            CaptureScript s = new CaptureScript();
            s.connect(10, 40001, PORT, false).call(100, 110, begin(), gxid(1000));
            s.connect(20, 40002, PORT, false).call(105, 115, begin(), gxid(second));
            Audited a = audit(s);
            assertEquals(second == 1000 ? only(1) : NONE, a.counts(), a.result().violations().toString());
            assertEquals(2, a.result().invariant(1).checked());
        }
    }

    @Test
    void runningGxidMissingFromALaterSnapshot() throws IOException {
        for (boolean listed : new boolean[]{false, true}) {
            CaptureScript s = new CaptureScript();
            CaptureScript.Conn a = s.connect(10, 40001, PORT, false).call(100, 110, begin(), gxid(1000));
            s.connect(20, 40002, PORT, false).call(120, 130, begin(), gxid(1001))
                    .call(140, 150, snapshot(1001), listed ? snap(1001, 1000, 1002, 1000, 1000, 1001)
                            : snap(1001, 1001, 1002, 1001, 1001));
            a.call(200, 210, commit(1000), committed(1000)); // 1000's session answers again: it was alive
            Audited r = audit(s);
            assertEquals(listed ? NONE : only(3), r.counts(), r.result().violations().toString());
            if (!listed) {
                assertTrue(r.result().violationsOf(3).get(0).message().contains("GXID 1000"));
            }
        }
    }

    @Test
    void committedGxidListedInALaterSnapshot() throws IOException {
        for (boolean listed : new boolean[]{true, false}) {
            CaptureScript s = new CaptureScript();
            s.connect(10, 40001, PORT, false).call(100, 110, begin(), gxid(1000)).call(120, 130, commit(1000),
                    committed(1000));
            s.connect(20, 40002, PORT, false).call(140, 150, begin(), gxid(1001))
                    .call(160, 170, snapshot(1001), listed ? snap(1001, 1000, 1002, 1000, 1000, 1001)
                            : snap(1001, 1001, 1002, 1001, 1001));
            Audited r = audit(s);
            assertEquals(listed ? only(4) : NONE, r.counts(), r.result().violations().toString());
        }
    }

    /**
     * Through a gtm_proxy worker's grouped requests: 999, 1000 and 1001 begin together; 1001
     * commits; 1000's first snapshot has xmin 999; 999 commits; a later snapshot's recent global
     * xmin must still be 999 while 1000 is open.
     */
    private CaptureScript groupedXmin(int laterRgxmin) {
        CaptureScript s = new CaptureScript();
        s.connect(10, 40001, PORT, true)
                .call(100, 101, -1, beginMulti(0, 1, 2), new Response.BeginGxidMulti(3, 999))
                .call(110, 111, -1, commitMulti(1001), committedMulti(1))
                .call(120, 121, -1, snapshotMulti(1000), snapMulti(1, 999, 1002, 999, 999, 1000))
                .call(130, 131, -1, commitMulti(999), committedMulti(1))
                .call(140, 141, -1, snapshotMulti(1000), snapMulti(1, 1000, 1002, laterRgxmin, 1000))
                .call(150, 151, -1, commitMulti(1000), committedMulti(1));
        return s;
    }

    @Test
    void recentGlobalXminAboveAnOpenTransactionsFirstXmin() throws IOException {
        Audited bad = audit(groupedXmin(1000));
        assertEquals(only(8), bad.counts(), bad.result().violations().toString());
        assertTrue(bad.result().violationsOf(8).get(0).message().contains("passes xmin 999 of GXID 1000"));
        Audited good = audit(groupedXmin(999));
        assertEquals(NONE, good.counts(), good.result().violations().toString());
        assertEquals(1, good.result().invariant(8).checked());
        assertEquals(3, good.audit().gxidsGranted());
    }

    /**
     * BACKEND_DISCONNECT(1) makes the GTM drop 1001, begun through conid 1, although the worker's
     * connection lives on; a later snapshot rightly leaves 1001 out. Without the disconnect on the
     * wire, the same snapshot hides a transaction that is still running.
     */
    @Test
    void backendDisconnectEndsThatBackendsTransactions() throws IOException {
        for (boolean disconnect : new boolean[]{true, false}) {
            CaptureScript s = new CaptureScript();
            CaptureScript.Conn w = s.connect(10, 40001, PORT, true)
                    .call(100, 101, -1, beginMulti(0, 1), new Response.BeginGxidMulti(2, 1000));
            if (disconnect) {
                w.send(120, 1, new Request.BackendDisconnect());
            }
            w.call(130, 131, -1, beginMulti(0), new Response.BeginGxidMulti(1, 1002))
                    .call(140, 141, -1, snapshotMulti(1002), snapMulti(1, 1000, 1002, 1000, 1000))
                    .call(150, 151, -1, commitMulti(1000, 1002), committedMulti(2));
            Audited r = audit(s);
            assertEquals(disconnect ? NONE : only(3), r.counts(), r.result().violations().toString());
            long rollbacks = r.audit().history().events().stream()
                    .filter(e -> e.type() == Event.Type.INVOKE && e.op().equals(Operation.rollback(1001))).count();
            assertEquals(disconnect ? 1 : 0, rollbacks, "a rollback of unknown outcome for 1001 at the disconnect");
        }
    }

    /** gtm_proxy sends a round's grouped requests before reading their answers: one process each. */
    @Test
    void groupedRequestsInFlightTogether() throws IOException {
        CaptureScript s = new CaptureScript();
        CaptureScript.Conn w = s.connect(10, 40001, PORT, true)
                .call(100, 101, -1, beginMulti(0), new Response.BeginGxidMulti(1, 1000));
        w.send(110, -1, beginMulti(1)).send(110, -1, snapshotMulti(1000))
                .server(112, org.mgtm.protocol.codec.XcCodecs.encode(CaptureScript.FORMAT,
                        new org.mgtm.protocol.WireMessage.Answer(-1, new Response.BeginGxidMulti(1, 1001))))
                .server(113, org.mgtm.protocol.codec.XcCodecs.encode(CaptureScript.FORMAT,
                        new org.mgtm.protocol.WireMessage.Answer(-1, snapMulti(1, 1000, 1000, 1000))));
        w.call(120, 121, -1, commitMulti(1000, 1001), committedMulti(2));
        Audited r = audit(s);
        assertEquals(NONE, r.counts(), r.result().violations().toString());
        assertEquals(2, r.result().invariant(1).checked());
        assertEquals(2, r.audit().processes().size(), "the second request in flight got a process of its own: "
                + r.audit().processes());
    }
}
