package org.mgtm.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.mgtm.protocol.Snapshot;

/** Shorthands for hand-made histories: each operation with its invoke and ok times. */
final class Histories {
    private final History.Builder b = History.builder();

    Histories begin(int p, long invoked, long done, int gxid) {
        b.op(p, invoked, done, Operation.begin(), Operation.begin(gxid));
        return this;
    }

    Histories snapshot(int p, long invoked, long done, int gxid, int xmin, int xmax, int... xip) {
        b.op(p, invoked, done, Operation.snapshot(gxid), Operation.snapshot(gxid, new Snapshot(xmin, xmax, xmin, xip)));
        return this;
    }

    /** A snapshot whose recent global xmin differs from its xmin (invariant 8). */
    Histories snapshotRg(int p, long invoked, long done, int gxid, int rgxmin, int xmin, int xmax, int... xip) {
        b.op(p, invoked, done, Operation.snapshot(gxid),
                Operation.snapshot(gxid, new Snapshot(xmin, xmax, rgxmin, xip)));
        return this;
    }

    /** A grouped snapshot whose entries all succeed. */
    Histories snapshotMulti(int p, long invoked, long done, List<Integer> gxids, int rgxmin, int xmin, int xmax,
                            int... xip) {
        List<Integer> ok = gxids.stream().map(g -> Operation.OK).toList();
        b.op(p, invoked, done, new Operation.SnapshotMulti(gxids, null, null),
                new Operation.SnapshotMulti(gxids, ok, new Snapshot(xmin, xmax, rgxmin, xip)));
        return this;
    }

    /** A grouped commit whose entries all succeed. */
    Histories commitMulti(int p, long invoked, long done, List<Integer> gxids) {
        List<Integer> ok = gxids.stream().map(g -> Operation.OK).toList();
        b.op(p, invoked, done, new Operation.EndMulti(Operation.EndKind.COMMIT, gxids, null),
                new Operation.EndMulti(Operation.EndKind.COMMIT, gxids, ok));
        return this;
    }

    Histories commit(int p, long invoked, long done, int gxid) {
        b.op(p, invoked, done, Operation.commit(gxid), Operation.commit(gxid));
        return this;
    }

    Histories rollback(int p, long invoked, long done, int gxid) {
        b.op(p, invoked, done, Operation.rollback(gxid), Operation.rollback(gxid));
        return this;
    }

    Histories prepare(int p, long invoked, long done, int gxid) {
        b.op(p, invoked, done, Operation.prepare(gxid), Operation.prepare(gxid));
        return this;
    }

    /** An operation whose answer never came (connection lost): the process is done. */
    Histories lost(int p, long invoked, long noticed, Operation op) {
        b.invoke(p, invoked, op).info(p, noticed, op, "connection lost");
        return this;
    }

    /** An operation answered with an error. */
    Histories failed(int p, long invoked, long done, Operation op) {
        b.invoke(p, invoked, op).fail(p, done, op, "ERROR: no");
        return this;
    }

    Histories seqCreate(int p, long invoked, long done, String key, long inc, long min, long max, boolean cycle) {
        Operation.SeqCreate c = Operation.seqCreate(key, inc, min, max, inc > 0 ? min : max, cycle);
        b.op(p, invoked, done, c, c);
        return this;
    }

    Histories nextval(int p, long invoked, long done, String key, long value) {
        b.op(p, invoked, done, Operation.seqNext(key), Operation.seqNext(key, value));
        return this;
    }

    Histories badInput(int p, long invoked, long done, String outcome) {
        b.op(p, invoked, done, Operation.badInput("oversized frame"), Operation.badInput("oversized frame", outcome));
        return this;
    }

    /** An ok begin answered by a named replica. */
    Histories beginBy(int p, long invoked, long done, int gxid, String node, long term) {
        b.invoke(p, invoked, Operation.begin()).ok(p, done, Operation.begin(gxid), node, term);
        return this;
    }

    Histories leader(String node, long term, long start, long end) {
        b.leader(node, term, start, end);
        return this;
    }

    History.Builder builder() {
        return b;
    }

    History build() {
        return b.build();
    }

    CheckResult check() {
        return Checker.checkHistory(build());
    }

    /** Checks and asserts the violations per invariant: {@code counts[i]} for invariant i + 1. */
    static CheckResult assertViolations(History h, long... counts) {
        CheckResult r = Checker.checkHistory(h);
        List<Long> got = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            got.add(r.invariant(i).violations());
        }
        List<Long> want = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            want.add(i < counts.length ? counts[i] : 0L);
        }
        assertEquals(want, got, () -> describe(r));
        return r;
    }

    static String describe(CheckResult r) {
        StringBuilder sb = new StringBuilder();
        for (Violation v : r.violations()) {
            sb.append("\n  ").append(v.invariant()).append(": ").append(v.message()).append(' ').append(v.lines());
        }
        return sb.toString();
    }
}
