package org.mgtm.replication.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jgroups.Address;
import org.jgroups.EmptyMessage;
import org.jgroups.Header;
import org.jgroups.Message;
import org.jgroups.MergeView;
import org.jgroups.View;
import org.jgroups.annotations.ManagedAttribute;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.raft.ELECTION;
import org.jgroups.protocols.raft.RaftHeader;
import org.jgroups.protocols.raft.election.LeaderElected;
import org.jgroups.protocols.raft.election.VoteRequest;
import org.jgroups.util.Bits;
import org.jgroups.util.MessageBatch;

/**
 * jgroups-raft 1.1.4's {@link ELECTION} with fixes for elections right after a partition heals (1-4), after a
 * replica's data directory was emptied (5) and for a leader deposed while it was paused (6); it keeps ELECTION's
 * protocol id. The first two showed in the reproduction of the leaderless stretches of the long chaos run
 * (benchmarks/chaos/heal-kill-50.schedule, docs/decisions/0003-consensus-engine.md "Liveness after healed
 * partitions").
 *
 * <h2>1. A leader that never learns it was elected</h2>
 * The view coordinator runs the vote in its view, sets the winner as leader locally and multicasts
 * {@code LeaderElected}. A member accepts that message only if the leader is in its own current view and that view
 * holds a majority. Each member installs a new view on its own thread, and installing can take a while (passing the
 * view down the stack runs FD_SOCK2's connect to its next ping target, up to its 1 s connect timeout): a member
 * whose view is still the old one (alone, after the partition) drops the message, even when it names itself. The
 * coordinator has stopped voting and believes in a leader; the leader does not know it; nothing retries until the
 * next view change, and if that view changes nothing for the election (a member rejoins), never. The long chaos run
 * spent 77 s and 110 s like this. Here a dropped {@code LeaderElected} of a term not older than this member's is
 * kept, and applied as soon as a view arrives that holds that leader and a majority (the view the vote was held in,
 * normally a moment later).
 *
 * <h2>2. Rounds lost to old terms</h2>
 * The coordinator votes at its own term plus one. A member whose term is higher, or that voted for another
 * coordinator in that term, drops the request without a word; the coordinator waits the whole
 * {@code vote_timeout} and tries again one term higher. After a partition the coordinator of the merged view is
 * often the member that was cut off, one to three terms behind: 300-600 ms lost per election. Here a member that
 * drops a vote request answers with a {@link TermHint} (its term, and the request's); the coordinator stops waiting
 * for that member's vote (the round closes once the others answered) and, before the next round, adopts the
 * highest hinted term, so the next request is above everyone's. The hint carries no vote and terms only grow, so
 * elections decide exactly as before. (A member running plain ELECTION cannot read a hint and drops it with an
 * error line: only a rolling upgrade mixes the two.)
 */
public class MergeSafeElection extends ELECTION {
    /** Magic id of the hint header (jgroups-raft uses 2000-2004, 3000-3007, 4000). */
    static final short TERM_HINT = 3317;

    static {
        ClassConfigurator.add(TERM_HINT, TermHint.class);
    }

    /** A LeaderElected this member could not accept in its view at the time, to apply at the next view. */
    private record Pending(Address leader, long term) {
    }

    private volatile Pending pending;

    @ManagedAttribute(description = "LeaderElected messages applied after a view change instead of being lost")
    protected volatile long num_deferred_leaders;

    /** The highest term hinted since the last round began; adopted before the next round. */
    private final AtomicLong hinted = new AtomicLong();

    @ManagedAttribute(description = "Term hints sent to coordinators whose vote request this member dropped")
    protected volatile long num_hints_sent;

    @ManagedAttribute(description = "LeaderElected messages this coordinator sent again after a merge")
    protected volatile long num_reannounced;

    @ManagedAttribute(description = "Vote requests refused because this member knows the leader of their term")
    protected volatile long num_refused_votes;

