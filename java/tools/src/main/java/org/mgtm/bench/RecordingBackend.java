package org.mgtm.bench;

import java.util.concurrent.CompletableFuture;
import org.mgtm.check.HistoryRecorder;
import org.mgtm.check.Operation;
import org.mgtm.client.Futures;
import org.mgtm.client.GtmException;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.Snapshot;

/**
 * A backend whose every request goes into a history (bench --history): the invoke just before
 * the request is sent, the outcome as soon as the answer (or the loss of the connection) is known,
 * before the caller's next step can send anything. An error answer is a definite failure, unless it says
 * the outcome is unknown ({@link GtmException#OUTCOME_UNKNOWN}: a proxy's deadline, an unconfirmed log
 * append); such an answer, a lost connection or anything else unexpected is an unknown outcome, after
 * which the backend records as a new process, as the history format requires.
 */
final class RecordingBackend implements BenchBackend {
    private final BenchBackend inner;
    private final HistoryRecorder recorder;
    /** The sub-cluster this backend's GTM is (null: a single group's history). */
    private final String subcluster;
    // Written by the completion of one request and read when the next is sent; the future chain orders them.
    private volatile int process;

    RecordingBackend(BenchBackend inner, HistoryRecorder recorder) {
        this(inner, recorder, null);
    }

    /** A backend of sub-cluster {@code subcluster}: its processes are listed under that sub-cluster. */
    RecordingBackend(BenchBackend inner, HistoryRecorder recorder, String subcluster) {
        this.inner = inner;
        this.recorder = recorder;
        this.subcluster = subcluster;
        this.process = newProcess();
    }

    private int newProcess() {
        return subcluster == null ? recorder.newProcess() : recorder.newProcess(subcluster);
    }

    @Override
    public CompletableFuture<Integer> begin() {
        int p = process;
        recorder.invoke(p, Operation.begin());
        return inner.begin().whenComplete((gxid, failure) -> {
            if (failure == null) {
                recorder.ok(p, Operation.begin(gxid));
            } else {
                failed(p, Operation.begin(), failure);
            }
        });
    }

    @Override
    public CompletableFuture<Snapshot> snapshot(int gxid) {
        int p = process;
        recorder.invoke(p, Operation.snapshot(gxid));
        return inner.snapshot(gxid).whenComplete((snapshot, failure) -> {
            if (failure == null) {
                recorder.ok(p, Operation.snapshot(gxid, snapshot));
            } else {
                failed(p, Operation.snapshot(gxid), failure);
            }
        });
    }

    @Override
    public CompletableFuture<?> commit(int gxid) {
        int p = process;
        recorder.invoke(p, Operation.commit(gxid));
        return inner.commit(gxid).whenComplete((answer, failure) -> {
            if (failure != null) {
                failed(p, Operation.commit(gxid), failure);
            } else if (answer instanceof Response.Ended e && e.hasStatus() && e.status() != Response.STATUS_OK) {
                // An XC GTM answers an unknown GXID with success and status -1: nothing was committed.
                recorder.fail(p, Operation.commit(gxid), "status " + e.status());
            } else {
                recorder.ok(p, Operation.commit(gxid));
            }
        });
    }

    private void failed(int p, Operation op, Throwable failure) {
        Throwable cause = Futures.cause(failure);
        if (cause instanceof GtmException g && !g.isOutcomeUnknown()) {
            recorder.fail(p, op, g.getMessage());
        } else {
            recorder.info(p, op, String.valueOf(cause.getMessage()));
            process = newProcess();
        }
    }
}
