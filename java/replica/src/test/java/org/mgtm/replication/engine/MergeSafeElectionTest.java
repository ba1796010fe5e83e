package org.mgtm.replication.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jgroups.Address;
import org.jgroups.EmptyMessage;
import org.jgroups.Event;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.MergeView;
import org.jgroups.ObjectMessage;
import org.jgroups.View;
import org.jgroups.ViewId;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.SHARED_LOOPBACK;
import org.jgroups.protocols.SHARED_LOOPBACK_PING;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.raft.AppendEntriesRequest;
import org.jgroups.protocols.raft.ELECTION;
import org.jgroups.protocols.raft.LogEntries;
import org.jgroups.protocols.raft.LogEntry;
import org.jgroups.protocols.raft.RAFT;
import org.jgroups.protocols.raft.election.BaseElection;
import org.jgroups.protocols.raft.election.LeaderElected;
import org.jgroups.protocols.raft.election.VoteRequest;
import org.jgroups.raft.RaftHandle;
import org.jgroups.stack.Protocol;
import org.jgroups.util.ExtendedUUID;
import org.jgroups.util.Util;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The election fixes of {@link MergeSafeElection}, on one member (B of A, B, C) on a private in-JVM channel, fed
 * the messages and views of the others directly, so each step is deterministic: a {@code LeaderElected} that arrives
 * before the view it was voted in is applied when that view comes (plain ELECTION loses it: the case of the 77 s
 * without a leader), a dropped vote request is answered with the member's term, a coordinator announces its leader
 * again after a merge, a member refuses a vote in a term whose leader it knows, and a deposed leader is told the
 * newer term and steps down.
 */
class MergeSafeElectionTest {
    @TempDir
    Path dir;

    private JChannel channel;
    private RAFT raft;
    private final List<Message> sent = new CopyOnWriteArrayList<>();
    private final Address a = member("A");
    private final Address c = member("C");

    /** Keeps what the election sends to A or C (they do not exist), and the LeaderElected it multicasts. */
    private final class Sent extends Protocol {
        @Override
        public Object down(Message msg) {
            boolean announcement = msg.getDest() == null
                    && msg.getHeader(ClassConfigurator.getProtocolId(ELECTION.class)) instanceof LeaderElected;
            if (a.equals(msg.getDest()) || c.equals(msg.getDest()) || announcement) {
                sent.add(msg);
                return null;
            }
            return down_prot.down(msg);
        }
    }

    private BaseElection start(BaseElection election) throws Exception {
        return start(election, new SafeFollowerRaft());
    }

