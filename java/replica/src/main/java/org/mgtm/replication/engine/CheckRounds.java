package org.mgtm.replication.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The leader's bookkeeping of {@link LeaderCheck} rounds: which rounds a majority of the raft members
 * has confirmed. No I/O, no clock; thread-safe (answers arrive on JGroups' threads).
 *
 * <p>Rules, each needed by the safety argument of docs/decisions/0008:
 * <ul>
 *   <li>Only "yes, term t" answers to a round of term t count, one per distinct raft member id of the
 *       static member list (a restarted member's two incarnations count once); answers from anyone
 *       else (a learner, a stranger) are ignored.</li>
 *   <li>A yes to round r was given after r was sent, and so after every earlier round of the same
 *       term was sent: it confirms every round up to r. Round r completes once a majority has said
 *       yes to r or to a later round of its term; rounds complete in order.</li>
 *   <li>The leader's own yes is an answer like the others, given after the round was sent
 *       ({@link LeaderCheck} checks its own term then).</li>
 *   <li>A new term (a round started in another term, or an answer from a higher term) fails every
 *       round still waiting: they can no longer be confirmed.</li>
 * </ul>
 */
final class CheckRounds {
    /** A round waiting for its majority. */
    private record Waiting(long round, CompletableFuture<Long> confirmed) {
    }

    private final Set<String> members;
    private final int majority;
    private long term = -1;
    private long lastRound;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    /** Per member id: the highest round of {@link #term} it said yes to. */
    private final Map<String, Long> highestYes = new HashMap<>();

    /**
     * @param members  the raft member ids (the static member list, this member included)
     * @param majority how many of them make a majority
     */
    CheckRounds(Set<String> members, int majority) {
        if (majority < 1 || majority > members.size()) {
            throw new IllegalArgumentException("majority " + majority + " of " + members.size() + " members");
        }
        this.members = Set.copyOf(members);
        this.majority = majority;
    }

    /** What a call did: the round it started, and futures to complete outside the lock. */
    record Started(long round, List<Runnable> completions) {
    }

    /**
     * Starts a round of {@code roundTerm}; {@code confirmed} completes with the term once a majority
     * said yes to it. Call the returned completions after this returns (they run callers' code).
     */
    synchronized Started start(long roundTerm, CompletableFuture<Long> confirmed) {
        List<Runnable> completions = new ArrayList<>();
        if (roundTerm != term) {
            failWaiting(completions, "the term changed from " + term + " to " + roundTerm);
            term = roundTerm;
            highestYes.clear();
        }
        // Rounds the caller gave up on (timed out) leave the queue here; they are the oldest.
        while (!waiting.isEmpty() && waiting.peekFirst().confirmed.isDone()) {
            waiting.pollFirst();
        }
        long round = ++lastRound;
        waiting.addLast(new Waiting(round, confirmed));
        return new Started(round, completions);
    }

    /**
     * One member's answer to round {@code round}: whether, in its term {@code answerTerm}, it takes
     * the sender for its leader. Returns the completions to run outside the lock.
     */
    synchronized List<Runnable> answer(String member, long answerTerm, long round, boolean yes) {
        List<Runnable> completions = new ArrayList<>();
        if (member == null || !members.contains(member)) {
            return completions;
        }
        if (answerTerm > term) {
            // The member has moved to a later term: this leader is deposed, or about to be.
            failWaiting(completions, "member " + member + " is in term " + answerTerm + ", after " + term);
            return completions;
        }
        if (!yes || answerTerm != term || round > lastRound) {
            return completions;
        }
        highestYes.merge(member, round, Math::max);
        long confirmedUpTo = confirmedRound();
        while (!waiting.isEmpty() && waiting.peekFirst().round <= confirmedUpTo) {
            Waiting w = waiting.pollFirst();
            long t = term;
            completions.add(() -> w.confirmed.complete(t));
        }
        return completions;
    }

    /** Fails every waiting round (this member stopped leading). */
    synchronized List<Runnable> failAll(String why) {
        List<Runnable> completions = new ArrayList<>();
        failWaiting(completions, why);
        return completions;
    }

    /** Rounds waiting for their majority. */
    synchronized int waitingRounds() {
        return waiting.size();
    }

    /** The highest round that a majority of distinct members said yes to (or to a later one), or 0. */
    private long confirmedRound() {
        if (highestYes.size() < majority) {
            return 0;
        }
        List<Long> rounds = new ArrayList<>(highestYes.values());
        rounds.sort(null);
        // The majority-th highest: that many members confirmed it or a later round.
        return rounds.get(rounds.size() - majority);
    }

    private void failWaiting(List<Runnable> completions, String why) {
        while (!waiting.isEmpty()) {
            Waiting w = waiting.pollFirst();
            completions.add(() -> w.confirmed.completeExceptionally(new LeadershipNotConfirmed(why)));
        }
    }

    /** Why a round failed: the member did not (or no longer) lead in its term. */
    static final class LeadershipNotConfirmed extends IllegalStateException {
        LeadershipNotConfirmed(String message) {
            super(message);
        }
    }
}
