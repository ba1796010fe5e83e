package org.mgtm.proxy;

import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.mgtm.client.Futures;
import org.mgtm.client.GtmException;
import org.mgtm.core.Gxids;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.ResultType;
import org.mgtm.protocol.TxnRef;

/**
 * Groups the requests of all backends into rounds, as gtm_proxy's worker does, but for the whole
 * proxy. A round sends all waiting begins as one multi-begin, commits and rollbacks as one
 * multi-commit and one multi-rollback, and every snapshot request as one multi-snapshot (one snapshot
 * computed for all of them), then forwards the rest one by one with the backend's slot. Answers are
 * shared out in the XC forms gtm_proxy gives backends.
 *
 * <p>Up to {@code maxRoundsOut} rounds are out at once: a request that arrives while fewer are out
 * leaves at once in a round of its own making, and while that many are out new requests wait and
 * form the next round, which leaves as soon as one comes back. So a lone backend is not held behind
 * others' rounds, and under load the rounds fill up while earlier ones replicate. A backend's own
 * requests keep their order: it sends one and waits for its answer, except the BACKEND_DISCONNECT
 * the proxy sends for it when it goes away, which always travels in a later round (or after the
 * grouped requests of the same round); the upstream applies a session's requests in the order they
 * were sent, also when it resubmits them after a failover.
 *
 * <p>This is the one grouper: mgtm_proxy runs it, and {@code mgtm bench --proxy-framing} runs it too, so the
 * bench measures the grouping that ships.
 *
 * <p>All state is touched only on {@code loop} (the upstream session's event loop).
 */
public final class Grouper {
    /** A backend's request waiting in a round, with the callback that writes its answer. */
    private record Waiter(int slot, Request request, Consumer<Response> answer) {
    }

    /** Rounds out at once unless told otherwise (mgtm proxy --max-rounds-out). */
    public static final int DEFAULT_MAX_ROUNDS_OUT = 4;

    /** The requests of one round still waiting for their answers. */
    private static final class Round {
        int unanswered;
    }

    private final Upstream upstream;
    private final EventExecutor loop;
    private final ProxyStats stats;
    private final int maxRoundsOut;
    private List<Waiter> begins = new ArrayList<>();
    private List<Waiter> commits = new ArrayList<>();
    private List<Waiter> rollbacks = new ArrayList<>();
    private List<Waiter> snapshots = new ArrayList<>();
    private List<Waiter> forwards = new ArrayList<>();
    private int roundsOut;

    public Grouper(Upstream upstream, EventExecutor loop, ProxyStats stats) {
        this(upstream, loop, stats, DEFAULT_MAX_ROUNDS_OUT);
    }

    /** @param maxRoundsOut rounds out at once (1: the next round leaves when the last answer of the previous came) */
    public Grouper(Upstream upstream, EventExecutor loop, ProxyStats stats, int maxRoundsOut) {
        if (maxRoundsOut < 1) {
            throw new IllegalArgumentException("at least one round must be allowed out, not " + maxRoundsOut);
        }
        this.upstream = upstream;
        this.loop = loop;
        this.stats = stats;
        this.maxRoundsOut = maxRoundsOut;
    }

    /** Queues a backend's request; {@code answer} gets its XC answer (None for requests without one). */
    public void submit(int slot, Request request, Consumer<Response> answer) {
        Waiter w = new Waiter(slot, request, answer);
        if (loop.inEventLoop()) {
            add(w);
        } else {
            loop.execute(() -> add(w));
        }
    }

    private void add(Waiter w) {
        Request r = w.request;
        if (r instanceof Request.TxnBeginGetGxid) {
            begins.add(w);
        } else if (r instanceof Request.TxnCommit) {
            commits.add(w);
        } else if (r instanceof Request.TxnRollback) {
            rollbacks.add(w);
        } else if (r instanceof Request.SnapshotGet s && s.canBeGrouped()) {
            snapshots.add(w);
        } else {
            forwards.add(w);
        }
        if (roundsOut < maxRoundsOut) {
            sendRound();
        }
    }

    private void sendRound() {
        if (begins.isEmpty() && commits.isEmpty() && rollbacks.isEmpty() && snapshots.isEmpty() && forwards.isEmpty()) {
            return;
        }
        stats.roundSent(begins.size() + commits.size() + rollbacks.size() + snapshots.size() + forwards.size());
        roundsOut++;
        Round round = new Round();
        List<Waiter> b = begins;
        List<Waiter> c = commits;
        List<Waiter> r = rollbacks;
        List<Waiter> s = snapshots;
        List<Waiter> f = forwards;
        begins = new ArrayList<>();
        commits = new ArrayList<>();
        rollbacks = new ArrayList<>();
        snapshots = new ArrayList<>();
        forwards = new ArrayList<>();
        if (!b.isEmpty()) {
            List<Request.BeginEntry> entries = new ArrayList<>(b.size());
            for (Waiter w : b) {
                Request.TxnBeginGetGxid begin = (Request.TxnBeginGetGxid) w.request;
                entries.add(new Request.BeginEntry(begin.isolation(), begin.readOnly(), (short) w.slot));
            }
            group(round, new Request.TxnBeginGetGxidMulti(entries), b, this::shareBegins);
        }
        if (!c.isEmpty()) {
            group(round, new Request.TxnCommitMulti(refs(c)), c,
                    (resp, ws) -> shareEnds(resp, ws, ResultType.TXN_COMMIT));
        }
        if (!r.isEmpty()) {
            group(round, new Request.TxnRollbackMulti(refs(r)), r,
                    (resp, ws) -> shareEnds(resp, ws, ResultType.TXN_ROLLBACK));
        }
        if (!s.isEmpty()) {
            group(round, new Request.SnapshotGetMulti(refs(s)), s, this::shareSnapshots);
        }
        // Forwarded after the grouped ones: a backend's BACKEND_DISCONNECT never overtakes its last request.
        for (Waiter w : f) {
            stats.forwardedRequests.increment();
            send(round, w.slot, w.request, List.of(w), (resp, ws) -> ws.get(0).answer.accept(resp));
        }
        upstream.endOfRound();
    }

