package org.mgtm.check;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.mgtm.protocol.Snapshot;

/**
 * The checker's second pass: a sweep over the events in time order, with the facts of the first
 * pass at hand, for invariants 2, 3, 4, 6 and 8 ({@link XminHoldCheck}).
 *
 * <p>"Before" is strict everywhere a violation depends on it: what an invoke at time t may rely
 * on is what completed at a time before t, and anything sent at or before an answer's time counts
 * as possibly applied before that answer. So events that share a time stamp never produce a
 * violation by their order in the file.
 *
 * <p>The running set holds the transactions that may still be running, keyed by their position
 * on a {@link GxidLine}; a snapshot only visits its part below xmax. Transactions leave it when a
 * commit or rollback naming them is sent, or once their session can no longer be shown alive
 * (and they were never prepared), so its size stays near the number of open transactions. The
 * unseen set holds the granted transactions no snapshot has shown finished yet; the first snapshot
 * that does (asked after the grant) marks them, and any later snapshot that lists one as running
 * again undid an end (invariant 4), whatever ended it: a commit or rollback of unknown outcome, or
 * the cleanup of a lost session.
 */
final class SweepPass implements HistorySource.Visitor {
    private static final long NONE = Long.MIN_VALUE;


    private final TxnFacts txns;
    private final Procs procs;
    private final Leadership leadership;
    private final Findings findings;
    private final GxidLine line = new GxidLine();
    private final TreeMap<Long, Integer> running = new TreeMap<>();
    private final TreeMap<Long, Integer> unseen = new TreeMap<>();
    private final long lastSnapshotAsked;
    /** Transactions the current snapshot wrongly shows finished: it does not count as having seen them end. */
    private int[] wrong = new int[8];
    private int wrongCount;
    private final XminHoldCheck xminHolds;
    private final MaxBefore granted = new MaxBefore();
    private final MaxBefore committed = new MaxBefore();
    private long firstAck = Long.MAX_VALUE;
    // Per process (dense index): the operation in flight, and what held when it was sent.
    private final long[] invoked;
    private final long[] invokeLine;
    private final long[] maxThen;
    private final long[] maxLineThen;
    private final boolean[] ackedThen;

    SweepPass(FactsPass facts, Leadership leadership, Findings findings) {
        this.txns = facts.txns;
        this.procs = facts.procs;
        this.leadership = leadership;
        this.findings = findings;
        this.lastSnapshotAsked = facts.lastSnapshotAsked;
        this.xminHolds = new XminHoldCheck(txns, procs, findings);
        int n = procs.size;
        invoked = new long[n];
        invokeLine = new long[n];
        maxThen = new long[n];
        maxLineThen = new long[n];
        ackedThen = new boolean[n];
    }

    @Override
    public void leader(long at, LeaderInterval leader) {
    }

    @Override
    public void event(long at, Event e) {
        int p = procs.find(e.process());
        Operation op = e.op();
        long t = e.time();
        if (e.isInvoke()) {
            invoked[p] = t;
            invokeLine[p] = at;
            if (op instanceof Operation.Begin || op instanceof Operation.BeginMulti) {
                maxThen[p] = granted.value(t);
                maxLineThen[p] = granted.line(t);
            } else if (op instanceof Operation.SnapshotGet || op instanceof Operation.SnapshotMulti) {
                maxThen[p] = committed.value(t);
                maxLineThen[p] = committed.line(t);
                ackedThen[p] = firstAck < t;
            } else if (op instanceof Operation.End end && end.kind() != Operation.EndKind.PREPARE) {
                endSent(end.gxid());
            } else if (op instanceof Operation.EndMulti end) {
                for (int g : end.gxids()) {
                    endSent(g);
                }
            }
            return;
        }
        if (e.type() != Event.Type.OK) {
            return;
        }
        if (e.node() != null) {
            leadership.answer(e.node(), e.term(), invoked[p], t, invokeLine[p], at);
        }
        if (op instanceof Operation.Begin b) {
            begun(p, b.gxid(), 1, t, at);
        } else if (op instanceof Operation.Register r) {
            registered(r.gxid(), t, at);
        } else if (op instanceof Operation.BeginMulti m) {
            begun(p, m.firstGxid(), m.count(), t, at);
        } else if (op instanceof Operation.SnapshotGet s) {
            snapshot(p, s.snapshot(), t, at);
            xminHolds.firstSnapshot(txns.find(s.gxid()), line.place(s.snapshot().xmin()), t, at);
        } else if (op instanceof Operation.SnapshotMulti s) {
            snapshot(p, s.snapshot(), t, at);
            for (int k = 0; k < s.gxids().size(); k++) {
                if (s.entryOk(k)) {
                    xminHolds.firstSnapshot(txns.find(s.gxids().get(k)), line.place(s.snapshot().xmin()), t, at);
                }
            }
        } else if (op instanceof Operation.End end) {
            firstAck = Math.min(firstAck, t);
            if (end.kind() == Operation.EndKind.COMMIT) {
                committed.offer(t, line.place(end.gxid()), at);
            } else if (end.kind() == Operation.EndKind.PREPARE) {
                int i = txns.find(end.gxid());
                if (i >= 0) {
                    enter(i, t);
                }
            }
        } else if (op instanceof Operation.EndMulti end) {
            for (int k = 0; k < end.gxids().size(); k++) {
                if (end.entryOk(k)) {
                    firstAck = Math.min(firstAck, t);
                    if (end.kind() == Operation.EndKind.COMMIT) {
                        committed.offer(t, line.place(end.gxids().get(k)), at);
                    }
                }
            }
        }
    }