    @ManagedAttribute(description = "Term hints received while coordinating a vote")
    protected volatile long num_hints_received;

    @ManagedAttribute(description = "Deposed leaders told the current term (their AppendEntries were of an older one)")
    protected volatile long num_deposed_told;

    @ManagedAttribute(description = "Times this member stepped down as leader: a member told it of a newer term")
    protected volatile long num_step_downs;

    /** A deposed leader that goes on sending is told again after this long (a hint can be lost with a connection). */
    static final long RETELL_MS = 500;

    private final Object stepDownLock = new Object();

    /** Per deposed leader: the old term it was last told about, and when (nanoTime). */
    private final Map<Address, long[]> toldDeposed = new ConcurrentHashMap<>();

    /**
     * The watchdog's period, and how long a coordinator tolerates a majority without a working leader. A working
     * leader sends every follower something at least every resend interval (500 ms: entries, or a heartbeat), so
     * 1.5 s of silence is three heartbeats missed; FD_ALL3 would have suspected a dead leader after 600 ms.
     */
    static final long WATCH_MS = 250;
    static final long STUCK_MS = 1500;

    private Future<?> watchdog;
    /** The leader and term the watchdog saw last, and since when (nanoTime); only the timer thread uses them. */
    private Address watchedLeader;
    private long watchedTerm = -1;
    private long watchedSinceNanos;

    @ManagedAttribute(description = "Votes the watchdog started: a majority without a working leader for 1.5 s")
    protected volatile long num_watchdog_votes;

    public MergeSafeElection() {
        setId(ClassConfigurator.getProtocolId(ELECTION.class));
    }

    @Override
    public void start() throws Exception {
        super.start();
        watchdog = getTransport().getTimer().scheduleWithFixedDelay(this::watch, WATCH_MS, WATCH_MS,
                TimeUnit.MILLISECONDS, false);
    }

    /** Set when the stack stops: RAFT, above, has closed the log already, so no round may start again. */
    private volatile boolean closing;

    @Override
    public void stop() {
        closing = true;
        if (watchdog != null) {
            watchdog.cancel(false);
        }
        super.stop();
    }

    /**
     * 3. The last resort. A coordinator whose view holds a majority, with no vote running, and either no leader or
     * a leader (not itself) that has sent it nothing, for {@link #STUCK_MS}, starts a vote. Whatever the way an
     * election got lost (a LeaderElected dropped, or refused because the coordinator's term moved on while it was
     * counting, under heavy churn), the group is never left without a leader for much longer than that. The time
     * counts from when this member learned of the current leader and term, at the earliest: the contact time of a
     * leader just elected still dates from its predecessor.
     */
    void watch() {
        try {
            View v = view;
            Address leader = raft.leader();
            long term = raft.currentTerm();
            long now = System.nanoTime();
            if (!Objects.equals(leader, watchedLeader) || term != watchedTerm) {
                watchedLeader = leader;
                watchedTerm = term;
                watchedSinceNanos = now;
            }
            if (v == null || !isViewCoordinator() || !isMajorityAvailable() || isVotingThreadRunning()) {
                return;
            }
            long unchangedMs = TimeUnit.NANOSECONDS.toMillis(now - watchedSinceNanos);
            boolean stuck = leader == null ? unchangedMs >= STUCK_MS
                    : !leader.equals(local_addr) && v.containsMember(leader) && raft instanceof SafeFollowerRaft f
                    && Math.min(unchangedMs, f.millisSinceLeaderContact()) >= STUCK_MS;
            if (stuck) {
                watchedSinceNanos = now;
                num_watchdog_votes++;
                log.warn("%s: view %s holds a majority but %s: starting a vote", local_addr, v, leader == null
                        ? "no leader is known" : "leader " + leader + " has sent nothing for " + STUCK_MS + " ms");
                if (leader != null) {
                    raft.setLeaderAndTerm(null);
                }
                startVotingThread();
            }
        } catch (RuntimeException e) {
            log.warn("%s: election watchdog: %s", local_addr, e);
        }
    }

