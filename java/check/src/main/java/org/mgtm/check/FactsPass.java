package org.mgtm.check;

import java.util.ArrayList;
import java.util.List;

/**
 * The checker's first pass, in file order: enforces the format's rules (time order, one
 * operation in flight per process, no process used after an info), learns what the second pass
 * needs about every transaction and process (including, for invariant 8, each transaction's first
 * snapshot), and checks what needs no time sweep: invariant 1 (each grant is looked up in the GXID
 * index), 5 (at the end, {@link SequenceCheck}) and 7.
 */
final class FactsPass implements HistorySource.Visitor {
    private record BadInput(int proc, Event.Type type, String what, String outcome, long invoked, long done,
                            long invokeLine, long line) {
    }

    final TxnFacts txns = new TxnFacts();
    final Procs procs = new Procs();
    final List<LeaderInterval> leaders = new ArrayList<>();
    final List<Long> leaderLines = new ArrayList<>();
    private final SequenceCheck sequences = new SequenceCheck();
    private final List<BadInput> badInputs = new ArrayList<>();
    private final String source;
    private final Findings findings;
    private long lastTime = Long.MIN_VALUE;
    long events;
    /** Invoke time of the last snapshot that was answered. */
    long lastSnapshotAsked = Long.MIN_VALUE;

    FactsPass(String source, Findings findings) {
        this.source = source;
        this.findings = findings;
    }

    @Override
    public void leader(long line, LeaderInterval leader) {
        leaders.add(leader);
        leaderLines.add(line);
    }

    @Override
    public void event(long line, Event e) {
        events++;
        if (e.time() < lastTime) {
            throw new HistoryFormatException(source, line, "events are not in time order (t " + e.time()
                    + " after " + lastTime + ")");
        }
        lastTime = e.time();
        int p = procs.indexOf(e.process());
        if (e.isInvoke()) {
            invoke(line, e, p);
        } else {
            complete(line, e, p);
        }
    }

    private void invoke(long line, Event e, int p) {
        if (procs.retiredAt[p] != 0) {
            throw new HistoryFormatException(source, line, "process " + e.process()
                    + " is used again after the unknown outcome at line " + procs.retiredAt[p]);
        }
        if (procs.pending[p] != null) {
            throw new HistoryFormatException(source, line, "process " + e.process() + " invokes "
                    + e.op().name() + " while its " + procs.pending[p].name() + " of line "
                    + procs.pendingLine[p] + " is in flight");
        }
        procs.pending[p] = e.op();
        procs.pendingTime[p] = e.time();
        procs.pendingLine[p] = line;
        if (!(e.op() instanceof Operation.BadInput)) {
            procs.lastInvoke[p] = e.time();
            procs.lastInvokeLine[p] = line;
        }
        if (e.op() instanceof Operation.End end && end.kind() != Operation.EndKind.PREPARE) {
            endSent(end.gxid(), e.time());
        } else if (e.op() instanceof Operation.EndMulti end) {
            for (int g : end.gxids()) {
                endSent(g, e.time());
            }
        } else if (e.op() instanceof Operation.SnapshotGet s) {
            snapshotAsked(s.gxid());
        } else if (e.op() instanceof Operation.SnapshotMulti s) {
            for (int g : s.gxids()) {
                snapshotAsked(g);
            }
        }
    }

    private void endSent(int gxid, long time) {
        int i = txns.findOrAdd(gxid);
        txns.endSent[i] = Math.min(txns.endSent[i], time);
    }

    /**
     * Invariant 8 needs each transaction's first snapshot, the one whose computation set its xmin
     * on the GTM. Two requests for it in flight at once leave unknown which came first.
     */
    private void snapshotAsked(int gxid) {
        int i = txns.findOrAdd(gxid);
        if (txns.firstSnap[i] == TxnFacts.SNAP_NONE) {
            txns.firstSnap[i] = TxnFacts.SNAP_PENDING;
        } else if (txns.firstSnap[i] == TxnFacts.SNAP_PENDING) {
            txns.firstSnap[i] = TxnFacts.SNAP_AMBIGUOUS;
        }
    }

