package org.mgtm.replication.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.ObjectMessage;
import org.jgroups.protocols.SHARED_LOOPBACK;
import org.jgroups.protocols.SHARED_LOOPBACK_PING;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.raft.AppendEntriesRequest;
import org.jgroups.protocols.raft.AppendEntriesResponse;
import org.jgroups.protocols.raft.AppendResult;
import org.jgroups.protocols.raft.InstallSnapshotRequest;
import org.jgroups.protocols.raft.LogEntries;
import org.jgroups.protocols.raft.LogEntry;
import org.jgroups.protocols.raft.PersistentState;
import org.jgroups.raft.RaftHandle;
import org.jgroups.stack.Protocol;
import org.jgroups.util.ByteArrayDataOutputStream;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The follower side of {@link SafeFollowerRaft}: one follower on a private in-JVM channel, fed the leader's messages
 * directly (no election and no real leader, so every step is deterministic), its answers captured. Each command
 * written to the log is its own index, so the applied list shows exactly which entries reached the state machine.
 */
class SafeFollowerRaftTest {
    private static final String ID = "B";

    @TempDir
    Path dir;

    private JChannel channel;
    private SafeFollowerRaft raft;
    private final List<Long> applied = new CopyOnWriteArrayList<>();
    private final List<AppendResult> answers = new CopyOnWriteArrayList<>();
    private final Address leader = UUID.randomUUID();

    /** Keeps the follower's answers to the (absent) leader instead of sending them. */
    private final class Answers extends Protocol {
        @Override
        public Object down(Message msg) {
            if (leader.equals(msg.getDest()) && msg.getHeader(raft.getId()) instanceof AppendEntriesResponse r) {
                answers.add(resultOf(r));
                return null;
            }
            return down_prot.down(msg);
        }
    }

    /** The state is the list of applied commands; each command is the 8-byte payload the test gave it. */
    private final class Recorder implements BatchStateMachine.Applier {
        @Override
        public byte[] apply(byte[] command) {
            applied.add(ByteBuffer.wrap(command).getLong());
            return new byte[0];
        }

        @Override
        public void writeSnapshot(DataOutput out) throws IOException {
            out.writeInt(applied.size());
            for (long i : applied)
                out.writeLong(i);
        }

        @Override
        public void readSnapshot(DataInput in) throws IOException {
            applied.clear();
            int n = in.readInt();
            for (int i = 0; i < n; i++)
                applied.add(in.readLong());
        }
    }

    @BeforeEach
    void start() throws Exception {
        raft = new SafeFollowerRaft();
        raft.raftId(ID).members(List.of("A", ID, "C")).logClass(DurableLog.class.getName())
                .logDir(dir.toString()).logPrefix(ID).logUseFsync(false);
        channel = new JChannel(new SHARED_LOOPBACK(), new SHARED_LOOPBACK_PING(), new NAKACK2(), new UNICAST3(),
                new GMS().printLocalAddress(false), new Answers(), raft);
        channel.setName(ID);
        new RaftHandle(channel, new BatchStateMachine(new Recorder()));
        channel.connect("safe-follower-" + System.nanoTime());
    }

    @AfterEach
    void stop() {
        if (channel != null)
            channel.close();
    }

    // ---- snapshots ----

    @Test
    void aSnapshotBelowEntriesTheFollowerHoldsKeepsThemAndCommitsFromTheLog() {
        append(1, 0, 0, 5, entries(1, 10, 1));
        assertEquals(10, raft.lastAppended());
        assertEquals(5, raft.commitIndex());

        installSnapshot(1, 5, 1);
        assertEquals(10, raft.lastAppended(), "entries after the snapshot were dropped");
        assertEquals(5, raft.commitIndex());
        assertTrue(lastAnswer().success());
        assertEquals(5, lastAnswer().index());
        assertEquals(1, raft.numSnapshotsAlreadyCovered());

        installSnapshot(1, 8, 1);
        assertEquals(10, raft.lastAppended());
        assertEquals(8, raft.commitIndex(), "the log holds entry 8 in the snapshot's term: commit it from there");

        heartbeat(1, 10);
        assertEquals(range(1, 10), applied, "each entry applied once, in order");
    }

