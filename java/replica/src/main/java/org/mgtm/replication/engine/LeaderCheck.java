package org.mgtm.replication.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jgroups.Address;
import org.jgroups.EmptyMessage;
import org.jgroups.Global;
import org.jgroups.Header;
import org.jgroups.Message;
import org.jgroups.annotations.Property;
import org.jgroups.conf.AttributeType;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.raft.RAFT;
import org.jgroups.protocols.raft.Role;
import org.jgroups.raft.util.Utils;
import org.jgroups.stack.Protocol;
import org.jgroups.util.Bits;
import org.jgroups.util.MessageBatch;

/**
 * A leader's check that it still leads, without touching the log: the read-index round of
 * docs/decisions/0008. It sits above RAFT in the stack. {@link #confirm()} multicasts CHECK(term,
 * round); every member answers at once, from the receiving thread, with its current term and whether
 * it takes the sender for its leader (RAFT's term and leader live in jgroups-raft's RaftState, whose
 * accessors are synchronized, so reading them here is safe). The round is confirmed when a majority
 * of the raft members, this one included, answered "yes, term t" ({@link CheckRounds}).
 *
 * <p>Why that suffices: a member that answered "yes, term t" after the round was sent had not moved
 * to a later term before answering (terms only grow, and voting in a later term moves a member to
 * it). A leader of a later term needs the votes of a majority, which shares a member with the
 * answering majority; so no later leader had been elected when the round was sent. jgroups-raft's
 * own read path (getAsync) does not give this in 1.1.4 (decision 0003): it is not used.
 *
 * <p>Its own protocol id and header id, outside the ranges JGroups and jgroups-raft use (below 600,
 * and 2000-4000).
 */
public class LeaderCheck extends Protocol {
    static final short PROTOCOL_ID = 1742;
    static final short HEADER_ID = 1743;

    static {
        ClassConfigurator.addProtocol(PROTOCOL_ID, LeaderCheck.class);
        ClassConfigurator.add(HEADER_ID, CheckHeader.class);
    }

    @Property(description = "A round not decided within this time (ms) is followed by another, which can "
            + "confirm it", type = AttributeType.TIME)
    protected long round_retry = 500;

    private RAFT raft;
    private CheckRounds rounds;
    // Guarded by roundLock: whether a round is out, and what the calls made meanwhile wait for.
    private final Object roundLock = new Object();
    private boolean roundOut;
    private CompletableFuture<Long> nextRound;
    private final LongAdder roundsSent = new LongAdder();
    private final LongAdder roundsConfirmed = new LongAdder();

    @Override
    public void init() throws Exception {
        super.init();
        raft = getProtocolStack().findProtocol(RAFT.class);
        if (raft == null) {
            throw new IllegalStateException("LeaderCheck needs RAFT below it");
        }
        rounds = new CheckRounds(new HashSet<>(raft.members()), raft.majority());
        raft.addRoleListener(role -> {
            if (role != Role.Leader) {
                run(rounds.failAll("this member is now " + role));
            }
        });
    }

    @Override
    public void stop() {
        if (rounds != null) {
            run(rounds.failAll("stopped"));
        }
        super.stop();
    }

    /**
     * Completes with the term once a majority of the members confirmed this member as their leader in
     * it, in a round sent after this call. Fails if this member does not lead, and when the term
     * changes or this member stops leading before the majority answered. Never times out by itself:
     * callers bound the wait.
     *
     * <p>One round is out at a time: a call made while one is out waits for the next, which leaves as
     * soon as the one out is decided (a round sent before the call could not serve it). So every call
     * made during one round trip shares the next round, however many there are.
     */
    public CompletableFuture<Long> confirm() {
        synchronized (roundLock) {
            if (roundOut) {
                if (nextRound == null) {
                    nextRound = new CompletableFuture<>();
                }
                return nextRound;
            }
            roundOut = true;
        }
        CompletableFuture<Long> confirmed = new CompletableFuture<>();
        sendRound(confirmed);
        return confirmed;
    }

    /** The round out is decided: the calls that waited for the next one get it now. */
    private void roundDecided() {
        CompletableFuture<Long> waiting;
        synchronized (roundLock) {
            waiting = nextRound;
            nextRound = null;
            if (waiting == null) {
                roundOut = false;
                return;
            }
        }
        sendRound(waiting);
    }

