package org.mgtm.replication.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The leader's accounting of check rounds: which rounds a majority of distinct members confirmed. */
class CheckRoundsTest {
    private static final Set<String> THREE = Set.of("m1", "m2", "m3");

    private final CheckRounds rounds = new CheckRounds(THREE, 2);

    private long start(long term, CompletableFuture<Long> f) {
        CheckRounds.Started s = rounds.start(term, f);
        run(s.completions());
        return s.round();
    }

    private void answer(String member, long term, long round, boolean yes) {
        run(rounds.answer(member, term, round, yes));
    }

    private static void run(List<Runnable> completions) {
        completions.forEach(Runnable::run);
    }

    @Test
    void aRoundNeedsYesFromAMajorityOfDistinctMembers() {
        CompletableFuture<Long> f = new CompletableFuture<>();
        long r = start(5, f);
        answer("m1", 5, r, true);
        assertFalse(f.isDone(), "one member of three is no majority");
        answer("m1", 5, r, true);
        assertFalse(f.isDone(), "the same member twice counts once");
        answer("m2", 5, r, true);
        assertEquals(5L, f.join());
    }

    @Test
    void noAnswersAndAnswersOfAnotherTermDoNotCount() {
        CompletableFuture<Long> f = new CompletableFuture<>();
        long r = start(5, f);
        answer("m1", 5, r, true);
        answer("m2", 5, r, false);
        answer("m3", 4, r, true);
        assertFalse(f.isDone(), "a no, and a yes from an older term, confirm nothing");
        answer("m3", 5, r, true);
        assertEquals(5L, f.join());
    }

    @Test
    void anAnswerToAnEarlierRoundDoesNotConfirmALaterOne() {
        CompletableFuture<Long> first = new CompletableFuture<>();
        CompletableFuture<Long> second = new CompletableFuture<>();
        long r1 = start(7, first);
        long r2 = start(7, second);
        answer("m1", 7, r2, true);
        answer("m2", 7, r1, true);
        // m2 said yes before round 2 was sent (for all it shows): round 1 only.
        assertEquals(7L, first.join());
        assertFalse(second.isDone());
        answer("m2", 7, r2, true);
        assertEquals(7L, second.join());
    }

    @Test
    void aYesToALaterRoundConfirmsTheEarlierOnes() {
        CompletableFuture<Long> first = new CompletableFuture<>();
        CompletableFuture<Long> second = new CompletableFuture<>();
        long r1 = start(7, first);
        long r2 = start(7, second);
        assertTrue(r2 > r1);
        answer("m1", 7, r2, true);
        answer("m3", 7, r2, true);
        assertEquals(7L, first.join(), "given after round 2 was sent, so after round 1 was");
        assertEquals(7L, second.join());
    }

    @Test
    void answersFromOutsideTheMemberListAreIgnored() {
        CompletableFuture<Long> f = new CompletableFuture<>();
        long r = start(3, f);
        answer("m1", 3, r, true);
        answer("learner", 3, r, true);
        answer("stranger", 3, r, true);
        answer(null, 3, r, true);
        assertFalse(f.isDone());
        answer("m3", 3, r, true);
        assertEquals(3L, f.join());
    }

    @Test
    void anAnswerToARoundNotSentYetIsIgnored() {
        CompletableFuture<Long> f = new CompletableFuture<>();
        long r = start(3, f);
        answer("m1", 3, r + 5, true);
        answer("m2", 3, r + 5, true);
        assertFalse(f.isDone(), "no member can have answered a round that was never sent");
    }

    @Test
    void aLaterTermFailsTheRoundsStillWaiting() {
        CompletableFuture<Long> f = new CompletableFuture<>();
        long r = start(3, f);
        answer("m1", 3, r, true);
        answer("m2", 4, r, false);
        CompletionException e = assertThrows(CompletionException.class, f::join);
        assertTrue(e.getCause() instanceof CheckRounds.LeadershipNotConfirmed, e.toString());
        assertEquals(0, rounds.waitingRounds());
    }

    @Test
    void aRoundOfANewTermFailsTheOlderOnesAndStartsAfresh() {
        CompletableFuture<Long> old = new CompletableFuture<>();
        long r1 = start(3, old);
        answer("m2", 3, r1, true);
        CompletableFuture<Long> fresh = new CompletableFuture<>();
        long r2 = start(4, fresh);
        assertTrue(old.isCompletedExceptionally());
        answer("m1", 4, r2, true);
        assertFalse(fresh.isDone(), "m2's yes was for term 3: it does not carry over");
        answer("m2", 3, r2, true);
        assertFalse(fresh.isDone());
        answer("m2", 4, r2, true);
        assertEquals(4L, fresh.join());
    }

    @Test
    void failAllFailsEveryWaitingRound() {
        CompletableFuture<Long> a = new CompletableFuture<>();
        CompletableFuture<Long> b = new CompletableFuture<>();
        start(2, a);
        start(2, b);
        run(rounds.failAll("stepped down"));
        assertTrue(a.isCompletedExceptionally());
        assertTrue(b.isCompletedExceptionally());
        assertEquals(0, rounds.waitingRounds());
    }

    @Test
    void roundsTheCallerGaveUpOnLeaveTheQueue() {
        CompletableFuture<Long> abandoned = new CompletableFuture<>();
        start(2, abandoned);
        abandoned.completeExceptionally(new IllegalStateException("timed out"));
        start(2, new CompletableFuture<>());
        assertEquals(1, rounds.waitingRounds());
    }

    @Test
    void aSingleMemberIsItsOwnMajority() {
        CheckRounds alone = new CheckRounds(Set.of("m1"), 1);
        CompletableFuture<Long> f = new CompletableFuture<>();
        CheckRounds.Started s = alone.start(9, f);
        alone.answer("m1", 9, s.round(), true).forEach(Runnable::run);
        assertEquals(9L, f.join());
    }

    @Test
    void aFiveMemberGroupNeedsThree() {
        CheckRounds five = new CheckRounds(Set.of("a", "b", "c", "d", "e"), 3);
        CompletableFuture<Long> f = new CompletableFuture<>();
        CheckRounds.Started s = five.start(1, f);
        five.answer("a", 1, s.round(), true).forEach(Runnable::run);
        five.answer("b", 1, s.round(), true).forEach(Runnable::run);
        assertFalse(f.isDone());
        five.answer("e", 1, s.round(), true).forEach(Runnable::run);
        assertEquals(1L, f.join());
    }
}