    /** A commit or rollback naming the transaction was sent: it may have ended from now on. */
    private void endSent(int gxid) {
        int i = txns.find(gxid);
        if (i >= 0 && txns.has(i, TxnFacts.RUNNING)) {
            running.remove(txns.place[i]);
            txns.set(i, TxnFacts.RUNNING, false);
        }
    }

    /** Invariant 2 for a begin (or a run of {@code count} from a grouped begin); then the grants join the running set. */
    private void begun(int p, int first, int count, long t, long at) {
        long before = maxThen[p];
        long place = line.place(first);
        if (before != NONE) {
            findings.checked(2);
            if (place <= before) {
                findings.violation(2, "begin returned GXID " + GxidArithmetic.toString(first) + ", not after GXID "
                        + GxidArithmetic.toString((int) before) + " whose grant completed before this begin was sent",
                        maxLineThen[p], invokeLine[p], at);
            }
        }
        long last = place;
        for (int k = 0; k < count; k++) {
            int g = GxidArithmetic.groupMember(first, k);
            last = line.place(g);
            int i = txns.find(g);
            if (i >= 0 && txns.grantLine[i] == at) {
                enter(i, t);
                // Only if some snapshot may still show it: a history of begins alone keeps no set.
                if (t < lastSnapshotAsked && !txns.has(i, TxnFacts.VACUUM) && !txns.has(i, TxnFacts.DUPLICATE)) {
                    txns.set(i, TxnFacts.UNSEEN, true);
                    unseen.put(line.place(g), i);
                }
            }
        }
        line.handedOut(last);
        granted.offer(t, last, at);
    }

    /**
     * Sub-cluster mode: a transaction of another sub-cluster became active here. It joins the running and
     * unseen sets like a begun one; invariant 2 does not apply (this sub-cluster did not hand its GXID out).
     */
    private void registered(int g, long t, long at) {
        int i = txns.find(g);
        if (i < 0 || txns.grantLine[i] != at) {
            return;
        }
        enter(i, t);
        if (t < lastSnapshotAsked && !txns.has(i, TxnFacts.DUPLICATE)) {
            txns.set(i, TxnFacts.UNSEEN, true);
            unseen.put(line.place(g), i);
        }
        line.handedOut(line.place(g));
    }

    private void enter(int i, long t) {
        if (txns.has(i, TxnFacts.RUNNING) || txns.has(i, TxnFacts.VACUUM) || txns.has(i, TxnFacts.DUPLICATE)
                || txns.endSent[i] <= t) {
            return;
        }
        long place = line.place(txns.gxid[i]);
        txns.place[i] = place;
        txns.set(i, TxnFacts.RUNNING, true);
        running.put(place, i);
    }