    /** Sends a round for {@code confirmed}; when it is decided (or overdue), the next round may leave. */
    private void sendRound(CompletableFuture<Long> confirmed) {
        AtomicBoolean passedOn = new AtomicBoolean();
        Runnable passOn = () -> {
            if (passedOn.compareAndSet(false, true)) {
                roundDecided();
            }
        };
        confirmed.whenComplete((term, failure) -> passOn.run());
        // A round still undecided after round_retry (a member that did not know the leader yet, messages
        // held up) is followed by another: a majority's yes to a later round confirms this one too. Only
        // the caller's own deadline, a term change or the end of the leadership fail it.
        Future<?> retry = getTransport().getTimer().schedule(() -> {
            if (!confirmed.isDone()) {
                synchronized (roundLock) {
                    if (nextRound == null) {
                        nextRound = new CompletableFuture<>();
                    }
                }
                passOn.run();
            }
        }, round_retry, TimeUnit.MILLISECONDS, false);
        confirmed.whenComplete((term, failure) -> retry.cancel(false));
        long term = leadingTerm();
        if (term < 0) {
            confirmed.completeExceptionally(new CheckRounds.LeadershipNotConfirmed("this member does not lead"));
            return;
        }
        CheckRounds.Started started = rounds.start(term, confirmed);
        run(started.completions());
        confirmed.thenRun(roundsConfirmed::increment);
        try {
            down_prot.down(new EmptyMessage(null).putHeader(id, CheckHeader.check(term, started.round()))
                    .setFlag(Message.Flag.OOB).setFlag(Message.TransientFlag.DONT_LOOPBACK));
            roundsSent.increment();
        } catch (RuntimeException e) {
            confirmed.completeExceptionally(e);
            return;
        }
        // This member's own answer, given after the round left, like everyone else's: had it moved to a
        // later term in between, its term would show it.
        long now = leadingTerm();
        run(rounds.answer(raft.raftId(), now < 0 ? raft.currentTerm() : now, started.round(), now == term));
    }

    /** Rounds sent, and rounds confirmed by a majority. */
    public long roundsSent() {
        return roundsSent.sum();
    }

    public long roundsConfirmed() {
        return roundsConfirmed.sum();
    }

    /**
     * This member's term if it leads in it, else -1. Term and leader are two reads: the term is read
     * before and after, and within one term the leader is either unknown or that term's one leader.
     */
    private long leadingTerm() {
        long before = raft.currentTerm();
        boolean leads = raft.isLeader();
        long after = raft.currentTerm();
        return leads && before == after ? before : -1;
    }

    @Override
    public Object up(Message msg) {
        CheckHeader h = msg.getHeader(id);
        if (h == null) {
            return up_prot.up(msg);
        }
        handle(msg.src(), h);
        return null;
    }

    @Override
    public void up(MessageBatch batch) {
        for (Iterator<Message> it = batch.iterator(); it.hasNext(); ) {
            Message msg = it.next();
            CheckHeader h = msg.getHeader(id);
            if (h != null) {
                it.remove();
                handle(msg.src(), h);
            }
        }
        if (!batch.isEmpty()) {
            up_prot.up(batch);
        }
    }

    private void handle(Address from, CheckHeader h) {
        if (h.kind == CheckHeader.CHECK) {
            // Answered at once and without the log: only the term and the leader this member knows.
            long before = raft.currentTerm();
            Address leader = raft.leader();
            long after = raft.currentTerm();
            boolean yes = before == after && after == h.term && from != null && from.equals(leader);
            down_prot.down(new EmptyMessage(from).putHeader(id, CheckHeader.answer(after, h.round, yes))
                    .setFlag(Message.Flag.OOB));
        } else if (h.kind == CheckHeader.ANSWER && rounds != null) {
            run(rounds.answer(raftIdOf(from), h.term, h.round, h.yes));
        }
    }

    private static String raftIdOf(Address a) {
        try {
            return a == null ? null : Utils.extractRaftId(a);
        } catch (RuntimeException e) {
            return null; // not a raft member's address
        }
    }

    private static void run(List<Runnable> completions) {
        for (Runnable r : completions) {
            r.run();
        }
    }

    /** CHECK (leader to all: term, round) or ANSWER (member to leader: its term, round, yes/no). */
    public static final class CheckHeader extends Header {
        static final byte CHECK = 1;
        static final byte ANSWER = 2;

        byte kind;
        long term;
        long round;
        boolean yes;

        public CheckHeader() {
        }

        static CheckHeader check(long term, long round) {
            CheckHeader h = new CheckHeader();
            h.kind = CHECK;
            h.term = term;
            h.round = round;
            return h;
        }

        static CheckHeader answer(long term, long round, boolean yes) {
            CheckHeader h = check(term, round);
            h.kind = ANSWER;
            h.yes = yes;
            return h;
        }

        @Override
        public short getMagicId() {
            return HEADER_ID;
        }

        @Override
        public Supplier<? extends Header> create() {
            return CheckHeader::new;
        }

        @Override
        public int serializedSize() {
            return Global.BYTE_SIZE + Bits.size(term) + Bits.size(round) + Global.BYTE_SIZE;
        }

        @Override
        public void writeTo(DataOutput out) throws IOException {
            out.writeByte(kind);
            Bits.writeLongCompressed(term, out);
            Bits.writeLongCompressed(round, out);
            out.writeBoolean(yes);
        }

        @Override
        public void readFrom(DataInput in) throws IOException {
            kind = in.readByte();
            term = Bits.readLongCompressed(in);
            round = Bits.readLongCompressed(in);
            yes = in.readBoolean();
        }

        @Override
        public String toString() {
            return (kind == CHECK ? "CHECK" : "ANSWER") + "[term=" + term + ", round=" + round
                    + (kind == ANSWER ? ", yes=" + yes : "") + "]";
        }
    }
}
