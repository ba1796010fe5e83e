package org.mgtm.replication;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Whether this leader's applied state is complete for a term: it holds every entry committed before
 * the term began. That is so once an entry this replica appended in the term (or a later one) has
 * committed and been applied here, because a leader's log holds every entry committed before its
 * term, ahead of its own entries. Reads confirmed in a term wait for it (docs/decisions/0008, rule
 * (b)); a new leader appends {@link org.mgtm.core.Command.NewTerm} so that this happens at once.
 * Thread-safe.
 */
final class TermGate {
    private record Waiter(long term, CompletableFuture<Long> complete) {
    }

    private long completeTerm = -1;
    private final List<Waiter> waiters = new ArrayList<>();

    /**
     * An entry appended while this replica's term was {@code term} (read before the append: the
     * entry's own term is that or later) has committed and been applied here.
     */
    void ownEntryApplied(long term) {
        List<Waiter> ready = new ArrayList<>();
        synchronized (this) {
            if (term <= completeTerm) {
                return;
            }
            completeTerm = term;
            for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
                Waiter w = it.next();
                if (w.term <= term) {
                    it.remove();
                    ready.add(w);
                }
            }
        }
        for (Waiter w : ready) {
            w.complete.complete(w.term);
        }
    }

    /** Completes with {@code term} once the state is complete for it; fails if leadership is lost first. */
    CompletableFuture<Long> whenComplete(long term) {
        synchronized (this) {
            if (term > completeTerm) {
                CompletableFuture<Long> f = new CompletableFuture<>();
                waiters.add(new Waiter(term, f));
                return f;
            }
        }
        return CompletableFuture.completedFuture(term);
    }

    /** Whether an own entry of this term or a later one has been applied. */
    synchronized boolean isComplete(long term) {
        return term <= completeTerm;
    }

    /** This replica stopped leading: nobody waiting will be served by it. */
    void leadershipLost() {
        List<Waiter> failed;
        synchronized (this) {
            failed = new ArrayList<>(waiters);
            waiters.clear();
        }
        for (Waiter w : failed) {
            w.complete.completeExceptionally(new IllegalStateException(
                    "leadership lost before an entry of term " + w.term + " was applied"));
        }
    }
}
