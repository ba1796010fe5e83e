package org.mgtm.replication;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.mgtm.core.Command;
import org.mgtm.core.Gxids;
import org.mgtm.core.SubclusterView;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.TxnRef;
import org.mgtm.protocol.subcluster.SubclusterRequest;
import org.mgtm.protocol.subcluster.SubclusterResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sub-cluster leader's duty of finishing cross-sub-cluster transactions whose coordinator went away
 * between the two phases (docs/subclusters.md). A transaction prepared here with PREPARE_CROSS that stays
 * prepared for {@code resolve_after_ms} is resolved: the resolver asks the G-GTM to decide abort, and applies
 * the decision that holds, which is the coordinator's commit if it had decided first. Since the G-GTM keeps the
 * first decision, every participant's resolver and the coordinator end the transaction the same way.
 *
 * <p>The resolver never forgets a decision at the G-GTM: only the coordinator knows when every participant has
 * ended, and a decision forgotten too early could be decided again the other way by a later resolver.
 * Runs on the replica's timer thread; answers come on the G-GTM client's loop.
 */
final class CrossResolver {
    private static final Logger log = LoggerFactory.getLogger(CrossResolver.class);

    private final long resolveAfterNanos;
    private final Supplier<SubclusterView> view;
    private final Consumer<Command> append;
    private final Function<Request, CompletableFuture<Response>> ggtm;
    private final long session;
    private final Map<Integer, Long> firstSeen = new HashMap<>();
    private final Set<Integer> inFlight = new HashSet<>();
    private volatile long resolvedCommit;
    private volatile long resolvedAbort;

    CrossResolver(long resolveAfterMillis, Supplier<SubclusterView> view, Consumer<Command> append,
                  Function<Request, CompletableFuture<Response>> ggtm, long session) {
        this.resolveAfterNanos = TimeUnit.MILLISECONDS.toNanos(resolveAfterMillis);
        this.view = view;
        this.append = append;
        this.ggtm = ggtm;
        this.session = session;
    }

    /** A new leader gives every prepared cross transaction a full wait again. */
    synchronized void newLeadership() {
        firstSeen.clear();
    }

    /**
     * One round. {@code ggtmReachable} false stops the clocks: a coordinator waiting for the G-GTM to record its
     * decision is not gone, and a resolver's abort queued behind the same outage would race its commit. Each
     * transaction's wait starts again once the G-GTM is back.
     */
    synchronized void tick(boolean ggtmReachable) {
        List<Integer> prepared = view.get().crossPrepared();
        long now = System.nanoTime();
        firstSeen.keySet().retainAll(prepared);
        if (!ggtmReachable) {
            firstSeen.replaceAll((g, seen) -> now);
            return;
        }
        for (int gxid : prepared) {
            long seen = firstSeen.computeIfAbsent(gxid, g -> now);
            if (now - seen < resolveAfterNanos || inFlight.contains(gxid)) {
                continue;
            }
            inFlight.add(gxid);
            log.info("cross-sub-cluster transaction {} has been prepared for over {} ms: asking the G-GTM for its "
                    + "outcome (abort unless decided)", Gxids.toString(gxid), resolveAfterNanos / 1_000_000);
            ggtm.apply(new SubclusterRequest.Decide(gxid, false)).whenComplete((reply, failure) -> decided(gxid, reply));
        }
    }

    private synchronized void decided(int gxid, Response reply) {
        inFlight.remove(gxid);
        if (!(reply instanceof SubclusterResponse.Decision d)) {
            return; // the G-GTM is away or refused: the next tick asks again
        }
        firstSeen.put(gxid, System.nanoTime()); // if the end below is lost with a leader, wait again before retrying
        if (d.commit()) {
            resolvedCommit++;
        } else {
            resolvedAbort++;
        }
        log.info("cross-sub-cluster transaction {}: the G-GTM's decision is {}; ending it here", Gxids.toString(gxid),
                d.commit() ? "commit" : "abort");
        Request end = d.commit() ? new Request.TxnCommit(TxnRef.gxid(gxid)) : new Request.TxnRollback(TxnRef.gxid(gxid));
        append.accept(new Command.Client(session, Command.NO_BACKEND, 0, 0, end));
    }

    Map<String, Object> status() {
        return Map.of("resolvedCommit", resolvedCommit, "resolvedAbort", resolvedAbort,
                "crossPrepared", view.get().crossPrepared().size());
    }
}
