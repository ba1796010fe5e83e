package org.mgtm.client;

import java.net.InetSocketAddress;
import java.util.List;
import org.mgtm.protocol.internal.ServerMessage;

/**
 * Where a {@link LeaderClient} looks for the leader next, and how long it waits before it does: the members
 * in turn from a random start (so many clients spread over them), a leader named by a NOT_LEADER answer or
 * the member of a connection that just broke first, a member that went silent skipped once, and backoff
 * after attempts that led nowhere. Touched only on the client's event loop.
 */
final class LeaderSearch {
    private final LeaderClientSettings settings;
    private int memberCursor;
    private int failedAttempts;
    private InetSocketAddress hint;
    /** A member that accepted a connection but then went silent (hung, SIGSTOPped): skipped once. */
    private InetSocketAddress unresponsive;
    private long knownTerm;

    LeaderSearch(LeaderClientSettings settings, int start) {
        this.settings = settings;
        this.memberCursor = start;
    }

    /** The member to connect to now. */
    InetSocketAddress next() {
        InetSocketAddress target = hint;
        hint = null;
        if (target == null) {
            List<InetSocketAddress> members = settings.members();
            target = members.get(Math.floorMod(memberCursor++, members.size()));
            if (target.equals(unresponsive) && members.size() > 1) {
                unresponsive = null; // skipped once: it may well be the leader after a long pause
                target = members.get(Math.floorMod(memberCursor++, members.size()));
            }
        }
        return target;
    }

    /** A working connection to {@code member} broke: the leader may well still be there, ask it first. */
    void broken(InetSocketAddress member) {
        hint = member;
    }

    /** {@code member} stopped answering without closing: do not ask it again first. */
    void silent(InetSocketAddress member) {
        unresponsive = member;
    }

    /** A member answered NOT_LEADER: follow its word if it names a leader of a term no older than we know. */
    void redirected(InetSocketAddress from, ServerMessage.NotLeader notLeader) {
        InetSocketAddress leader = notLeader.leaderSocketAddress();
        if (leader == null || notLeader.term() < knownTerm) {
            return; // unknown, or older news than we have: ask the next member
        }
        knownTerm = notLeader.term();
        InetSocketAddress resolved = new InetSocketAddress(leader.getHostString(), leader.getPort());
        // Members name a hung leader until the group has replaced it: do not wait on it again at once.
        if (!resolved.equals(from) && !resolved.equals(unresponsive)) {
            hint = resolved;
        }
    }

    /**
     * The wait before the next attempt, in milliseconds: none after losing a working connection
     * ({@code resetTo} 0) or while following a hint, else a backoff that doubles per failed attempt.
     */
    long delayAfterFailure(Integer resetTo) {
        if (resetTo != null) {
            failedAttempts = resetTo;
        }
        int n = failedAttempts++;
        return n == 0 || (hint != null && n < settings.members().size()) ? 0
                : Math.min(settings.maxBackoffMillis(), settings.minBackoffMillis() << Math.min(n - 1, 16));
    }

    /** A member welcomed the session as leader of {@code term}: the next failure starts the search anew. */
    void welcomed(long term) {
        failedAttempts = 0;
        unresponsive = null;
        knownTerm = Math.max(knownTerm, term);
    }
}