    @Test
    void aSnapshotBeyondTheLogIsInstalledWithoutRewindingThePersistedTerm() {
        append(1, 0, 0, 5, entries(1, 10, 1));
        heartbeat(3, 5);               // the leader is in term 3 by now
        assertEquals(3, raft.currentTerm());

        installSnapshot(3, 20, 2);

        assertEquals(20, raft.lastAppended());
        assertEquals(20, raft.commitIndex());
        assertEquals(range(1, 20), applied);
        assertEquals(3, raft.log().currentTerm(), "the persisted term went back to the snapshot's");
        assertEquals(0, raft.numSnapshotsAlreadyCovered());
    }

    @Test
    void aSnapshotWhoseEntryHasAnotherTermReplacesTheLog() {
        append(1, 0, 0, 5, entries(1, 10, 1));   // entries 6..10 of term 1 never committed
        installSnapshot(2, 8, 2);
        assertEquals(8, raft.lastAppended());
        assertEquals(8, raft.commitIndex());
        assertEquals(range(1, 8), applied);
        assertNull(raft.log().get(9), "entries after a conflicting snapshot must go");
    }

    @Test
    void aSnapshotFromAnOlderTermIsIgnored() {
        append(1, 0, 0, 5, entries(1, 10, 1));
        heartbeat(4, 5);
        int before = answers.size();
        installSnapshot(3, 8, 1);
        assertEquals(5, raft.commitIndex());
        assertEquals(10, raft.lastAppended());
        assertEquals(before, answers.size(), "a deposed leader's request is dropped without an answer");
    }

    // ---- a deposed leader's tail ----

    /** Entries 1..10 of term 1 committed, 11..15 appended by the term-2 leader and never committed. */
    private void followerWithAStaleTail() {
        append(1, 0, 0, 10, entries(1, 10, 1));
        append(2, 10, 1, 10, entries(11, 15, 2));
        assertEquals(15, raft.lastAppended());
        assertEquals(10, raft.commitIndex());
        assertEquals(range(1, 10), applied);
    }

    @Test
    void aHeartbeatOfTheNextLeaderNeitherCommitsNorClaimsTheStaleTail() {
        followerWithAStaleTail();
        heartbeat(3, 14);   // the term-3 leader committed its own, different entries 11..14
        assertEquals(10, raft.commitIndex(), "the follower applied entries the leader never had");
        assertEquals(range(1, 10), applied);
        assertTrue(lastAnswer().success());
        assertEquals(10, lastAnswer().index(), "the answer votes for entries the follower does not hold");
    }

    @Test
    void entriesThatDifferAfterAMatchingFirstEntryReplaceTheTail() {
        followerWithAStaleTail();
        // The term-3 leader kept 11..12 of term 2 and wrote its own 13..14 in term 3.
        LogEntries leaders = new LogEntries();
        leaders.add(entry(11, 2)).add(entry(12, 2)).add(entry(13, 3)).add(entry(14, 3));
        append(3, 10, 1, 14, leaders);

        assertTrue(lastAnswer().success());
        assertEquals(14, lastAnswer().index(), "the answer names the last entry of the request");
        assertEquals(14, raft.lastAppended(), "the stale entry 15 of term 2 must go");
        assertEquals(3, raft.log().get(13).term());
        assertEquals(14, raft.commitIndex());
        assertEquals(range(1, 14), applied);
        assertEquals(3, raft.log().currentTerm(), "cutting the log rewound the persisted term");
        assertEquals(3, raft.numEntriesReplaced());

        heartbeat(3, 14);
        assertEquals(14, lastAnswer().index(), "a heartbeat answers the index checked earlier in the term");
    }

