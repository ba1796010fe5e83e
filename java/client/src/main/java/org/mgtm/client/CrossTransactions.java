package org.mgtm.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.TxnRef;
import org.mgtm.protocol.subcluster.SubclusterRequest;
import org.mgtm.protocol.subcluster.SubclusterResponse;

/**
 * Cross-sub-cluster transactions (docs/subclusters.md) for the Java client and the bench: XC 0.9.2
 * coordinators cannot talk to a second GTM, so a transaction that spans sub-clusters is run from here.
 *
 * <ul>
 *   <li><b>Begin</b> in the home sub-cluster, above the horizon last seen of every participant
 *       ({@link SubclusterRequest.BeginAbove}), then <b>register</b> the GXID in every other participant. A
 *       participant whose horizon has passed the GXID refuses it (TOO_OLD): the transaction is rolled back
 *       everywhere and begun again above that horizon. A participant that holds no leased GXID above it yet
 *       (NO_LEASE) is asked again shortly: its leader is fetching a range.</li>
 *   <li><b>Commit</b> with two-phase ordering: prepare everywhere ({@link SubclusterRequest.PrepareCross});
 *       then record the decision at the G-GTM ({@link SubclusterRequest.Decide}: the first decision recorded
 *       holds, a participant's resolver may have decided abort); then end everywhere as decided; then let the
 *       G-GTM forget the decision. A crash between the phases leaves prepared transactions that the
 *       participants' resolvers end as the G-GTM's decision says: one direction, never both.</li>
 * </ul>
 * Every step goes through an {@link Endpoint} (a {@code LeaderClient} session per group, which survives leader
 * changes), so callers may wrap them, e.g. to record each request for the checker.
 */
public final class CrossTransactions {

    /** Where requests for one group go. */
    @FunctionalInterface
    public interface Endpoint {
        CompletableFuture<Response> submit(Request request);

        static Endpoint of(LeaderClient client) {
            return request -> client.submit(-1, request);
        }
    }

    /** A cross-sub-cluster transaction: its GXID, its home and the other participants (registered). */
    public record Txn(int gxid, String home, List<String> others) {
        public Txn {
            others = List.copyOf(others);
        }

        /** Home first, then the others. */
        public List<String> participants() {
            List<String> all = new ArrayList<>();
            all.add(home);
            all.addAll(others);
            return all;
        }
    }

    /** Told of each participant's end as its answer arrives, before the commit completes (the bench's probes). */
    @FunctionalInterface
    public interface EndListener {
        void ended(String participant, boolean commit, Response reply);

        EndListener NONE = (participant, commit, reply) -> {
        };
    }

    /** How a commit ended: committed or rolled back everywhere (the decision), and whether the G-GTM decided it. */
    public record Outcome(boolean committed, boolean decided) {
    }

    /** A step failed in a way the caller must see (an error answer, or no answer before the deadline). */
    public static final class CrossException extends RuntimeException {
        public CrossException(String message) {
            super(message);
        }
    }

    private static final int MAX_BEGIN_ATTEMPTS = 50;
    private static final long RETRY_MILLIS = 5;
    private static final long NO_LEASE_DEADLINE_MILLIS = 10_000;

    private final Map<String, Endpoint> groups;
    private final Endpoint ggtm;
    private final Executor retryDelay = CompletableFuture.delayedExecutor(RETRY_MILLIS, TimeUnit.MILLISECONDS);
    /** The last horizon each sub-cluster reported: a begin starts above those of its participants. */
    private final Map<String, Integer> horizons = new ConcurrentHashMap<>();
    private volatile long tooOldRetries;

    public CrossTransactions(Map<String, Endpoint> groups, Endpoint ggtm) {
        this.groups = Map.copyOf(groups);
        this.ggtm = Objects.requireNonNull(ggtm, "ggtm");
    }

    /** Begins that had to start again because a participant's horizon had passed their GXID. */
    public long tooOldRetries() {
        return tooOldRetries;
    }

    private Endpoint group(String name) {
        Endpoint e = groups.get(name);
        if (e == null) {
            throw new IllegalArgumentException("unknown sub-cluster " + name + " (known: " + groups.keySet() + ")");
        }
        return e;
    }

