package org.mgtm.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.SequenceKey;
import org.mgtm.protocol.TxnRef;

class StateSnapshotTest {
    private static final CoreLimits LIMITS = new CoreLimits(64, 4, 100);
    private static final long PROXY = 7;

    /**
     * Commands that leave every kind of state behind: running, prepared (with nodes), vacuum (no
     * xmin) and handle-only transactions, sequences, and a reply cache holding every kind of
     * Response.
     */
    static List<Command> richHistory() {
        List<Command> cmds = new ArrayList<>();
        cmds.add(new Command.Restart(1000));
        List<Request> requests = List.of(
                new Request.TxnBeginGetGxid(1, false),                                   // 1000
                new Request.TxnBeginGetGxidMulti(List.of(new Request.BeginEntry(1, false, (short) 0),
                        new Request.BeginEntry(0, true, (short) 1))),                    // 1001, 1002
                new Request.TxnBeginGetGxidAutovacuum(1, false),                         // 1003
                new Request.TxnBegin(1, true),                                           // handle 4
                new Request.TxnPrepare(TxnRef.gxid(1001), List.of(1, 2, 3)),
                new Request.SnapshotGet(true, TxnRef.gxid(1000)),
                new Request.TxnCommit(TxnRef.gxid(1002)),
                new Request.TxnRollbackMulti(List.of(TxnRef.gxid(1003), TxnRef.gxid(5))),
                new Request.TxnCommitMulti(List.of(TxnRef.gxid(5))),
                new Request.TxnRollback(TxnRef.gxid(5)),
                new Request.SnapshotGetMulti(List.of(TxnRef.gxid(1000), TxnRef.handle(4))),
                new Request.TxnGetGxid(4),                                               // 1004
                new Request.TxnBegin(1, false),                                          // handle 5
                new Request.SnapshotGxidGet(false, TxnRef.handle(5)),                    // 1005
                new Request.TxnGetStatus(TxnRef.gxid(1001)),
                new Request.TxnGetAllPrepared(),
                new Request.SequenceInit(SequenceKey.of("db.public.a"), 2, 1, 100, 5, true),
                new Request.SequenceInit(SequenceKey.of("db.public.Z"), -1, Request.UNSET_SEQUENCE_VALUE,
                        Request.UNSET_SEQUENCE_VALUE, Request.UNSET_SEQUENCE_VALUE, false),
                new Request.SequenceGetNext(SequenceKey.of("db.public.a")),
                new Request.SequenceGetCurrent(SequenceKey.of("db.public.a")),
                new Request.SequenceGetLast(SequenceKey.of("db.public.a")),
                new Request.SequenceSetVal(SequenceKey.of("db.public.Z"), -50, false),
                new Request.SequenceAlter(SequenceKey.of("db.public.a"), 3, 1, 200, 5, 9, false, true),
                new Request.SequenceInit(SequenceKey.of("tmp"), 1, 1, 10, 1, false),
                new Request.SequenceRename(SequenceKey.of("tmp"), SequenceKey.of("tmp2")),
                new Request.SequenceReset(SequenceKey.of("tmp2")),
                new Request.SequenceClose(SequenceKey.of("tmp2")),
                new Request.SequenceGetNext(SequenceKey.of("missing")),
                new Request.BackendDisconnect(),
                new Request.UnregisterCoord(1));
        long no = 1;
        for (Request r : requests) {
            cmds.add(new Command.Client(PROXY, r instanceof Request.BackendDisconnect ? 9 : -1, no++, 0, r));
        }
        cmds.add(new Command.Client(3, -1, 1, 0, new Request.TxnBeginGetGxid(1, false)));
        cmds.add(new Command.Client(3, -1, 2, 1, new Request.SnapshotGet(true, TxnRef.gxid(1006))));
        return cmds;
    }

    static GtmStateMachine run(List<Command> cmds) {
        GtmStateMachine m = new GtmStateMachine(LIMITS);
        for (Command c : cmds) {
            m.apply(c);
        }
        return m;
    }