    /**
     * The answer (or lack of one) to a snapshot request naming {@code gxid}: an ok entry gives the
     * first snapshot; an error did nothing; an unknown outcome may have set the xmin unseen.
     */
    private void snapshotAnswered(int gxid, Event.Type type, boolean entryOk, int xmin, long time, long line) {
        int i = txns.find(gxid);
        if (i < 0 || txns.firstSnap[i] != TxnFacts.SNAP_PENDING) {
            return;
        }
        if (type == Event.Type.INFO) {
            txns.firstSnap[i] = TxnFacts.SNAP_AMBIGUOUS;
        } else if (type == Event.Type.OK && entryOk) {
            txns.firstSnap[i] = TxnFacts.SNAP_KNOWN;
            txns.firstXmin[i] = xmin;
            txns.firstSnapDone[i] = time;
            txns.firstSnapLine[i] = line;
        } else {
            txns.firstSnap[i] = TxnFacts.SNAP_NONE;
        }
    }

    private void complete(long line, Event e, int p) {
        Operation sent = procs.pending[p];
        if (sent == null) {
            throw new HistoryFormatException(source, line, "process " + e.process() + " completes "
                    + e.op().name() + " without an invoke");
        }
        if (!sent.name().equals(e.op().name())) {
            throw new HistoryFormatException(source, line, "process " + e.process() + " completes "
                    + e.op().name() + " but its " + sent.name() + " of line " + procs.pendingLine[p] + " is in flight");
        }
        procs.pending[p] = null;
        long invoked = procs.pendingTime[p];
        long invokeLine = procs.pendingLine[p];
        boolean ok = e.type() == Event.Type.OK;
        if (e.type() == Event.Type.INFO) {
            procs.retiredAt[p] = line;
        }
        Operation op = e.op();
        if (ok && !(op instanceof Operation.BadInput) && invoked >= procs.aliveUntil[p]) {
            procs.aliveUntil[p] = invoked;
            procs.aliveLine[p] = line;
            procs.lastOkInvoke[p] = invoked;
        }
        if (op instanceof Operation.Begin b && ok) {
            grant(b.gxid(), b.vacuum(), p, e.time(), line);
        } else if (op instanceof Operation.Register r && ok) {
            // Active here from now on like a begun transaction, though another sub-cluster handed it out.
            int i = grant(r.gxid(), false, true, p, e.time(), line);
            txns.set(i, TxnFacts.REGISTERED, true);
        } else if (op instanceof Operation.BeginMulti m && ok) {
            for (int k = 0; k < m.count(); k++) {
                grant(GxidArithmetic.groupMember(m.firstGxid(), k), false, p, e.time(), line);
            }
        } else if (op instanceof Operation.SnapshotGet s) {
            if (ok) {
                lastSnapshotAsked = Math.max(lastSnapshotAsked, invoked);
            }
            snapshotAnswered(s.gxid(), e.type(), true, ok ? s.snapshot().xmin() : 0, e.time(), line);
        } else if (op instanceof Operation.SnapshotMulti s) {
            if (ok) {
                lastSnapshotAsked = Math.max(lastSnapshotAsked, invoked);
            }
            for (int k = 0; k < s.gxids().size(); k++) {
                snapshotAnswered(s.gxids().get(k), e.type(), s.entryOk(k), ok ? s.snapshot().xmin() : 0,
                        e.time(), line);
            }
        } else if (op instanceof Operation.End end && ok) {
            int i = txns.findOrAdd(end.gxid());
            if (end.kind() == Operation.EndKind.PREPARE) {
                if (txns.prepared[i] == TxnFacts.NEVER) {
                    txns.prepared[i] = e.time();
                    txns.prepareLine[i] = line;
                }
            } else {
                endAcked(i, end.kind(), e.time(), line);
            }
        } else if (op instanceof Operation.EndMulti end && ok) {
            for (int k = 0; k < end.gxids().size(); k++) {
                if (end.entryOk(k)) {
                    endAcked(txns.findOrAdd(end.gxids().get(k)), end.kind(), e.time(), line);
                }
            }
        } else if (op instanceof Operation.SeqCreate c && e.type() != Event.Type.FAIL) {
            sequences.define(c.key(), ok ? c : null, invoked, ok ? e.time() : TxnFacts.NEVER);
        } else if (op instanceof Operation.SeqNext n) {
            if (ok) {
                sequences.value(n.key(), n.value(), invoked, e.time(), line);
            } else if (e.type() == Event.Type.INFO) {
                sequences.advance(n.key(), invoked);
            }
        } else if (op instanceof Operation.BadInput b) {
            badInputs.add(new BadInput(p, e.type(), b.what(), b.outcome(), invoked, e.time(), invokeLine, line));
        }
    }