    /** Begins a transaction in {@code home} and registers it in {@code others}. */
    public CompletableFuture<Txn> begin(String home, List<String> others) {
        group(home);
        others.forEach(this::group);
        return attempt(home, others, floorFor(others), 1);
    }

    private int floorFor(List<String> others) {
        int floor = 0;
        for (String o : others) {
            Integer h = horizons.get(o);
            if (h != null && (floor == 0 || (h - floor) > 0)) {
                floor = h;
            }
        }
        return floor;
    }

    private CompletableFuture<Txn> attempt(String home, List<String> others, int floor, int attempt) {
        return beginAbove(home, floor, System.nanoTime()).thenCompose(gxid -> {
            List<CompletableFuture<Response>> registrations = new ArrayList<>();
            for (String o : others) {
                registrations.add(register(o, gxid, home, System.nanoTime()));
            }
            return CompletableFuture.allOf(registrations.toArray(CompletableFuture[]::new)).handle((x, y) -> null)
                    .thenCompose(x -> registered(home, others, gxid, registrations, floor, attempt));
        });
    }

    private CompletableFuture<Txn> registered(String home, List<String> others, int gxid,
                                              List<CompletableFuture<Response>> registrations, int floor, int attempt) {
        List<String> joined = new ArrayList<>();
        int tooOldHorizon = 0;
        String failure = null;
        for (int i = 0; i < others.size(); i++) {
            CompletableFuture<Response> r = registrations.get(i);
            Response reply = r.isCompletedExceptionally() ? null : r.join();
            if (reply instanceof SubclusterResponse.Registered) {
                joined.add(others.get(i));
            } else if (reply instanceof SubclusterResponse.Refused f && f.reason() == SubclusterResponse.Refused.TOO_OLD) {
                horizons.put(others.get(i), f.horizon());
                if (tooOldHorizon == 0 || (f.horizon() - tooOldHorizon) > 0) {
                    tooOldHorizon = f.horizon();
                }
            } else {
                failure = "registration of gxid " + Integer.toUnsignedString(gxid) + " in " + others.get(i) + " failed: "
                        + describe(reply, r);
            }
        }
        if (failure == null && tooOldHorizon == 0) {
            return CompletableFuture.completedFuture(new Txn(gxid, home, others));
        }
        List<String> toEnd = new ArrayList<>(joined);
        toEnd.add(0, home);
        CompletableFuture<Void> ended = endAll(gxid, toEnd, false).handle((x, y) -> null);
        if (failure != null || attempt >= MAX_BEGIN_ATTEMPTS) {
            String why = failure != null ? failure : "no begin above the participants' horizons after " + attempt
                    + " attempts";
            return ended.thenCompose(x -> CompletableFuture.failedFuture(new CrossException(why)));
        }
        tooOldRetries++;
        int next = tooOldHorizon;
        return ended.thenCompose(x -> attempt(home, others, next, attempt + 1));
    }

    private CompletableFuture<Integer> beginAbove(String home, int floor, long started) {
        Request request = floor == 0 ? new Request.TxnBeginGetGxid(1, false) : new SubclusterRequest.BeginAbove(floor, 1, false);
        return group(home).submit(request).thenCompose(reply -> {
            if (reply instanceof Response.BeginGxid b) {
                return CompletableFuture.completedFuture(b.gxid());
            }
            if (reply instanceof SubclusterResponse.Refused f && f.retryable() && !expired(started)) {
                return CompletableFuture.supplyAsync(() -> null, retryDelay).thenCompose(x -> beginAbove(home, floor, started));
            }
            return CompletableFuture.failedFuture(new CrossException("begin in " + home + " failed: " + describe(reply, null)));
        });
    }

    private CompletableFuture<Response> register(String group, int gxid, String home, long started) {
        return group(group).submit(new SubclusterRequest.Register(gxid, home, 1, false)).thenCompose(reply -> {
            if (reply instanceof SubclusterResponse.Refused f && f.retryable() && !expired(started)) {
                return CompletableFuture.supplyAsync(() -> null, retryDelay)
                        .thenCompose(x -> register(group, gxid, home, started));
            }
            return CompletableFuture.completedFuture(reply);
        });
    }