    @Test
    void aRequestRepeatingHeldEntriesIsAnsweredWithItsOwnLastIndex() {
        append(1, 0, 0, 5, entries(1, 10, 1));
        append(1, 3, 1, 5, entries(4, 6, 1));   // a resend of entries the follower has
        assertEquals(10, raft.lastAppended(), "held entries of the same term must stay");
        assertEquals(6, lastAnswer().index());
        assertEquals(range(1, 5), applied);
    }

    @Test
    void aConflictingPreviousEntryIsReportedAndItsTermCut() {
        followerWithAStaleTail();
        append(3, 14, 3, 10, entries(15, 16, 3));   // the follower's 14 is of term 2
        AppendResult answer = lastAnswer();
        assertEquals(AppendResult.Result.FAIL_CONFLICTING_PREV_TERM, resultKind(answer));
        assertEquals(11, answer.index(), "the first index of the conflicting term");
        assertEquals(10, raft.lastAppended());
        assertEquals(3, raft.log().currentTerm());
    }

    @Test
    void aMissingPreviousEntryIsReported() {
        append(1, 0, 0, 5, entries(1, 10, 1));
        append(1, 12, 1, 5, entries(13, 14, 1));
        assertEquals(AppendResult.Result.FAIL_ENTRY_NOT_FOUND, resultKind(lastAnswer()));
        assertEquals(10, lastAnswer().index());
        assertEquals(10, raft.lastAppended());
    }

    // ---- helpers ----

    private AppendResult lastAnswer() {
        return answers.get(answers.size() - 1);
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    private static LogEntry entry(long index, long term) {
        return new LogEntry(term, BatchStateMachine.encode(List.of(ByteBuffer.allocate(8).putLong(index).array())));
    }

    private static LogEntries entries(long from, long to, long term) {
        LogEntries entries = new LogEntries();
        for (long i = from; i <= to; i++)
            entries.add(entry(i, term));
        return entries;
    }

    private void append(long leaderTerm, long prevIndex, long prevTerm, long leaderCommit, LogEntries entries) {
        Message msg = new ObjectMessage(raft.getAddress(), entries).setSrc(leader);
        long entryTerm = entries.iterator().next().term();
        raft.handleUpRequest(msg, new AppendEntriesRequest(leader, leaderTerm, prevIndex, prevTerm, entryTerm,
                leaderCommit));
    }

    /** The leader's commit message: no entries, no previous entry. */
    private void heartbeat(long leaderTerm, long leaderCommit) {
        Message msg = new ObjectMessage(raft.getAddress(), null).setSrc(leader);
        raft.handleUpRequest(msg, new AppendEntriesRequest(leader, leaderTerm, 0, 0, leaderTerm, leaderCommit));
    }

    private void installSnapshot(long leaderTerm, long index, long term) {
        Message msg = new BytesMessage(raft.getAddress(), snapshotOfEntries(index)).setSrc(leader);
        raft.handleUpRequest(msg, new InstallSnapshotRequest(leaderTerm, leader, index, term));
    }

    /** What a leader sends for the state after entries 1..n: raft's own state, then the state machine's. */
    private static byte[] snapshotOfEntries(long n) {
        try {
            PersistentState state = new PersistentState();
            state.setMembers(List.of("A", ID, "C"));
            ByteArrayDataOutputStream out = new ByteArrayDataOutputStream(64, true);
            state.writeTo(out);
            out.writeInt((int) n);
            for (long i = 1; i <= n; i++)
                out.writeLong(i);
            return Arrays.copyOf(out.buffer(), out.position());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static AppendResult resultOf(AppendEntriesResponse response) {
        return (AppendResult) field(AppendEntriesResponse.class, "result", response);
    }

    private static AppendResult.Result resultKind(AppendResult result) {
        return (AppendResult.Result) field(AppendResult.class, "result", result);
    }

    private static Object field(Class<?> type, String name, Object of) {
        try {
            java.lang.reflect.Field f = type.getDeclaredField(name);
            f.setAccessible(true);
            return f.get(of);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