    public long watchdogVotes() {
        return num_watchdog_votes;
    }

    @Override
    public Object up(Message msg) {
        Header hdr = msg.getHeader(id);
        if (hdr instanceof TermHint h) {
            handleHint(msg.src(), h);
            return null;
        }
        if (hdr instanceof VoteRequest r) {
            if (knowsLeaderOf(r.currTerm())) {
                refuseSecondLeader(msg.src(), r);
                return null;
            }
            Object ret = super.up(msg);
            hintIfDropped(msg.src(), r);
            return ret;
        }
        if (hdr instanceof LeaderElected e) {
            Object ret = super.up(msg);
            keepIfDropped(e);
            return ret;
        }
        return super.up(msg);
    }

    /** After ELECTION handled it: if the leader it names is not ours, and its term is current, keep it for later. */
    private void keepIfDropped(LeaderElected e) {
        if (e.leader() == null || e.currTerm() < raft.currentTerm() || Objects.equals(raft.leader(), e.leader())) {
            return;
        }
        View v = view;
        if (v != null && v.containsMember(e.leader()) && v.size() >= raft.majority()) {
            return; // accepted or refused by RAFT on its merits (an older term), not for want of a view
        }
        pending = new Pending(e.leader(), e.currTerm());
        log.debug("%s: keeping LeaderElected(%s, term %d) until a view holds it and a majority (view now %s)",
                local_addr, e.leader(), e.currTerm(), v);
    }

    @Override
    protected void handleView(View v) {
        super.handleView(v);
        toldDeposed.keySet().retainAll(v.getMembers());
        reannounceAfterMerge(v);
        Pending p = pending;
        if (p == null) {
            return;
        }
        if (p.term < raft.currentTerm() || raft.leader() != null) {
            pending = null;
        } else if (v.containsMember(p.leader) && v.size() >= raft.majority()) {
            pending = null;
            int res = raft.trySetLeaderAndTerm(p.leader, p.term);
            log.debug("%s: applied the kept LeaderElected(%s, term %d) in view %s: %d", local_addr, p.leader, p.term,
                    v, res);
            if (res >= 0) {
                num_deferred_leaders++;
                stopVotingThread();
            }
        }
    }

    /**
     * 4. A leader that missed its election in another subgroup. A coordinator counts the votes, sets the winner as
     * leader and multicasts {@code LeaderElected}; a member that has not installed the coordinator's view yet drops
     * that multicast in NAKACK2 (a message from a non-member) before this protocol sees it, and if its next view is
     * a merge view, NAKACK2 starts over from the merged digest and never retransmits it. After the merge the
     * coordinator believes in a leader that is in the view; the leader, a plain member, knows of no leader and does
     * not vote; ELECTION sees "no change" and the watchdog was the only way out (4.7 s in the quiet heal-kill run).
     * So a coordinator that installs a merge view and believes in a leader other than itself, in that view,
     * announces it again. The announcement repeats what a majority decided for that term, so it is as safe as the
     * first one: a member whose term moved on refuses it.
     */
    private void reannounceAfterMerge(View v) {
        Address leader = raft.leader();
        if (v instanceof MergeView && isViewCoordinator() && leader != null && !leader.equals(local_addr)
                && v.containsMember(leader) && isMajorityAvailable()) {
            num_reannounced++;
            log.debug("%s: merge view %s: announcing leader %s of term %d again", local_addr, v.getViewId(), leader,
                    raft.currentTerm());
            sendLeaderElectedMessage(leader, raft.currentTerm());
        }
    }

    public long reannouncedLeaders() {
        return num_reannounced;
    }