    /** Invariants 3 and 4 for one snapshot answer. */
    private void snapshot(int p, Snapshot s, long done, long at) {
        long asked = invoked[p];
        findings.checked(3);
        if (ackedThen[p]) {
            findings.checked(4);
        }
        String snap = "snapshot " + s;
        int[] xip = s.xip();
        Arrays.sort(xip);
        bounds(s, snap, invokeLine[p], at);
        for (int k = 0; k < s.xcnt(); k++) {
            listed(s.xipAt(k), asked, snap, invokeLine[p], at);
        }
        long xmaxPlace = line.place(s.xmax());
        long committedBefore = maxThen[p];
        if (committedBefore != NONE && committedBefore >= xmaxPlace) {
            findings.violation(3, snap + ": GXID " + GxidArithmetic.toString((int) committedBefore)
                    + " was committed (acknowledged) before the snapshot was asked, but xmax does not cover it",
                    invokeLine[p], at, maxLineThen[p]);
        }
        for (Iterator<Map.Entry<Long, Integer>> it = running.headMap(xmaxPlace, false).entrySet().iterator();
             it.hasNext(); ) {
            int i = it.next().getValue();
            int owner = txns.owner[i];
            boolean alive = owner >= 0 && procs.aliveUntil[owner] >= done;
            boolean preparedBefore = txns.prepared[i] < asked;
            if (!alive && txns.prepared[i] == TxnFacts.NEVER) {
                // Its session cannot be shown alive from now on: it may have been rolled back on disconnect.
                it.remove();
                txns.set(i, TxnFacts.RUNNING, false);
                continue;
            }
            if (txns.endSent[i] <= done || !(preparedBefore || (alive && txns.grantTime[i] < asked))
                    || Arrays.binarySearch(xip, txns.gxid[i]) >= 0) {
                continue;
            }
            String g = "GXID " + GxidArithmetic.toString(txns.gxid[i]);
            if (wrongCount == wrong.length) {
                wrong = Arrays.copyOf(wrong, wrongCount * 2);
            }
            wrong[wrongCount++] = i;
            if (preparedBefore) {
                findings.violation(4, snap + " shows " + g + " as finished (below xmax, not listed), but its prepare"
                        + " was acknowledged before the snapshot was asked and no commit/rollback was sent before"
                        + " its answer", invokeLine[p], at, txns.prepareLine[i]);
            } else {
                findings.violation(3, snap + " shows " + g + " as finished (below xmax, not listed), but it was"
                        + " granted before the snapshot was asked, no commit/rollback was sent before its answer,"
                        + " and its session answered again afterwards", invokeLine[p], at, txns.grantLine[i],
                        procs.aliveLine[owner]);
            }
        }
        for (Iterator<Map.Entry<Long, Integer>> it = unseen.headMap(xmaxPlace, false).entrySet().iterator();
             it.hasNext(); ) {
            int i = it.next().getValue();
            if (txns.grantTime[i] < asked && Arrays.binarySearch(xip, txns.gxid[i]) < 0 && !wrong(i)) {
                txns.seenFinished[i] = done;
                txns.seenLine[i] = at;
                txns.set(i, TxnFacts.UNSEEN, false);
                it.remove();
            }
        }
        wrongCount = 0;
        xminHolds.check(s, line.place(s.recentGlobalXmin()), asked, done, invokeLine[p], at);
    }

    private boolean wrong(int i) {
        for (int k = 0; k < wrongCount; k++) {
            if (wrong[k] == i) {
                return true;
            }
        }
        return false;
    }

    /** Invariant 3's bounds: recent global xmin <= xmin <= every listed GXID < xmax (modulo 2^31). */
    private void bounds(Snapshot s, String snap, long invokeLine, long at) {
        if (GxidArithmetic.follows(s.xmin(), s.xmax())) {
            findings.violation(3, snap + ": xmin follows xmax", invokeLine, at);
        }
        if (GxidArithmetic.follows(s.recentGlobalXmin(), s.xmin())) {
            findings.violation(3, snap + ": recent global xmin follows xmin", invokeLine, at);
        }
        int outside = 0;
        int first = 0;
        for (int k = 0; k < s.xcnt(); k++) {
            int x = s.xipAt(k);
            if ((GxidArithmetic.precedes(x, s.xmin()) || GxidArithmetic.followsOrEquals(x, s.xmax())) && outside++ == 0) {
                first = x;
            }
        }
        if (outside > 0) {
            findings.violation(3, snap + ": " + outside + " listed GXID(s) outside [xmin, xmax), e.g. "
                    + GxidArithmetic.toString(first), invokeLine, at);
        }
    }

    /** Invariant 4 for one listed GXID: its end was acknowledged, or a snapshot already showed it finished. */
    private void listed(int x, long asked, String snap, long invokeLine, long at) {
        int i = txns.find(x);
        if (i < 0 || txns.has(i, TxnFacts.DUPLICATE)) {
            return;
        }
        if (txns.endAcked[i] < asked) {
            findings.violation(4, snap + " lists GXID " + GxidArithmetic.toString(x) + " as running, but its "
                    + (txns.endAckIsCommit[i] ? "commit" : "rollback")
                    + " was acknowledged before the snapshot was asked", invokeLine, at, txns.endAckLine[i]);
        } else if (txns.seenFinished[i] < asked) {
            findings.violation(4, snap + " lists GXID " + GxidArithmetic.toString(x) + " as running, but a snapshot"
                    + " answered before this one was asked showed it finished", invokeLine, at, txns.seenLine[i]);
        }
    }
}
