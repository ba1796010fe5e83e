package org.mgtm.replication;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.mgtm.client.Futures;
import org.mgtm.core.Command;
import org.mgtm.core.Gxids;
import org.mgtm.core.SubclusterView;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.subcluster.SubclusterRequest;
import org.mgtm.protocol.subcluster.SubclusterResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sub-cluster leader's duty of keeping GXIDs leased (docs/subclusters.md): when fewer than the low-water
 * mark are left above the horizon (or above the demand a registration left), it asks the G-GTM for the next
 * range under the group's replicated request id and records the grant through the group's log
 * ({@link Command.RangeGranted}). Asking ahead of exhaustion means a range arrives while the group still serves
 * from what it holds; a G-GTM that is away costs nothing until the leases run out.
 *
 * <p>Safety does not depend on this class: the id makes a retried or repeated request get the same range, the
 * core records each grant once, and a leader that dies between the G-GTM's answer and its own append leaves the
 * next leader to ask again with the same id. Runs on the replica's timer thread only (one tick at a time).
 */
final class RangeKeeper {
    private static final Logger log = LoggerFactory.getLogger(RangeKeeper.class);
    /** A grant whose append has not shown in the state after this long is appended again. */
    private static final long REAPPEND_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** After a failed request (the G-GTM away or refusing), the next waits this long. */
    private static final long RETRY_AFTER_FAILURE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final GroupRole.SubclusterSettings settings;
    private final Supplier<SubclusterView> view;
    private final Consumer<Command> append;
    private final Function<Request, CompletableFuture<Response>> ggtm;
    private final SecureRandom random = new SecureRandom();

    private CompletableFuture<Response> inFlight;
    private SubclusterResponse.RangeGrant unrecorded;
    private long unrecordedSince;
    private long claimSentAt;
    // For status; read from other threads.
    private volatile long lastGrantNanos;
    private volatile long lastFailureNanos;
    private volatile String lastFailure;
    private volatile long requests;
    private volatile long grants;

    RangeKeeper(GroupRole.SubclusterSettings settings, Supplier<SubclusterView> view, Consumer<Command> append,
                Function<Request, CompletableFuture<Response>> ggtm) {
        this.settings = settings;
        this.view = view;
        this.append = append;
        this.ggtm = ggtm;
    }

    /** One round, on a leader whose state is complete (an entry of its term has committed). */
    synchronized void tick() {
        SubclusterView v = view.get();
        long now = System.nanoTime();
        if (v.claim() == 0) {
            if (now - claimSentAt > REAPPEND_NANOS) {
                claimSentAt = now;
                long claim;
                do {
                    claim = random.nextLong();
                } while (claim == 0);
                append.accept(new Command.ClaimSubcluster(claim));
            }
            return;
        }
        if (unrecorded != null) {
            if (v.nextRequestId() > unrecorded.requestId()) {
                unrecorded = null;
            } else if (now - unrecordedSince > REAPPEND_NANOS) {
                unrecordedSince = now;
                append.accept(new Command.RangeGranted(unrecorded.requestId(), unrecorded.first(), unrecorded.last()));
                return;
            } else {
                return;
            }
        }
        if (inFlight != null || !needsRange(v)
                || (lastFailure != null && now - lastFailureNanos < RETRY_AFTER_FAILURE_NANOS)) {
            return;
        }
        SubclusterRequest.RangeRequest request = new SubclusterRequest.RangeRequest(settings.name(), v.claim(),
                v.nextRequestId(), settings.rangeSize(), v.oldestInUse(), atLeast(v));
        requests++;
        CompletableFuture<Response> f = ggtm.apply(request);
        inFlight = f;
        f.whenComplete((reply, failure) -> answered(request, reply, failure));
    }

    /** Few leased GXIDs left above the horizon, or above what a registration demands. */
    private boolean needsRange(SubclusterView v) {
        int floor = v.demand() != 0 && Gxids.follows(v.demand(), v.horizon()) ? v.demand() : v.horizon();
        return v.remainingFrom(floor) < settings.lowWater();
    }

    /**
     * The range must start after everything the group leased (or, for its first range, at or after its start
     * GXID and its counter): this holds even should the G-GTM have lost state.
     */
    private int atLeast(SubclusterView v) {
        int floor = v.lastLeased() != 0 ? Gxids.advance(v.lastLeased()) : settings.startGxid();
        if (v.demand() != 0 && (floor == 0 || Gxids.follows(v.demand(), floor))) {
            floor = v.demand();
        }
        return floor;
    }

    private synchronized void answered(SubclusterRequest.RangeRequest request, Response reply, Throwable failure) {
        inFlight = null;
        if (reply instanceof SubclusterResponse.RangeGrant g && g.requestId() == request.requestId()) {
            grants++;
            lastGrantNanos = System.nanoTime();
            lastFailure = null;
            log.info("the G-GTM granted range {} ({} GXIDs: {}..{}) to sub-cluster {}", g.requestId(), g.size(),
                    Gxids.toString(g.first()), Gxids.toString(g.last()), settings.name());
            unrecorded = g;
            unrecordedSince = System.nanoTime();
            append.accept(new Command.RangeGranted(g.requestId(), g.first(), g.last()));
            return;
        }
        String why = failure != null ? String.valueOf(Futures.cause(failure).getMessage())
                : reply instanceof Response.Error e ? e.message() : String.valueOf(reply);
        if (!why.equals(lastFailure)) {
            log.warn("range request {} of sub-cluster {} failed: {}", request.requestId(), settings.name(), why);
        }
        lastFailure = why;
        lastFailureNanos = System.nanoTime();
    }

    /** What mgtm-ctl status shows of the leases and the G-GTM. */
    Map<String, Object> status() {
        Map<String, Object> s = new LinkedHashMap<>();
        long now = System.nanoTime();
        s.put("rangeRequests", requests);
        s.put("rangesGranted", grants);
        s.put("lastGrantSecondsAgo", lastGrantNanos == 0 ? null : (now - lastGrantNanos) / 1e9);
        s.put("lastFailure", lastFailure);
        s.put("lastFailureSecondsAgo", lastFailureNanos == 0 ? null : (now - lastFailureNanos) / 1e9);
        return s;
    }

    /** Whether the last exchange with the G-GTM failed (it is away, or it refused). */
    boolean failing() {
        return lastFailure != null;
    }
}
