package org.mgtm.check.pcap;

import java.util.ArrayList;
import java.util.List;
import org.mgtm.check.Event;
import org.mgtm.check.Operation;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.TxnRef;

/**
 * One request and its answer as history operations: which operation a request is, and what its
 * answer makes of it. Requests that name transactions by handle (never sent by backends) and those
 * the checker has no use for (GET_CURRENT, TXN_BEGIN, ...) are not operations: they give null.
 *
 * <p>An error answer is a {@code fail} (it did not take effect), except where the answer itself
 * says the outcome is unknown: mgtm's "its outcome is unknown" errors, gtm_proxy's "GTMPQgetResult
 * failed" (its GTM link broke) and "Wrong result" (it misread the GTM), and any ERROR2, which
 * gtm_proxy sends to whichever backend sits in its last slot (protocol notes, "What gtm_proxy answers backends"), not necessarily the one
 * whose request failed. Those are {@code info}.
 */
final class RequestTranslation {
    /** The completion: its type, the operation with its result, and the error text if any. */
    record Outcome(Event.Type type, Operation op, String error) {
    }

    private RequestTranslation() {
    }

    static Operation invoke(Request r, SequenceDefinitions sequences) {
        if (r instanceof Request.TxnBeginGetGxid) {
            return Operation.begin();
        } else if (r instanceof Request.TxnBeginGetGxidAutovacuum) {
            return new Operation.Begin(0, true);
        } else if (r instanceof Request.TxnBeginGetGxidMulti m) {
            return m.entries().isEmpty() ? null : Operation.beginMulti(m.entries().size());
        } else if (r instanceof Request.TxnCommit c) {
            return c.txn().isGxid() ? Operation.commit(c.txn().id()) : null;
        } else if (r instanceof Request.TxnRollback c) {
            return c.txn().isGxid() ? Operation.rollback(c.txn().id()) : null;
        } else if (r instanceof Request.TxnPrepare c) {
            return c.txn().isGxid() ? Operation.prepare(c.txn().id()) : null;
        } else if (r instanceof Request.TxnCommitMulti m) {
            List<Integer> g = gxids(m.txns());
            return g.isEmpty() ? null : new Operation.EndMulti(Operation.EndKind.COMMIT, g, null);
        } else if (r instanceof Request.TxnRollbackMulti m) {
            List<Integer> g = gxids(m.txns());
            return g.isEmpty() ? null : new Operation.EndMulti(Operation.EndKind.ROLLBACK, g, null);
        } else if (r instanceof Request.SnapshotGet s) {
            return s.txn().isGxid() ? Operation.snapshot(s.txn().id()) : null;
        } else if (r instanceof Request.SnapshotGetMulti m) {
            List<Integer> g = gxids(m.txns());
            return g.isEmpty() ? null : new Operation.SnapshotMulti(g, null, null);
        } else if (r instanceof Request.SequenceGetNext n) {
            return Operation.seqNext(n.key().toString());
        }
        return sequences.redefinition(r);
    }

    static Outcome complete(Request r, Operation op, Response answer) {
        if (answer instanceof Response.Error e) {
            boolean unknown = Response.ERROR2.equals(e.severity()) || contains(e, Response.OUTCOME_UNKNOWN)
                    || contains(e, "GTMPQgetResult failed") || contains(e, "Wrong result");
            return new Outcome(unknown ? Event.Type.INFO : Event.Type.FAIL, op, e.severity() + ": " + e.message());
        }
        if (op instanceof Operation.Begin b && answer instanceof Response.BeginGxid g) {
            return ok(new Operation.Begin(g.gxid(), b.vacuum()));
        }
        if (op instanceof Operation.BeginMulti && answer instanceof Response.BeginGxidMulti m && m.count() >= 1
                && m.count() <= Operation.BeginMulti.MAX_MULTI) {
            return ok(Operation.beginMulti(m.count(), m.firstGxid()));
        }
        if (op instanceof Operation.End && answer instanceof Response.Ended e) {
            // GTM's status -1: no such transaction, the request did nothing (gtm_proxy sends no status).
            return e.hasStatus() && e.status() != Response.STATUS_OK
                    ? new Outcome(Event.Type.FAIL, op, "status " + e.status() + ": no such transaction")
                    : ok(op);
        }
        if (op instanceof Operation.End end && end.kind() == Operation.EndKind.PREPARE
                && answer instanceof Response.Prepared) {
            return ok(op);
        }
        if (op instanceof Operation.EndMulti end && answer instanceof Response.EndedMulti e) {
            List<Integer> statuses = kept(r, e.statuses());
            if (statuses != null) {
                return ok(new Operation.EndMulti(end.kind(), end.gxids(), statuses));
            }
        }
        if (op instanceof Operation.SnapshotGet s && answer instanceof Response.SnapshotResult sr) {
            return sr.status() == Response.STATUS_OK ? ok(Operation.snapshot(s.gxid(), sr.snapshot()))
                    : new Outcome(Event.Type.FAIL, op, "status " + sr.status() + ": no such transaction");
        }
        if (op instanceof Operation.SnapshotMulti s && answer instanceof Response.SnapshotMultiResult sr) {
            List<Integer> statuses = kept(r, sr.statuses());
            if (statuses != null) {
                return ok(new Operation.SnapshotMulti(s.gxids(), statuses, sr.snapshot()));
            }
        }
        if (op instanceof Operation.SeqCreate && answer instanceof Response.SequenceKeyResult) {
            return ok(op);
        }
        if (op instanceof Operation.SeqNext n && answer instanceof Response.SequenceValue v) {
            return ok(Operation.seqNext(n.key(), v.value()));
        }
        return new Outcome(Event.Type.INFO, op, "answer " + answer + " does not fit the request");
    }

    /** Whether an answer says the request took effect. */
    static boolean succeeded(Response answer) {
        return answer instanceof Response.Success;
    }

    private static Outcome ok(Operation op) {
        return new Outcome(Event.Type.OK, op, null);
    }

    private static boolean contains(Response.Error e, String text) {
        return e.message() != null && e.message().contains(text);
    }

    private static List<Integer> gxids(List<TxnRef> refs) {
        List<Integer> out = new ArrayList<>();
        for (TxnRef ref : refs) {
            if (ref.isGxid()) {
                out.add(ref.id());
            }
        }
        return out;
    }

    /** The statuses of the entries that named a GXID (the ones the operation lists), or null if they do not match. */
    private static List<Integer> kept(Request r, List<Integer> statuses) {
        List<TxnRef> refs = r instanceof Request.TxnCommitMulti m ? m.txns()
                : r instanceof Request.TxnRollbackMulti m ? m.txns()
                : r instanceof Request.SnapshotGetMulti m ? m.txns() : List.of();
        if (refs.size() != statuses.size()) {
            return null;
        }
        List<Integer> out = new ArrayList<>();
        for (int k = 0; k < refs.size(); k++) {
            if (refs.get(k).isGxid()) {
                out.add(statuses.get(k));
            }
        }
        return out;
    }
}
