package org.mgtm.replication;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;

/**
 * The leader's view of which client sessions are still around. Transactions belong to sessions, not
 * connections, so a leader change does not end them; a session that stays away (no connection to
 * this leader) longer than the timeout is ended through the log, which ends its open transactions.
 * A new leader gives every session the state knows a full timeout to come back.
 *
 * <p>Time is read here, never in the state machine: the decision to expire is the leader's, and the
 * log carries only its outcome (an EndSession command), so replicas stay deterministic.
 */
final class SessionExpiry {
    private final long timeoutNanos;
    private final Set<Long> connected = ConcurrentHashMap.newKeySet();
    // Touched only by the expiry task's thread.
    private final Map<Long, Long> lastSeen = new HashMap<>();
    private final Set<Long> expiring = new HashSet<>();
    private volatile boolean reset = true;

    SessionExpiry(long timeoutMillis) {
        this.timeoutNanos = timeoutMillis * 1_000_000L;
    }

    void connected(long session) {
        connected.add(session);
    }

    void disconnected(long session) {
        connected.remove(session);
    }

    /** This replica just became leader: every session starts a fresh timeout. */
    void newLeadership() {
        reset = true;
    }

    /**
     * One expiry round: {@code known} are the sessions the state knows; {@code expire} is called for
     * each that has been away too long (once; again only if it is still known a timeout later).
     */
    void tick(long[] known, long now, LongConsumer expire) {
        if (reset) {
            reset = false;
            lastSeen.clear();
            expiring.clear();
        }
        Set<Long> stillKnown = new HashSet<>();
        for (long s : known) {
            stillKnown.add(s);
            if (connected.contains(s)) {
                lastSeen.put(s, now);
                expiring.remove(s);
                continue;
            }
            Long seen = lastSeen.putIfAbsent(s, now);
            if (seen != null && now - seen > timeoutNanos && expiring.add(s)) {
                lastSeen.put(s, now); // if the EndSession is lost with a leader, try again a timeout later
                expire.accept(s);
            } else if (seen != null && now - seen > timeoutNanos) {
                expiring.remove(s);
            }
        }
        lastSeen.keySet().retainAll(stillKnown);
        expiring.retainAll(stillKnown);
    }
}