    private void endAcked(int i, Operation.EndKind kind, long time, long line) {
        if (txns.endAcked[i] == TxnFacts.NEVER) {
            txns.endAcked[i] = time;
            txns.endAckLine[i] = line;
            txns.endAckIsCommit[i] = kind == Operation.EndKind.COMMIT;
        }
    }

    private int grant(int gxid, boolean vacuum, int p, long time, long line) {
        return grant(gxid, vacuum, false, p, time, line);
    }

    private int grant(int gxid, boolean vacuum, boolean registered, int p, long time, long line) {
        findings.checked(1);
        int i = txns.findOrAdd(gxid);
        if (txns.grantLine[i] != 0) {
            txns.set(i, TxnFacts.DUPLICATE, true);
            findings.violation(1, "GXID " + GxidArithmetic.toString(gxid) + (registered ? " became active twice"
                    + " (registered from another sub-cluster)" : " was handed out twice"), txns.grantLine[i], line);
            return i;
        }
        txns.grantTime[i] = time;
        txns.grantLine[i] = line;
        txns.owner[i] = p;
        txns.set(i, TxnFacts.VACUUM, vacuum);
        return i;
    }

    /** After the scan: operations still in flight have unknown outcomes; then invariants 5 and 7. */
    void finish() {
        for (int p = 0; p < procs.size; p++) {
            Operation op = procs.pending[p];
            if (op instanceof Operation.SeqNext n) {
                sequences.advance(n.key(), procs.pendingTime[p]);
            } else if (op instanceof Operation.SeqCreate c) {
                sequences.define(c.key(), null, procs.pendingTime[p], TxnFacts.NEVER);
            } else if (op instanceof Operation.BadInput b) {
                badInputs.add(new BadInput(p, Event.Type.INFO, b.what(), null, procs.pendingTime[p],
                        TxnFacts.NEVER, procs.pendingLine[p], 0));
            }
        }
        sequences.check(findings);
        checkBadInputs();
    }

    /**
     * Invariant 7. The connection that got the bad input must see an error answer or be closed;
     * and once that was seen (or, if it was not, once the bad input was sent), the other clients
     * must still be served: if operations were invoked on other processes after that point and not
     * one of them succeeded, the server stopped serving everyone.
     */
    private void checkBadInputs() {
        if (badInputs.isEmpty()) {
            findings.notChecked(7, "no bad-input operations in the history");
        }
        for (BadInput b : badInputs) {
            findings.checked(7);
            String what = "bad input \"" + b.what() + "\" of process " + procs.id[b.proc()];
            if (b.type() == Event.Type.OK && !Operation.OUTCOME_ERROR.equals(b.outcome())
                    && !Operation.OUTCOME_CLOSED.equals(b.outcome())) {
                findings.violation(7, what + " got outcome \"" + b.outcome()
                        + "\": neither an error answer nor a closed connection", b.invokeLine(), b.line());
            }
            long after = b.type() == Event.Type.OK ? b.done() : b.invoked();
            int others = 0;
            int latest = -1;
            boolean served = false;
            for (int q = 0; q < procs.size; q++) {
                if (q == b.proc() || procs.lastInvoke[q] <= after) {
                    continue;
                }
                others++;
                if (latest < 0 || procs.lastInvoke[q] > procs.lastInvoke[latest]) {
                    latest = q;
                }
                if (procs.lastOkInvoke[q] > after) {
                    served = true;
                    break;
                }
            }
            if (others > 0 && !served) {
                findings.violation(7, what + ": no operation of another process invoked after it succeeded ("
                        + others + " processes tried)", b.invokeLine(), b.line(), procs.lastInvokeLine[latest]);
            }
        }
    }
}
