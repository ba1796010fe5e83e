package org.mgtm.bench;

import java.util.concurrent.CompletableFuture;
import org.mgtm.check.HistoryRecorder;
import org.mgtm.check.Operation;
import org.mgtm.client.CrossTransactions;
import org.mgtm.client.GtmException;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.subcluster.SubclusterRequest;
import org.mgtm.protocol.subcluster.SubclusterResponse;

/**
 * One group's endpoint of a cross-sub-cluster client, recording every request into a history of several
 * sub-clusters under its own process (listed under the group's name): begin (plain or above a floor), register,
 * snapshot, prepare, commit, rollback, and at the G-GTM decide and forget. The caller keeps one request in flight
 * per endpoint. An error answer is a definite failure unless it says the outcome is unknown; no answer (the
 * session's deadline) is an unknown outcome, after which the endpoint records as a new process.
 */
final class RecordingEndpoint implements CrossTransactions.Endpoint {
    private final CrossTransactions.Endpoint inner;
    private final HistoryRecorder recorder;
    private final String group;
    private volatile int process;

    RecordingEndpoint(CrossTransactions.Endpoint inner, HistoryRecorder recorder, String group) {
        this.inner = inner;
        this.recorder = recorder;
        this.group = group;
        this.process = recorder.newProcess(group);
    }

    @Override
    public CompletableFuture<Response> submit(Request request) {
        Operation op = operation(request);
        if (op == null) {
            return inner.submit(request);
        }
        int p = process;
        recorder.invoke(p, op);
        return inner.submit(request).whenComplete((reply, failure) -> {
            if (failure != null) {
                recorder.info(p, op, String.valueOf(failure.getMessage()));
                process = recorder.newProcess(group);
            } else {
                outcome(p, op, reply);
            }
        });
    }

    private static Operation operation(Request r) {
        if (r instanceof Request.TxnBeginGetGxid || r instanceof SubclusterRequest.BeginAbove) {
            return new Operation.Begin(0, false);
        } else if (r instanceof SubclusterRequest.Register g) {
            return new Operation.Register(g.gxid());
        } else if (r instanceof Request.SnapshotGet s && s.txn().isGxid()) {
            return new Operation.SnapshotGet(s.txn().id(), null);
        } else if (r instanceof SubclusterRequest.PrepareCross p) {
            return new Operation.End(Operation.EndKind.PREPARE, p.gxid());
        } else if (r instanceof Request.TxnCommit c && c.txn().isGxid()) {
            return new Operation.End(Operation.EndKind.COMMIT, c.txn().id());
        } else if (r instanceof Request.TxnRollback c && c.txn().isGxid()) {
            return new Operation.End(Operation.EndKind.ROLLBACK, c.txn().id());
        } else if (r instanceof SubclusterRequest.Decide d) {
            return new Operation.Decide(d.gxid(), d.commit(), null);
        } else if (r instanceof SubclusterRequest.Forget f) {
            return new Operation.Forget(f.gxid());
        }
        return null;
    }

    private void outcome(int p, Operation op, Response reply) {
        if (reply instanceof Response.Error e && String.valueOf(e.message()).contains(GtmException.OUTCOME_UNKNOWN)) {
            recorder.info(p, op, e.message());
            process = recorder.newProcess(group);
            return;
        }
        Operation result = null;
        if (op instanceof Operation.Begin && reply instanceof Response.BeginGxid b) {
            result = new Operation.Begin(b.gxid(), false);
        } else if (op instanceof Operation.Register && reply instanceof SubclusterResponse.Registered) {
            result = op;
        } else if (op instanceof Operation.SnapshotGet s && reply instanceof Response.SnapshotResult r) {
            result = new Operation.SnapshotGet(s.gxid(), r.snapshot());
        } else if (op instanceof Operation.End e && e.kind() == Operation.EndKind.PREPARE
                && reply instanceof Response.Prepared) {
            result = op;
        } else if (op instanceof Operation.End && reply instanceof Response.Ended) {
            result = op;
        } else if (op instanceof Operation.Decide d && reply instanceof SubclusterResponse.Decision decision) {
            result = new Operation.Decide(d.gxid(), d.commit(), decision.commit());
        } else if (op instanceof Operation.Forget) {
            result = op;
        }
        if (result != null) {
            recorder.ok(p, result);
        } else {
            recorder.fail(p, op, describe(reply));
        }
    }

    private static String describe(Response reply) {
        if (reply instanceof Response.Error e) {
            return e.message();
        }
        if (reply instanceof SubclusterResponse.Refused r) {
            return r.message();
        }
        return String.valueOf(reply);
    }
}