    private BaseElection start(BaseElection election, RAFT member) throws Exception {
        raft = member;
        raft.raftId("B").members(List.of("A", "B", "C")).logClass(DurableLog.class.getName())
                .logDir(dir.toString()).logPrefix("B").logUseFsync(false);
        election.voteTimeout(200);
        channel = new JChannel(new SHARED_LOOPBACK(), new SHARED_LOOPBACK_PING(), new NAKACK2(), new UNICAST3(),
                new GMS().printLocalAddress(false), new Sent(), election, raft);
        channel.setName("B");
        new RaftHandle(channel, new BatchStateMachine(new BatchStateMachine.Applier() {
            public byte[] apply(byte[] command) {
                return new byte[0];
            }

            public void writeSnapshot(java.io.DataOutput out) {
            }

            public void readSnapshot(java.io.DataInput in) {
            }
        }));
        channel.connect("merge-safe-" + System.nanoTime());   // alone: view [B], no majority
        return election;
    }

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.close();
        }
    }

    @Test
    void aLeaderElectedBeforeItsViewArrivedIsAppliedWithThatView() throws Exception {
        BaseElection election = start(new MergeSafeElection());
        Address b = channel.getAddress();
        election.up(leaderElected(b, 5));
        assertFalse(raft.isLeader(), "accepted in a view without a majority");

        election.up(new Event(Event.VIEW_CHANGE, View.create(a, 10, a, b, c)));   // A coordinates: B does not vote
        assertTrue(raft.isLeader(), "the kept LeaderElected was not applied");
        assertEquals(5, raft.currentTerm());
        assertEquals(1, ((MergeSafeElection) election).deferredLeaders());
    }

    /** The defect itself: plain ELECTION drops it for good. */
    @Test
    void plainElectionLosesIt() throws Exception {
        BaseElection election = start(new ELECTION());
        Address b = channel.getAddress();
        election.up(leaderElected(b, 5));
        election.up(new Event(Event.VIEW_CHANGE, View.create(a, 10, a, b, c)));
        assertFalse(raft.isLeader(), "jgroups-raft keeps such a LeaderElected now: MergeSafeElection's part 1 may go");
    }

    @Test
    void aStaleLeaderElectedIsNotKept() throws Exception {
        BaseElection election = start(new MergeSafeElection());
        Address b = channel.getAddress();
        raft.setLeaderAndTerm(null, 7);
        election.up(leaderElected(b, 5));
        election.up(new Event(Event.VIEW_CHANGE, View.create(a, 10, a, b, c)));
        assertFalse(raft.isLeader());
        assertEquals(7, raft.currentTerm());
    }

    @Test
    void aDroppedVoteRequestIsAnsweredWithTheTerm() throws Exception {
        MergeSafeElection election = (MergeSafeElection) start(new MergeSafeElection());
        raft.setLeaderAndTerm(null, 6);
        Message request = new EmptyMessage(channel.getAddress()).setSrc(a).putHeader(election.getId(),
                new VoteRequest(4));
        election.up(request);

        assertEquals(1, sent.size(), "no hint sent: " + sent);
        MergeSafeElection.TermHint hint = sent.get(0).getHeader(election.getId());
        assertEquals(6, hint.currTerm());
        assertEquals(4, hint.requestTerm);
        assertEquals(1, election.hintsSent());
    }

    @Test
    void aHintedTermIsAdoptedBeforeTheNextRound() throws Exception {
        MergeSafeElection election = (MergeSafeElection) start(new MergeSafeElection());
        Message hint = new EmptyMessage(channel.getAddress()).setSrc(a).putHeader(election.getId(),
                new MergeSafeElection.TermHint(9, 1));
        election.up(hint);
        election.runVotingProcess();   // one round, alone: no majority, but started above the hint
        assertEquals(10, raft.currentTerm());
    }

    /**
     * A coordinator that installs a merge view while it believes in another member as leader announces it again: that
     * member may have dropped the first announcement in the subgroup it was in (NAKACK2, from a non-member).
     */
    @Test
    void aCoordinatorAnnouncesTheLeaderAgainAfterAMerge() throws Exception {
        MergeSafeElection election = (MergeSafeElection) start(new MergeSafeElection());
        Address b = channel.getAddress();
        election.up(new Event(Event.VIEW_CHANGE, View.create(a, 10, a, b)));   // a majority; A coordinates
        raft.setLeaderAndTerm(a, 5);
        View subgroup = View.create(a, 10, a, b);
        election.up(new Event(Event.VIEW_CHANGE,
                new MergeView(new ViewId(b, 12), List.of(b, a, c), List.of(subgroup, View.create(c, 11, c)))));

        List<LeaderElected> announced = announcements();
        assertEquals(1, announced.size(), "no announcement after the merge: " + sent);
        assertEquals(a, announced.get(0).leader());
        assertEquals(5, announced.get(0).currTerm());
        assertEquals(1, election.reannouncedLeaders());
    }

    /** Only merges: a plain view change with the same leader announces nothing (ELECTION's own rules apply). */
    @Test
    void noAnnouncementWithoutAMerge() throws Exception {
        MergeSafeElection election = (MergeSafeElection) start(new MergeSafeElection());
        Address b = channel.getAddress();
        election.up(new Event(Event.VIEW_CHANGE, View.create(a, 10, a, b)));
        raft.setLeaderAndTerm(a, 5);
        election.up(new Event(Event.VIEW_CHANGE, View.create(b, 11, b, a, c)));
        assertEquals(List.of(), announcements());
        assertEquals(0, election.reannouncedLeaders());
    }

    /**
     * A member that knows the leader of a term refuses a vote request of that term (a coordinator whose data
     * directory was emptied asks again for a term that has a leader) and hints its term, so the next round is at a
     * new term.
     */
    @Test
    void aMemberThatKnowsTheTermsLeaderDoesNotVoteInThatTerm() throws Exception {
        MergeSafeElection election = (MergeSafeElection) start(new MergeSafeElection());
        raft.setLeaderAndTerm(a, 5);   // learned from the leader's messages: no vote of its own in term 5
        election.up(new EmptyMessage(channel.getAddress()).setSrc(c).putHeader(election.getId(), new VoteRequest(5)));

        assertEquals(null, raft.votedFor(), "voted for a second leader's coordinator in term 5");
        assertEquals(a, raft.leader());
        assertEquals(1, election.refusedVotes());
        assertEquals(1, sent.size(), "no hint sent: " + sent);
        MergeSafeElection.TermHint hint = sent.get(0).getHeader(election.getId());
        assertEquals(5, hint.currTerm());
        assertEquals(5, hint.requestTerm);
    }

    /** The defect itself: plain ELECTION votes in a term whose leader it knows. */
    @Test
    void plainElectionVotesInATermThatHasALeader() throws Exception {
        BaseElection election = start(new ELECTION());
        raft.setLeaderAndTerm(a, 5);
        election.up(new EmptyMessage(channel.getAddress()).setSrc(c).putHeader(election.getId(), new VoteRequest(5)));
        assertEquals(c, raft.votedFor(), "jgroups-raft refuses such a vote now: MergeSafeElection's part 5 may go");
    }

    /**
     * A leader deposed while it was paused, and view coordinator again after a merge, goes on sending AppendEntries
     * of its old term; a member in a newer term drops them (as RAFT does) and tells it its term, once per term.
     */
    @Test
    void aMemberTellsADeposedLeaderItsTerm() throws Exception {
        MergeSafeElection election = (MergeSafeElection) start(new MergeSafeElection());
        raft.setLeaderAndTerm(null, 7);
        appendEntriesFromA(5);
        appendEntriesFromA(5);

        assertEquals(0, raft.lastAppended(), "took an entry of an older term");
        List<MergeSafeElection.TermHint> hints = hints();
        assertEquals(1, hints.size(), "told once per term: " + sent);
        assertEquals(7, hints.get(0).currTerm());
        assertEquals(5, hints.get(0).requestTerm);
        assertEquals(1, election.deposedLeadersTold());
        appendEntriesFromA(6);
        assertEquals(2, hints().size(), "a newer old term is told too");
    }

    /** The defect itself: plain RAFT drops such a request without a word. */
    @Test
    void plainRaftTellsADeposedLeaderNothing() throws Exception {
        start(new MergeSafeElection(), new RAFT());
        raft.setLeaderAndTerm(null, 7);
        appendEntriesFromA(5);
        assertEquals(List.of(), hints(), "jgroups-raft answers now: MergeSafeElection's part 6 may go");
    }

    /** The deposed leader, told of a newer term, steps down and, as coordinator of a majority, starts a vote. */
    @Test
    void aLeaderToldOfANewerTermStepsDownAndVotes() throws Exception {
        MergeSafeElection election = (MergeSafeElection) start(new MergeSafeElection());
        Address b = channel.getAddress();
        election.up(new Event(Event.VIEW_CHANGE, View.create(a, 10, a, b, c)));   // a majority; A coordinates
        raft.setLeaderAndTerm(b, 5);
        election.up(new Event(Event.VIEW_CHANGE, View.create(b, 11, b, a, c)));   // now B coordinates, and leads
        assertTrue(raft.isLeader());
        assertFalse(election.isVotingThreadRunning());

        election.up(new EmptyMessage(b).setSrc(a).putHeader(election.getId(), new MergeSafeElection.TermHint(7, 5)));

        assertFalse(raft.isLeader(), "still leads term 5");
        assertTrue(raft.currentTerm() >= 7, "term " + raft.currentTerm());
        assertEquals(1, election.stepDowns());
        assertTrue(election.isVotingThreadRunning(), "no vote started");
    }

    /** A hint of an older or the same term leaves a leader alone. */
    @Test
    void aLeaderIgnoresAHintOfItsOwnTerm() throws Exception {
        MergeSafeElection election = (MergeSafeElection) start(new MergeSafeElection());
        Address b = channel.getAddress();
        raft.setLeaderAndTerm(b, 5);
        election.up(new EmptyMessage(b).setSrc(a).putHeader(election.getId(), new MergeSafeElection.TermHint(5, 4)));
        assertTrue(raft.isLeader());
        assertEquals(0, election.stepDowns());
    }

    private void appendEntriesFromA(long term) {
        Message msg = new ObjectMessage(channel.getAddress(), new LogEntries().add(new LogEntry(term, new byte[8])))
                .setSrc(a);
        raft.handleUpRequest(msg, new AppendEntriesRequest(a, term, 0, 0, term, 0));
    }

    private List<MergeSafeElection.TermHint> hints() {
        short id = ClassConfigurator.getProtocolId(ELECTION.class);
        return sent.stream().filter(m -> m.getHeader(id) instanceof MergeSafeElection.TermHint)
                .map(m -> (MergeSafeElection.TermHint) m.getHeader(id)).toList();
    }

    private List<LeaderElected> announcements() {
        short id = ClassConfigurator.getProtocolId(ELECTION.class);
        return sent.stream().filter(m -> m.getDest() == null).map(m -> (LeaderElected) m.getHeader(id)).toList();
    }

    private Message leaderElected(Address leader, long term) {
        return new EmptyMessage(channel.getAddress()).setSrc(a)
                .putHeader(channel.getProtocolStack().findProtocol(BaseElection.class).getId(),
                        new LeaderElected(leader).currTerm(term));
    }

    private static Address member(String raftId) {
        return ExtendedUUID.randomUUID(raftId).put(RAFT.raft_id_key, Util.stringToBytes(raftId));
    }
}