    private static boolean expired(long started) {
        return System.nanoTime() - started > TimeUnit.MILLISECONDS.toNanos(NO_LEASE_DEADLINE_MILLIS);
    }

    /** Runs {@code request} in one participant with the transaction's GXID (a snapshot, say). */
    public CompletableFuture<Response> in(String group, Function<TxnRef, Request> request, Txn txn) {
        return group(group).submit(request.apply(TxnRef.gxid(txn.gxid())));
    }

    /**
     * Two-phase commit: prepare everywhere, decide at the G-GTM, end everywhere as decided, forget. Completes
     * with the outcome once every participant acknowledged its end; fails if an end was not acknowledged (the
     * participant's resolver then finishes it as decided).
     */
    public CompletableFuture<Outcome> commit(Txn txn) {
        return commit(txn, EndListener.NONE);
    }

    /** {@link #commit(Txn)}, telling {@code listener} of each participant's end as it is answered. */
    public CompletableFuture<Outcome> commit(Txn txn, EndListener listener) {
        List<CompletableFuture<Response>> prepares = new ArrayList<>();
        for (String p : txn.participants()) {
            prepares.add(group(p).submit(new SubclusterRequest.PrepareCross(txn.gxid())));
        }
        return CompletableFuture.allOf(prepares.toArray(CompletableFuture[]::new)).handle((x, y) -> null)
                .thenCompose(x -> {
                    boolean allPrepared = prepares.stream().allMatch(f -> !f.isCompletedExceptionally()
                            && f.join() instanceof Response.Prepared);
                    return ggtm.submit(new SubclusterRequest.Decide(txn.gxid(), allPrepared));
                })
                .thenCompose(reply -> {
                    if (!(reply instanceof SubclusterResponse.Decision d)) {
                        return CompletableFuture.failedFuture(new CrossException("the G-GTM did not record a decision "
                                + "for gxid " + Integer.toUnsignedString(txn.gxid()) + ": " + describe(reply, null)
                                + "; the participants' resolvers will end it"));
                    }
                    return endAll(txn.gxid(), txn.participants(), d.commit(), listener)
                            .thenCompose(x -> ggtm.submit(new SubclusterRequest.Forget(txn.gxid())).handle((y, z) -> null))
                            .thenApply(x -> new Outcome(d.commit(), true));
                });
    }

    /** Rolls back everywhere (before any prepare: nothing to decide). */
    public CompletableFuture<Void> rollback(Txn txn) {
        return endAll(txn.gxid(), txn.participants(), false);
    }

    private CompletableFuture<Void> endAll(int gxid, List<String> participants, boolean commit) {
        return endAll(gxid, participants, commit, EndListener.NONE);
    }

    private CompletableFuture<Void> endAll(int gxid, List<String> participants, boolean commit, EndListener listener) {
        List<CompletableFuture<Response>> ends = new ArrayList<>();
        for (String p : participants) {
            TxnRef ref = TxnRef.gxid(gxid);
            CompletableFuture<Response> end = group(p).submit(commit ? new Request.TxnCommit(ref)
                    : new Request.TxnRollback(ref));
            end.thenAccept(reply -> listener.ended(p, commit, reply));
            ends.add(end);
        }
        return CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new)).handle((x, y) -> null).thenCompose(x -> {
            for (int i = 0; i < ends.size(); i++) {
                CompletableFuture<Response> f = ends.get(i);
                if (f.isCompletedExceptionally() || !(f.join() instanceof Response.Ended)) {
                    return CompletableFuture.failedFuture(new CrossException((commit ? "commit" : "rollback")
                            + " of gxid " + Integer.toUnsignedString(gxid) + " in " + participants.get(i) + " failed: "
                            + describe(f.isCompletedExceptionally() ? null : f.join(), f)));
                }
            }
            return CompletableFuture.completedFuture(null);
        });
    }

    private static String describe(Response reply, CompletableFuture<?> f) {
        if (reply instanceof Response.Error e) {
            return e.message();
        }
        if (reply instanceof SubclusterResponse.Refused r) {
            return r.message();
        }
        if (reply == null && f != null) {
            try {
                f.join();
            } catch (RuntimeException e) {
                return String.valueOf(Futures.cause(e).getMessage());
            }
        }
        return String.valueOf(reply);
    }
}