    @Override
    public void up(MessageBatch batch) {
        List<Message> mine = null;
        for (Iterator<Message> it = batch.iterator(); it.hasNext(); ) {
            Message msg = it.next();
            Header hdr = msg.getHeader(id);
            if (hdr instanceof TermHint || hdr instanceof VoteRequest || hdr instanceof LeaderElected) {
                it.remove();
                if (mine == null) {
                    mine = new ArrayList<>(2);
                }
                mine.add(msg);
            }
        }
        if (mine != null) {
            for (Message msg : mine) {
                up(msg);
            }
        }
        if (!batch.isEmpty()) {
            super.up(batch);
        }
    }

    /** After ELECTION handled the request: if it did not vote for the sender in the request's term, say why. */
    private void hintIfDropped(Address coordinator, VoteRequest r) {
        long term = raft.currentTerm();
        if (term == r.currTerm() && Objects.equals(raft.votedFor(), coordinator)) {
            return; // it voted
        }
        if (term < r.currTerm() || coordinator == null || Objects.equals(coordinator, local_addr)) {
            return;
        }
        sendHint(coordinator, r.currTerm());
    }

    /** Tells {@code coordinator} this member's term, in answer to its vote request of {@code requestTerm}. */
    private void sendHint(Address coordinator, long requestTerm) {
        num_hints_sent++;
        down_prot.down(new EmptyMessage(coordinator).putHeader(id, new TermHint(raft.currentTerm(), requestTerm))
                .setFlag(Message.Flag.OOB));
    }

    /**
     * 5. One leader per term, also after a replica's data directory was emptied. ELECTION lets a member vote in its
     * current term if it has not voted in it yet, and a member that learned the term from the leader's messages
     * (it joined after the vote) has not. A replica whose data directory was emptied (the repair of a damaged log)
     * starts at term 0 and has forgotten its own vote; if it becomes view coordinator (a merge can put it first),
     * it runs a vote at term 1 — a term that already has a leader — votes for itself a second time and, with such
     * a member's vote, names a second leader for that term. RAFT refused the second leader on the others ("Changing
     * leader mgtm3 to mgtm2 illegally"), but the emptied replica believed in it and refused the real leader's
     * entries for good (DiskFaultsCiTest, 2026-12-05). So a member that knows the leader of a term refuses to vote
     * in that term, and says so with a hint: the coordinator's next round is at a new term. Refusing a vote is
     * always safe; it costs the coordinator one round.
     */
    private boolean knowsLeaderOf(long term) {
        return raft.leader() != null && raft.currentTerm() == term;
    }

    private void refuseSecondLeader(Address coordinator, VoteRequest r) {
        num_refused_votes++;
        log.debug("%s: refusing %s's vote request of term %d: that term's leader is %s", local_addr, coordinator,
                r.currTerm(), raft.leader());
        if (coordinator != null && !coordinator.equals(local_addr)) {
            sendHint(coordinator, r.currTerm());
        }
    }

    public long refusedVotes() {
        return num_refused_votes;
    }

    private void handleHint(Address from, TermHint h) {
        num_hints_received++;
        hinted.accumulateAndGet(h.currTerm(), Math::max);
        if (h.currTerm() > raft.currentTerm() && stepDown(from, h.currTerm())) {
            return;
        }
        if (h.requestTerm == raft.currentTerm() && isVotingThreadRunning()) {
            // The round in progress will not get this member's vote: stop waiting for it. (remove(List) wakes
            // the waiter; remove(Address) does not when the member had not answered.)
            getVotes().remove(List.of(from));
        }
    }