    private interface Sharer {
        void share(Response response, List<Waiter> waiters);
    }

    private void group(Round round, Request multi, List<Waiter> waiters, Sharer sharer) {
        stats.multiRequests.increment();
        stats.groupedBackendRequests.add(waiters.size());
        send(round, -1, multi, waiters, sharer);
    }

    private void send(Round round, int backendId, Request request, List<Waiter> waiters, Sharer sharer) {
        round.unanswered++;
        CompletableFuture<Response> reply;
        try {
            reply = upstream.submit(backendId, request);
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        reply.whenComplete((response, failure) -> loop.execute(() -> {
            if (failure != null) {
                Response error = unavailable(failure);
                stats.failedRequests.add(waiters.size());
                for (Waiter w : waiters) {
                    w.answer.accept(error);
                }
            } else {
                // Each sharer hands an 'E' answer to every waiter of the group (unexpected() keeps it as is).
                sharer.share(response, waiters);
            }
            if (--round.unanswered == 0) {
                roundsOut--;
                sendRound();
            }
        }));
    }

    private static Response unavailable(Throwable failure) {
        Throwable cause = Futures.cause(failure);
        String why = cause instanceof GtmException g ? g.getMessage() : String.valueOf(cause);
        String unknown = why.contains(GtmException.OUTCOME_UNKNOWN) ? "" : " (" + GtmException.OUTCOME_UNKNOWN + ")";
        return Response.Error.error("mgtm_proxy: the GTM group did not answer" + unknown + ": " + why);
    }

    private static List<TxnRef> refs(List<Waiter> waiters) {
        List<TxnRef> refs = new ArrayList<>(waiters.size());
        for (Waiter w : waiters) {
            refs.add(ref(w.request));
        }
        return refs;
    }

    private static TxnRef ref(Request r) {
        if (r instanceof Request.TxnCommit c) {
            return c.txn();
        }
        if (r instanceof Request.TxnRollback c) {
            return c.txn();
        }
        return ((Request.SnapshotGet) r).txn();
    }

    private void shareBegins(Response response, List<Waiter> waiters) {
        if (!(response instanceof Response.BeginGxidMulti multi) || multi.count() != waiters.size()) {
            answerAll(waiters, unexpected(response));
            return;
        }
        for (int i = 0; i < waiters.size(); i++) {
            waiters.get(i).answer.accept(new Response.BeginGxid(ResultType.TXN_BEGIN_GETGXID,
                    Gxids.groupMember(multi.firstGxid(), i)));
        }
    }

    private void shareEnds(Response response, List<Waiter> waiters, ResultType type) {
        if (!(response instanceof Response.EndedMulti multi) || multi.statuses().size() != waiters.size()) {
            answerAll(waiters, unexpected(response));
            return;
        }
        for (int i = 0; i < waiters.size(); i++) {
            Waiter w = waiters.get(i);
            w.answer.accept(multi.statuses().get(i) == Response.STATUS_OK
                    // gtm_proxy's form: the GXID the backend sent, no status word.
                    ? new Response.Ended(type, ref(w.request).id(), false, Response.STATUS_OK)
                    : new Response.Error(Response.ERROR2, "Transaction commit failed"));
        }
    }

    private void shareSnapshots(Response response, List<Waiter> waiters) {
        if (!(response instanceof Response.SnapshotMultiResult multi) || multi.statuses().size() != waiters.size()) {
            answerAll(waiters, unexpected(response));
            return;
        }
        for (int i = 0; i < waiters.size(); i++) {
            Waiter w = waiters.get(i);
            w.answer.accept(multi.statuses().get(i) == Response.STATUS_OK
                    ? new Response.SnapshotResult(ref(w.request).id(), Response.STATUS_OK, multi.snapshot())
                    : new Response.Error(Response.ERROR2, "snapshot request failed"));
        }
    }

    private static void answerAll(List<Waiter> waiters, Response response) {
        for (Waiter w : waiters) {
            w.answer.accept(response);
        }
    }

    private static Response unexpected(Response response) {
        return response instanceof Response.Error ? response
                : Response.Error.error("mgtm_proxy: unexpected answer from the GTM group: " + response);
    }
}