    static byte[] bytes(GtmStateMachine m, long index) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeSnapshot(new DataOutputStream(out), index);
        return out.toByteArray();
    }

    static GtmStateMachine.Restored read(byte[] b, CoreLimits limits) throws IOException {
        return GtmStateMachine.readSnapshot(new DataInputStream(new ByteArrayInputStream(b)), limits);
    }

    @Test
    void roundTripKeepsEverything() throws IOException {
        GtmStateMachine m = run(richHistory());
        assertEquals(5, m.openTransactionCount());
        assertEquals(1, m.preparedCount());
        assertEquals(2, m.sequenceCount());
        assertEquals(2, m.sessionCount());
        byte[] b = bytes(m, 123_456_789_012L);
        GtmStateMachine.Restored r = read(b, LIMITS);
        assertEquals(123_456_789_012L, r.appliedIndex());
        GtmStateMachine copy = r.state();
        assertEquals(m.describe(), copy.describe());
        assertArrayEquals(m.digest(), copy.digest());
        assertArrayEquals(b, bytes(copy, 123_456_789_012L));
        assertEquals(m.nextGxid(), copy.nextGxid());
        assertEquals(m.latestCompletedGxid(), copy.latestCompletedGxid());
        assertEquals(m.sequenceChanges(), copy.sequenceChanges());
        assertEquals(m.preparedChanges(), copy.preparedChanges());
    }

    /** Every cached reply (one of each Response kind) comes back identical from the restored cache. */
    @Test
    void restoredReplyCacheReplaysEveryKindOfReply() throws IOException {
        List<Command> history = richHistory();
        GtmStateMachine original = new GtmStateMachine(LIMITS);
        List<Response> replies = new ArrayList<>();
        for (Command c : history) {
            replies.add(original.apply(c));
        }
        GtmStateMachine copy = read(bytes(original, 1), LIMITS).state();
        String before = copy.describe();
        java.util.Set<Class<?>> kinds = new java.util.HashSet<>();
        for (int i = 0; i < history.size(); i++) {
            if (history.get(i) instanceof Command.Client c && c.session() == PROXY) {
                assertEquals(replies.get(i), copy.apply(c), "replay of request " + c.requestNo());
                kinds.add(replies.get(i).getClass());
            }
        }
        assertEquals(before, copy.describe(), "replays must not change the state");
        // Every XC kind: Response's permitted records (not the Success and Extension interfaces) and Success's.
        // The sub-cluster answers (Extension) are replayed by the core scripts (subcluster.txt, ggtm.txt).
        assertEquals(Response.class.getPermittedSubclasses().length - 2 + Response.Success.class
                .getPermittedSubclasses().length, kinds.size(), "one reply of every kind: " + kinds);
    }

    /** The restored machine goes on exactly like the original. */
    @Test
    void restoredMachineBehavesLikeTheOriginal() throws IOException {
        GtmStateMachine a = run(richHistory());
        GtmStateMachine b = read(bytes(a, 1), LIMITS).state();
        List<Command> more = List.of(
                new Command.Client(1, -1, 0, 0, new Request.TxnBegin(1, false)),
                new Command.Client(1, -1, 0, 0, new Request.TxnBeginGetGxid(1, false)),
                new Command.Client(1, -1, 0, 0, new Request.SnapshotGet(true, TxnRef.gxid(1007))),
                new Command.Client(1, -1, 0, 0, new Request.SequenceGetNext(SequenceKey.of("db.public.a"))),
                new Command.Client(PROXY, -1, 40, 0, new Request.TxnCommit(TxnRef.gxid(1000))),
                new Command.EndSession(PROXY),
                new Command.Client(1, -1, 0, 0, new Request.TxnGetAllPrepared()),
                new Command.Restart(5000),
                new Command.Client(1, -1, 0, 0, new Request.TxnBeginGetGxid(1, false)));
        for (Command c : more) {
            assertEquals(a.apply(c), b.apply(c), c.toString());
        }
        assertEquals(a.describe(), b.describe());
    }

    @Test
    void sameCommandsGiveSameBytesAndDigest() throws IOException {
        GtmStateMachine a = run(richHistory());
        GtmStateMachine b = run(richHistory());
        assertArrayEquals(bytes(a, 9), bytes(b, 9));
        assertArrayEquals(a.digest(), b.digest());
        assertArrayEquals(a.digest(), a.digest());
        assertEquals(32, a.digest().length);
        // The applied index is not part of the digest.
        assertFalse(Arrays.equals(bytes(a, 9), bytes(a, 10)));
    }

    @Test
    void differentStatesHaveDifferentDigests() {
        List<Command> base = richHistory();
        byte[] d = run(base).digest();
        List<List<Command>> variants = List.of(
                // one more GXID handed out
                append(base, new Command.Client(1, -1, 0, 0, new Request.TxnBeginGetGxid(1, false))),
                // a sequence advanced
                append(base, new Command.Client(1, -1, 0, 0, new Request.SequenceGetNext(SequenceKey.of("db.public.a")))),
                // only a reply cache differs
                append(base, new Command.Client(3, -1, 3, 0, new Request.TxnGetAllPrepared())),
                // only an acknowledgement differs
                append(base, new Command.Client(3, -1, 0, 2, new Request.TxnGetAllPrepared())),
                // a session dropped
                append(base, new Command.EndSession(3)));
        for (List<Command> v : variants) {
            assertFalse(Arrays.equals(d, run(v).digest()), "same digest after " + v.get(v.size() - 1));
        }
        // Reads that change nothing keep the digest; a snapshot is one of them (xmins are set at begin).
        assertArrayEquals(d, run(append(base, new Command.Client(1, -1, 0, 0,
                new Request.SequenceGetCurrent(SequenceKey.of("db.public.a"))))).digest());
        assertArrayEquals(d, run(append(base, new Command.Client(1, -1, 0, 0,
                new Request.SnapshotGet(true, TxnRef.gxid(1001))))).digest());
        assertArrayEquals(d, run(append(base, new Command.Client(1, -1, 0, 0,
                new Request.SnapshotGetMulti(List.of(TxnRef.gxid(1001), TxnRef.handle(4)))))).digest());
    }

    private static List<Command> append(List<Command> base, Command c) {
        List<Command> out = new ArrayList<>(base);
        out.add(c);
        return out;
    }

    @Test
    void everyFlippedByteIsRejected() throws IOException {
        byte[] good = bytes(run(richHistory()), 77);
        for (int i = 0; i < good.length; i++) {
            for (int mask : new int[] {0x01, 0x80}) {
                byte[] bad = good.clone();
                bad[i] ^= (byte) mask;
                int at = i;
                assertThrows(IOException.class, () -> read(bad, LIMITS), "flip at byte " + at);
            }
        }
    }

    @Test
    void everyTruncationIsRejected() throws IOException {
        byte[] good = bytes(run(richHistory()), 77);
        for (int len = 0; len < good.length; len++) {
            byte[] cut = Arrays.copyOf(good, len);
            IOException e = assertThrows(IOException.class, () -> read(cut, LIMITS), "length " + len);
            assertTrue(e.getMessage().contains("truncated") || len < 4, e.getMessage());
        }
    }

    @Test
    void clearMessagesForForeignOrNewerData() throws IOException {
        byte[] good = bytes(run(richHistory()), 1);
        byte[] foreign = good.clone();
        foreign[0] = 'X';
        assertTrue(assertThrows(IOException.class, () -> read(foreign, LIMITS)).getMessage()
                .contains("not an mgtm state snapshot"));
        byte[] newer = good.clone();
        newer[7] = 4;
        assertTrue(assertThrows(IOException.class, () -> read(newer, LIMITS)).getMessage()
                .contains("unsupported state snapshot version 4"));
        byte[] flipped = good.clone();
        flipped[40] ^= 1;
        assertTrue(assertThrows(IOException.class, () -> read(flipped, LIMITS)).getMessage().contains("CRC32C"));
    }

    /** Damage that carries a valid CRC (a bug, or other limits) is still refused. */
    @Test
    void inconsistentContentIsRejected() throws IOException {
        byte[] good = bytes(run(richHistory()), 1);
        // nextGxid sits after magic, version, length and appliedIndex.
        byte[] special = withCrc(patchInt(good, 20, 2));
        assertTrue(assertThrows(IOException.class, () -> read(special, LIMITS)).getMessage()
                .contains("next GXID 2 is not normal"));
        // Five open transactions do not fit four slots.
        IOException e = assertThrows(IOException.class, () -> read(good, new CoreLimits(4, 4, 100)));
        assertTrue(e.getMessage().contains("5 transactions, the limit is 4"), e.getMessage());
        // A cached reply count above the limit.
        e = assertThrows(IOException.class, () -> read(good, new CoreLimits(64, 4, 3)));
        assertTrue(e.getMessage().contains("bad cached reply"), e.getMessage());
        // Handles beyond the slots: with 5 slots there is no handle 5 (nor 6).
        e = assertThrows(IOException.class, () -> read(good, new CoreLimits(5, 4, 100)));
        assertTrue(e.getMessage().contains("bad or duplicate handle 5"), e.getMessage());
    }

    /**
     * Absurd counts with a valid CRC fail cleanly, bounded by the bytes left (no fixed cap limits a
     * valid state). An empty state is: header 12, appliedIndex 8, next, latest, last handle,
     * transaction count (offset 32), sequence count (36), session count (40), two counters, the
     * sub-cluster flag (version 3), CRC.
     */
    @Test
    void absurdCountsAreRejected() throws IOException {
        byte[] empty = bytes(new GtmStateMachine(LIMITS), 0);
        assertEquals(65, empty.length);
        assertTrue(assertThrows(IOException.class, () -> read(withCrc(patchInt(empty, 32, -1)), LIMITS))
                .getMessage().contains("-1 transactions"));
        assertTrue(assertThrows(IOException.class, () -> read(withCrc(patchInt(empty, 36, Integer.MAX_VALUE)), LIMITS))
                .getMessage().contains("bad count 2147483647"));
        assertTrue(assertThrows(IOException.class, () -> read(withCrc(patchInt(empty, 40, 1)), LIMITS))
                .getMessage().contains("bad count 1"));
    }

    /**
     * Versions 1 and 2 (before sub-cluster mode: no sub-cluster flag) are read as a plain group's state;
     * a sub-cluster section under an old version number is refused.
     */
    @Test
    void versionsOneAndTwoAreStillRead() throws IOException {
        GtmStateMachine m = run(richHistory());
        byte[] v3 = bytes(m, 7);
        for (int version : new int[] {1, 2}) {
            GtmStateMachine.Restored r = read(withoutSubclusterFlag(v3, version), LIMITS);
            assertEquals(m.describe(), r.state().describe());
            assertEquals(7, r.appliedIndex());
        }
        byte[] sub = bytes(subclusterState(), 1);
        byte[] asTwo = withCrc(patchInt(sub, 4, 2));
        assertTrue(assertThrows(IOException.class, () -> read(asTwo, LIMITS)).getMessage()
                .contains("unexpected bytes at the end of the body"));
    }

    /** A version-3 state without its sub-cluster flag (the byte before the CRC), as an older version wrote it. */
    private static byte[] withoutSubclusterFlag(byte[] v3, int version) {
        byte[] old = Arrays.copyOf(v3, v3.length - 1);
        System.arraycopy(v3, v3.length - 4, old, old.length - 4, 4);
        return withCrc(patchInt(patchInt(old, 4, version), 8, old.length - 16));
    }

    /**
     * A group in sub-cluster mode with everything its section holds: a claim, leases over two ranges with
     * GXIDs skipped, a demand, a registered transaction of another sub-cluster (with the xmin fixed at its
     * registration), and a prepared cross transaction.
     */
    static GtmStateMachine subclusterState() {
        GtmStateMachine m = GtmStateMachine.forSubcluster(LIMITS, "east");
        List<Command> cmds = List.of(
                new Command.ClaimSubcluster(0x1234_5678_9ABCL),
                new Command.RangeGranted(1, 1000, 1009),
                Command.Client.of(1, new Request.TxnBeginGetGxid(1, false)),                    // 1000
                Command.Client.of(1, new Request.TxnBeginGetGxid(1, false)),                    // 1001
                new Command.RangeGranted(2, 2000, 2099),
                Command.Client.of(1, new Request.TxnBeginGetGxidMulti(java.util.Collections.nCopies(9,
                        new Request.BeginEntry(1, false, (short) 0)))),                          // 2000-2008, 1002-1009 skipped
                Command.Client.of(2, new org.mgtm.protocol.subcluster.SubclusterRequest.Register(1500, "west", 1, false)),
                Command.Client.of(1, new org.mgtm.protocol.subcluster.SubclusterRequest.PrepareCross(1001)),
                Command.Client.of(1, new Request.TxnCommit(TxnRef.gxid(1000))),
                Command.Client.of(3, new org.mgtm.protocol.subcluster.SubclusterRequest.BeginAbove(5000, 1, false)));
        for (Command c : cmds) {
            m.apply(c);
        }
        return m;
    }

    @Test
    void subclusterStateRoundTrips() throws IOException {
        GtmStateMachine m = subclusterState();
        SubclusterView v = m.subcluster();
        assertEquals("east", v.name());
        assertEquals(0x1234_5678_9ABCL, v.claim());
        assertEquals(3, v.nextRequestId());
        assertEquals(List.of(1001), v.crossPrepared());
        assertTrue(v.skipped() > 0 && v.demand() != 0, v.toString());
        assertTrue(m.describe().contains("gxid=1500 state=running owner=2 backend=-1 vacuum=false xmin=1000"),
                m.describe());
        byte[] b = bytes(m, 42);
        GtmStateMachine.Restored r = read(b, LIMITS);
        GtmStateMachine copy = r.state();
        assertEquals(42, r.appliedIndex());
        assertEquals(m.describe(), copy.describe());
        assertEquals(v.toString().replaceAll("\\[I@\\w+", ""), copy.subcluster().toString()
                .replaceAll("\\[I@\\w+", ""));
        assertArrayEquals(m.digest(), copy.digest());
        assertArrayEquals(b, bytes(copy, 42));
        // The copy goes on like the original: the next begin, and the next grant expected.
        Command next = Command.Client.of(1, new Request.TxnBeginGetGxid(1, false));
        assertEquals(m.apply(next), copy.apply(next));
        Command grant = new Command.RangeGranted(3, 6000, 6099);
        m.apply(grant);
        copy.apply(grant);
        assertArrayEquals(m.digest(), copy.digest());
        // The mode is part of the state; a cross GXID (the last int before the CRC) that names no open
        // prepared transaction is damage.
        assertFalse(Arrays.equals(bytes(GtmStateMachine.forSubcluster(LIMITS, "east"), 0),
                bytes(new GtmStateMachine(LIMITS), 0)));
        byte[] notPrepared = withCrc(patchInt(b, b.length - 8, 1000));
        assertTrue(assertThrows(IOException.class, () -> read(notPrepared, LIMITS)).getMessage()
                .contains("cross transaction 1000 is not an open prepared one"));
    }

    private static byte[] patchInt(byte[] b, int offset, int value) {
        byte[] out = b.clone();
        ByteBuffer.wrap(out).putInt(offset, value);
        return out;
    }

    private static byte[] withCrc(byte[] b) {
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - 4);
        ByteBuffer.wrap(b).putInt(b.length - 4, (int) crc.getValue());
        return b;
    }

    /**
     * Version 1 set a transaction's xmin at its first snapshot, so a transaction that had taken none
     * held nothing back. Read now, it gets the xmin of the restored state's snapshot, which no later
     * snapshot of it can go below; from version 2 on such a transaction is damage.
     */
    @Test
    void aVersionOneTransactionWithoutXminGetsTheRestoredSnapshotsXmin() throws IOException {
        GtmStateMachine m = run(List.of(new Command.Restart(1000),
                new Command.Client(1, -1, 0, 0, new Request.TxnBeginGetGxid(1, false)),      // 1000
                new Command.Client(1, -1, 0, 0, new Request.TxnBeginGetGxid(1, false)),      // 1001, xmin 1000
                new Command.Client(1, -1, 0, 0, new Request.TxnCommit(TxnRef.gxid(1000)))));
        assertTrue(m.describe().contains("gxid=1001 state=running owner=1 backend=-1 vacuum=false xmin=1000"),
                m.describe());
        // The first transaction's xmin: header 12, appliedIndex 8, three counters and the count (16),
        // then handle, gxid, state, isolation, readOnly, owner, backend, vacuum (27).
        int xminOffset = 12 + 8 + 16 + 27;
        byte[] good = bytes(m, 1);
        assertEquals(1000, ByteBuffer.wrap(good).getInt(xminOffset));
        byte[] versionOne = withoutSubclusterFlag(patchInt(good, xminOffset, 0), 1);
        GtmStateMachine restored = read(versionOne, LIMITS).state();
        assertTrue(restored.describe().contains("gxid=1001 state=running owner=1 backend=-1 vacuum=false xmin=1001"),
                restored.describe());
        byte[] damaged = withCrc(patchInt(good, xminOffset, 0));
        assertTrue(assertThrows(IOException.class, () -> read(damaged, LIMITS)).getMessage()
                .contains("1 open transaction(s) without xmin"));
        byte[] damagedTwo = withoutSubclusterFlag(patchInt(good, xminOffset, 0), 2);
        assertTrue(assertThrows(IOException.class, () -> read(damagedTwo, LIMITS)).getMessage()
                .contains("1 open transaction(s) without xmin"));
    }

    /** Snapshots are self-delimiting: two in a row read back one after the other. */
    @Test
    void snapshotsAreSelfDelimiting() throws IOException {
        GtmStateMachine a = run(richHistory());
        GtmStateMachine empty = new GtmStateMachine(LIMITS);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(out);
        a.writeSnapshot(data, 1);
        empty.writeSnapshot(data, 2);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(out.toByteArray()));
        assertEquals(a.describe(), GtmStateMachine.readSnapshot(in, LIMITS).state().describe());
        GtmStateMachine.Restored second = GtmStateMachine.readSnapshot(in, LIMITS);
        assertEquals(2, second.appliedIndex());
        assertEquals(empty.describe(), second.state().describe());
        assertEquals(0, in.available());
    }
}