    /**
     * 6. A deposed leader that never learns it. A leader paused (SIGSTOP, a long GC) or cut off is removed from the
     * others' view and a new leader is elected in a newer term; when it comes back, a merge can make it coordinator
     * of the view again (coordinators go by address order), still believing itself leader of its old term. The
     * others drop its AppendEntries (older term) without a word, as RAFT does; ELECTION sees its leader in the view
     * and does nothing; the watchdog only watches another member's leadership: the long chaos run of 2026-12-05 had
     * 30 s without a leader this way (a leader paused 2 s right after a healed partition, its successor killed).
     * Raft's rule closes it: a member that drops a request of an older term answers with its own term, and a leader
     * that learns of a newer term steps down. {@link SafeFollowerRaft} calls this on each such drop; the answer is a
     * {@link TermHint}, once per sender and term unless it goes on sending for {@link #RETELL_MS}.
     */
    void tellDeposedLeader(Address leader, long staleTerm) {
        if (leader == null || leader.equals(local_addr)) {
            return;
        }
        long now = System.nanoTime();
        long[] last = toldDeposed.get(leader);
        if (last != null && last[0] == staleTerm && now - last[1] < TimeUnit.MILLISECONDS.toNanos(RETELL_MS)) {
            return;
        }
        toldDeposed.put(leader, new long[] {staleTerm, now});
        num_deposed_told++;
        log.debug("%s: %s still leads term %d; telling it the current term %d", local_addr, leader, staleTerm,
                raft.currentTerm());
        sendHint(leader, staleTerm);
    }

    /**
     * Leaves a term that a member has moved past: no leader, role Follower (the term's advance does both). A
     * coordinator with a majority votes at once; otherwise the coordinator's watchdog sees this leader fall silent.
     */
    private boolean stepDown(Address from, long newerTerm) {
        synchronized (stepDownLock) {   // hints of several members arrive on several threads: one step down
            long term = raft.currentTerm();
            if (!raft.isLeader() || newerTerm <= term) {
                return false;
            }
            num_step_downs++;
            log.warn("%s: leader of term %d, but %s is in term %d: stepping down", local_addr, term, from, newerTerm);
            raft.currentTerm(newerTerm);
        }
        if (view != null && isViewCoordinator() && isMajorityAvailable()) {
            startVotingThread();
        }
        return true;
    }

    public long deposedLeadersTold() {
        return num_deposed_told;
    }

    public long stepDowns() {
        return num_step_downs;
    }

    @Override
    protected void runVotingProcess() {
        if (closing) {
            // ELECTION's stop only asks the thread to stop, and it goes on while the view holds a majority.
            // An interrupted voting thread ends itself at the top of the round.
            Thread.currentThread().interrupt();
            super.runVotingProcess();
            return;
        }
        long h = hinted.getAndSet(0);
        if (h > raft.currentTerm() && raft.leader() == null) {
            // Between rounds: no request is out, so adopting the higher term cannot mix terms within a round.
            raft.currentTerm(h);
        }
        super.runVotingProcess();
    }

    public long hintsSent() {
        return num_hints_sent;
    }

    public long hintsReceived() {
        return num_hints_received;
    }

    public long deferredLeaders() {
        return num_deferred_leaders;
    }

    /**
     * "I dropped your vote request (or, as a leader, your AppendEntries) of term {@code requestTerm}; my term is
     * {@code currTerm()}."
     */
    public static class TermHint extends RaftHeader {
        long requestTerm;

        public TermHint() {
        }

        TermHint(long term, long requestTerm) {
            super(term);
            this.requestTerm = requestTerm;
        }

        @Override
        public short getMagicId() {
            return TERM_HINT;
        }

        @Override
        public Supplier<? extends Header> create() {
            return TermHint::new;
        }

        @Override
        public int serializedSize() {
            return super.serializedSize() + Bits.size(requestTerm);
        }

        @Override
        public void writeTo(DataOutput out) throws IOException {
            super.writeTo(out);
            Bits.writeLongCompressed(requestTerm, out);
        }

        @Override
        public void readFrom(DataInput in) throws IOException, ClassNotFoundException {
            super.readFrom(in);
            requestTerm = Bits.readLongCompressed(in);
        }

        @Override
        public String toString() {
            return "TermHint: current_term=" + curr_term + ", request_term=" + requestTerm;
        }
    }
}
