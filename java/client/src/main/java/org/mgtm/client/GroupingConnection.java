package org.mgtm.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.mgtm.core.Gxids;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.Snapshot;
import org.mgtm.protocol.TxnRef;

/**
 * Many backends multiplexed onto one proxy-framed connection the way gtm_proxy's worker does it:
 * requests that arrive while a round is in flight wait for the next round; a round sends one MULTI
 * per request kind (begins, commits, rollbacks, snapshots) and an 'F', and the answers are shared
 * out. Each backend is known by its slot number (conid), which the GTM records as backend id.
 *
 * <p>All state is touched only on the connection's event loop.
 */
public final class GroupingConnection {
    private record Waiter(int conid, int gxid, CompletableFuture<Object> result) {
    }

    private final GtmConnection connection;
    private List<Waiter> begins = new ArrayList<>();
    private List<Waiter> commits = new ArrayList<>();
    private List<Waiter> rollbacks = new ArrayList<>();
    private List<Waiter> snapshots = new ArrayList<>();
    private int answersOutstanding;
    private long rounds;
    private long multiRequests;
    private long groupedRequests;

    public GroupingConnection(GtmConnection connection) {
        if (!connection.proxyFraming()) {
            throw new IllegalArgumentException("grouping needs a proxy-framed connection");
        }
        this.connection = connection;
    }

    public GtmConnection connection() {
        return connection;
    }

    /** Rounds sent so far. */
    public long rounds() {
        return rounds;
    }

    /** MULTI requests sent so far; backend requests per MULTI request is the grouping factor. */
    public long multiRequests() {
        return multiRequests;
    }

    public long groupedRequests() {
        return groupedRequests;
    }

    /** Begins a transaction for backend slot {@code conid}; completes with its GXID. */
    @SuppressWarnings("unchecked")
    public CompletableFuture<Integer> begin(int conid) {
        return (CompletableFuture<Integer>) (CompletableFuture<?>) enqueue(Kind.BEGIN, conid, 0);
    }

    @SuppressWarnings("unchecked")
    public CompletableFuture<Snapshot> snapshot(int conid, int gxid) {
        return (CompletableFuture<Snapshot>) (CompletableFuture<?>) enqueue(Kind.SNAPSHOT, conid, gxid);
    }

    /** Commits; completes normally on success, exceptionally with {@link GtmException} on failure. */
    public CompletableFuture<Object> commit(int conid, int gxid) {
        return enqueue(Kind.COMMIT, conid, gxid);
    }

    public CompletableFuture<Object> rollback(int conid, int gxid) {
        return enqueue(Kind.ROLLBACK, conid, gxid);
    }

    private enum Kind { BEGIN, COMMIT, ROLLBACK, SNAPSHOT }

    private CompletableFuture<Object> enqueue(Kind kind, int conid, int gxid) {
        CompletableFuture<Object> result = new CompletableFuture<>();
        Waiter waiter = new Waiter(conid, gxid, result);
        Runnable add = () -> {
            switch (kind) {
                case BEGIN -> begins.add(waiter);
                case COMMIT -> commits.add(waiter);
                case ROLLBACK -> rollbacks.add(waiter);
                case SNAPSHOT -> snapshots.add(waiter);
            }
            if (answersOutstanding == 0) {
                sendRound();
            }
        };
        if (connection.channel().eventLoop().inEventLoop()) {
            add.run();
        } else {
            connection.channel().eventLoop().execute(add);
        }
        return result;
    }

    private void sendRound() {
        List<Waiter> roundBegins = begins;
        List<Waiter> roundCommits = commits;
        List<Waiter> roundRollbacks = rollbacks;
        List<Waiter> roundSnapshots = snapshots;
        if (roundBegins.isEmpty() && roundCommits.isEmpty() && roundRollbacks.isEmpty() && roundSnapshots.isEmpty()) {
            return;
        }
        begins = new ArrayList<>();
        commits = new ArrayList<>();
        rollbacks = new ArrayList<>();
        snapshots = new ArrayList<>();
        rounds++;
        if (!roundBegins.isEmpty()) {
            List<Request.BeginEntry> entries = new ArrayList<>(roundBegins.size());
            for (Waiter w : roundBegins) {
                entries.add(new Request.BeginEntry(1, false, (short) w.conid));
            }
            send(new Request.TxnBeginGetGxidMulti(entries), roundBegins, this::shareBegins);
        }
        if (!roundCommits.isEmpty()) {
            send(new Request.TxnCommitMulti(refs(roundCommits)), roundCommits, this::shareEnds);
        }
        if (!roundRollbacks.isEmpty()) {
            send(new Request.TxnRollbackMulti(refs(roundRollbacks)), roundRollbacks, this::shareEnds);
        }
        if (!roundSnapshots.isEmpty()) {
            send(new Request.SnapshotGetMulti(refs(roundSnapshots)), roundSnapshots, this::shareSnapshots);
        }
        connection.flush();
    }

    private interface Sharer {
        void share(Response response, List<Waiter> waiters);
    }

    private void send(Request request, List<Waiter> waiters, Sharer sharer) {
        answersOutstanding++;
        multiRequests++;
        groupedRequests += waiters.size();
        connection.write(org.mgtm.protocol.WireMessage.GROUP_CONID, request).whenComplete((response, failure) -> {
            answersOutstanding--;
            if (failure != null) {
                for (Waiter w : waiters) {
                    w.result.completeExceptionally(failure);
                }
            } else if (response instanceof Response.Error e) {
                GtmException error = new GtmException(e.severity(), e.message());
                for (Waiter w : waiters) {
                    w.result.completeExceptionally(error);
                }
            } else {
                sharer.share(response, waiters);
            }
            if (answersOutstanding == 0 && connection.isOpen()) {
                sendRound();
            }
        });
    }

    private static List<TxnRef> refs(List<Waiter> waiters) {
        List<TxnRef> refs = new ArrayList<>(waiters.size());
        for (Waiter w : waiters) {
            refs.add(TxnRef.gxid(w.gxid));
        }
        return refs;
    }

    private void shareBegins(Response response, List<Waiter> waiters) {
        Response.BeginGxidMulti multi = (Response.BeginGxidMulti) response;
        int first = multi.firstGxid();
        for (int i = 0; i < waiters.size(); i++) {
            waiters.get(i).result.complete(Gxids.groupMember(first, i));
        }
    }

    private void shareEnds(Response response, List<Waiter> waiters) {
        List<Integer> statuses = ((Response.EndedMulti) response).statuses();
        for (int i = 0; i < waiters.size(); i++) {
            if (statuses.get(i) == Response.STATUS_OK) {
                waiters.get(i).result.complete(waiters.get(i).gxid);
            } else {
                waiters.get(i).result.completeExceptionally(new GtmException(Response.ERROR2, "Transaction commit failed"));
            }
        }
    }

    private void shareSnapshots(Response response, List<Waiter> waiters) {
        Response.SnapshotMultiResult multi = (Response.SnapshotMultiResult) response;
        for (int i = 0; i < waiters.size(); i++) {
            if (multi.statuses().get(i) == Response.STATUS_OK) {
                waiters.get(i).result.complete(multi.snapshot());
            } else {
                waiters.get(i).result.completeExceptionally(new GtmException(Response.ERROR2, "snapshot request failed"));
            }
        }
    }
}
