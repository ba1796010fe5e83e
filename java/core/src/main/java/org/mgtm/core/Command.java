package org.mgtm.core;

import org.mgtm.protocol.Request;

/**
 * A state-changing input of the {@link GtmStateMachine}. Every replica applies the same commands in
 * the same order; nothing in a command depends on the replica that applies it.
 */
public sealed interface Command {

    /** The backend id of transactions that belong to a session as a whole (not a proxy slot). */
    int NO_BACKEND = -1;

    /**
     * A client request.
     *
     * @param session        who asks: a direct backend connection or a proxy session (never 0)
     * @param backendId      the proxy backend slot (conid) the request came from, or {@link #NO_BACKEND}
     * @param requestNo      the session's request number for deduplication, 1, 2, ...; 0 = not deduplicated
     * @param ackedRequestNo the client has seen every reply up to this number; older ones may be forgotten
     * @param request        the decoded XC request
     */
    record Client(long session, int backendId, long requestNo, long ackedRequestNo, Request request)
            implements Command {
        /** A plain request from a direct connection: no backend slot, no deduplication. */
        public static Client of(long session, Request request) {
            return new Client(session, NO_BACKEND, 0, 0, request);
        }

        /** A request from a proxy backend slot (or {@link #NO_BACKEND}), without deduplication. */
        public static Client ofBackend(long session, int backendId, Request request) {
            return new Client(session, backendId, 0, 0, request);
        }
    }

    /**
     * The session is gone (connection closed, or expired): its open transactions end as if rolled
     * back, except prepared ones, which wait for their COMMIT/ROLLBACK; its reply cache is dropped.
     */
    record EndSession(long session) implements Command {
    }

    /**
     * Raises the GXID counter to {@code atLeast} if it follows it (never lowers it), like XC's -x,
     * without touching transactions: a replicated group applies it when a leader finds the
     * configured start GXID above the counter.
     */
    record RaiseNextGxid(int atLeast) implements Command {
    }

    /**
     * A new leader's first entry of its term. It changes nothing; once it is committed and applied on
     * the leader, that leader's state holds every entry committed before its term, so it may answer
     * reads from its state (docs/decisions/0008). The term is carried for whoever reads the log.
     */
    record NewTerm(long term) implements Command {
    }

    /**
     * The service (re)starts: no client session survives it, so every open transaction that is not
     * prepared ends; {@code nextGxidAtLeast} raises the GXID counter (never lowers it).
     */
    record Restart(int nextGxidAtLeast) implements Command {
    }

    /**
     * Sub-cluster mode: the G-GTM granted GXIDs {@code first .. last} for the group's range request
     * {@code requestId}. The group's leader appends it after the G-GTM answered; a grant other than the one
     * expected next (a duplicate from a retry or from two leaders) changes nothing. Ignored in a plain group.
     */
    record RangeGranted(long requestId, int first, int last) implements Command {
    }

    /**
     * Sub-cluster mode: the group's identity towards the G-GTM, drawn at random by the first leader that needs
     * one; the first applied stays. Ignored in a plain group.
     */
    record ClaimSubcluster(long claim) implements Command {
    }
}
