package org.mgtm.replication.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.jgroups.Address;
import org.jgroups.protocols.raft.FileBasedLog;
import org.jgroups.protocols.raft.LogEntries;
import org.jgroups.protocols.raft.LogEntry;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DurableLog}: what a restarted replica reads back, and what makes it stop (a failed write or fsync, a
 * record that does not check, a file shorter than what was made durable). The fail-stop handler is replaced by one
 * that records the message, so the failing call throws instead of halting the test JVM.
 */
class DurableLogTest {
    @TempDir
    Path base;

    private Path dir;
    private final List<String> stops = new CopyOnWriteArrayList<>();
    private volatile boolean failWrites;
    private volatile boolean failForce;

    @BeforeEach
    void setUp() {
        dir = base.resolve("mgtm1.log");
        DiskFailure.handleWith((message, cause) -> stops.add(message + (cause == null ? "" : " / " + cause)));
        LogFiles.channels = ch -> new FailingChannel(ch, () -> failWrites, () -> failForce);
    }

    @AfterEach
    void tearDown() {
        DiskFailure.handleWith(null);
        LogFiles.channels = UnaryOperator.identity();
    }

    @Test
    void whatWasWrittenReadsBackAfterARestart() throws Exception {
        Address voted = UUID.randomUUID();
        DurableLog log = open();
        log.append(1, entries(1, 5, 1));
        log.append(6, entries(6, 9, 2));
        log.currentTerm(3);
        log.votedFor(voted);
        log.commitIndex(7);
        log.close();

        DurableLog again = open();
        assertEquals(0, again.firstAppended(), "nothing compacted: RAFT's convention is 0");
        assertEquals(9, again.lastAppended());
        assertEquals(7, again.commitIndex());
        assertEquals(3, again.currentTerm());
        assertEquals(voted, again.votedFor());
        for (long i = 1; i <= 9; i++) {
            assertArrayEquals(payload(i), again.get(i).command());
            assertEquals(i <= 5 ? 1 : 2, again.get(i).term());
        }
        assertNull(again.get(10));
        assertTrue(stops.isEmpty(), stops.toString());
    }

    @Test
    void entriesAppendedAfterASnapshotInstallSurviveARestart() throws Exception {
        DurableLog log = open();
        log.append(1, entries(1, 5, 2));
        log.setSnapshot(ByteBuffer.wrap("state at 100".getBytes(StandardCharsets.UTF_8)));  // as Follower does first
        log.reinitializeTo(100, new LogEntry(3, null));
        log.append(101, entries(101, 103, 3));
        log.commitIndex(102);
        log.close();

        DurableLog again = open();
        assertEquals(100, again.firstAppended());
        assertEquals(103, again.lastAppended());
        assertEquals(102, again.commitIndex());
        assertEquals(3, again.get(100).term(), "the entry marking the snapshot's index");
        for (long i = 101; i <= 103; i++) {
            assertArrayEquals(payload(i), again.get(i).command(), "entry " + i);
        }
    }

    @Test
    void compactionKeepsTheEntryAtTheCommitIndexAndAfter() throws Exception {
        DurableLog log = open();
        log.append(1, entries(1, 20, 1));
        log.commitIndex(12);
        log.setSnapshot(ByteBuffer.wrap("state at 12".getBytes(StandardCharsets.UTF_8)));
        log.truncate(15);   // RAFT asks for its commit index; never beyond it
        assertEquals(12, log.firstAppended());
        log.append(21, entries(21, 22, 1));
        log.close();

        DurableLog again = open();
        assertEquals(12, again.firstAppended());
        assertEquals(22, again.lastAppended());
        assertNull(again.get(11));
        assertArrayEquals(payload(12), again.get(12).command());
        assertArrayEquals(payload(22), again.get(22).command());
        assertEquals("state at 12", StandardCharsets.UTF_8.decode(again.getSnapshot()).toString());
    }

    @Test
    void aConflictCutShortensTheLogWithoutAlarmingTheNextStart() throws Exception {
        DurableLog log = open();
        log.append(1, entries(1, 10, 1));
        log.commitIndex(4);
        log.deleteAllEntriesStartingFrom(7);
        log.append(7, entries(7, 8, 2));
        log.close();

        DurableLog again = open();
        assertEquals(8, again.lastAppended());
        assertEquals(2, again.get(8).term());
        assertEquals(2, again.currentTerm(), "the term follows the entries up, never down");
        assertTrue(stops.isEmpty(), stops.toString());
    }

    @Test
    void aFollowerMayLoseEveryEntryOfALogThatStartsAtOne() throws Exception {
        // A replica's first entries, from a leader that never got them committed, conflict with the new
        // leader's from index 1 on (seen in a chaos run: the follower refused every AppendEntries after).
        DurableLog log = open();
        log.append(1, entries(1, 2, 2));
        log.deleteAllEntriesStartingFrom(1);
        assertEquals(0, log.lastAppended());
        assertEquals(0, log.firstAppended());
        assertNull(log.get(1));
        log.append(1, entries(1, 3, 3));
        log.close();

        DurableLog again = open();
        assertEquals(3, again.lastAppended());
        assertEquals(3, again.get(1).term());
        assertTrue(stops.isEmpty(), stops.toString());
    }

    @Test
    void committedEntriesAndTheSnapshotMarkNeverGo() throws Exception {
        DurableLog log = open();
        log.append(1, entries(1, 5, 1));
        log.commitIndex(3);
        assertThrows(IllegalStateException.class, () -> log.deleteAllEntriesStartingFrom(3));
        log.setSnapshot(ByteBuffer.wrap(new byte[] {1}));
        log.truncate(3);
        assertThrows(IllegalStateException.class, () -> log.deleteAllEntriesStartingFrom(3));
        log.deleteAllEntriesStartingFrom(4);
        assertEquals(3, log.lastAppended());
    }

    @Test
    void aDamagedRecordInTheMiddleStopsTheReplica() throws Exception {
        DurableLog log = open();
        log.append(1, entries(1, 10, 1));
        log.close();
        flipByte(entriesFile(), recordStart(3) + LogFiles.RECORD_HEADER + 2);

        assertThrows(DiskFailure.StorageFailedException.class, this::open);
        assertStopped("corrupted raft log", "log.entries", "entry 3", "fails its checksum", "more records follow");
    }

    @Test
    void aLogTruncatedBehindTheReplicasBackStopsIt() throws Exception {
        DurableLog log = open();
        log.append(1, entries(1, 10, 1));
        log.commitIndex(6);
        log.close();
        try (RandomAccessFile f = new RandomAccessFile(entriesFile().toFile(), "rw")) {
            f.setLength(recordStart(5) + 7);   // mid-record, below the commit index
        }

        assertThrows(DiskFailure.StorageFailedException.class, this::open);
        assertStopped("corrupted raft log", "log.entries", "ends at entry 4", "entries up to 10 were made durable");
    }

    @Test
    void entriesAboveTheCommitIndexCutAtARecordBoundaryAreMissedToo() throws Exception {
        DurableLog log = open();
        log.append(1, entries(1, 10, 1));
        log.commitIndex(5);
        log.close();
        try (RandomAccessFile f = new RandomAccessFile(entriesFile().toFile(), "rw")) {
            f.setLength(recordStart(9));   // a clean cut after entry 8: looks like a shorter log
        }

        assertThrows(DiskFailure.StorageFailedException.class, this::open);
        assertStopped("ends at entry 8", "entries up to 10 were made durable");
    }

    @Test
    void aWriteTornByACrashIsCutOffAndTheLogGoesOn() throws Exception {
        DurableLog log = open();
        log.append(1, entries(1, 4, 1));
        log.close();
        // What a crash in the middle of the next append leaves: part of a record that was never synced (the
        // durable mark still says 4).
        ByteBuffer rec = ByteBuffer.allocate(LogFiles.recordSize(200));
        LogFiles.putRecord(rec, 1, 5, false, new byte[200], 0, 200);
        try (RandomAccessFile f = new RandomAccessFile(entriesFile().toFile(), "rw")) {
            f.seek(f.length());
            f.write(rec.array(), 0, 60);
        }
        long torn = Files.size(entriesFile());

        DurableLog again = open();
        assertEquals(4, again.lastAppended());
        assertTrue(Files.size(entriesFile()) < torn, "the torn record was cut off");
        again.append(5, entries(5, 5, 1));
        again.close();
        assertEquals(5, open().lastAppended());
        assertTrue(stops.isEmpty(), stops.toString());
    }

    @Test
    void aDamagedLastRecordThatWasMadeDurableStopsTheReplica() throws Exception {
        DurableLog log = open();
        log.append(1, entries(1, 6, 1));
        log.close();
        flipByte(entriesFile(), Files.size(entriesFile()) - 3);

        assertThrows(DiskFailure.StorageFailedException.class, this::open);
        assertStopped("ends at entry 5", "entry 6", "fails its checksum", "entries up to 6 were made durable");
    }

    /** At shutdown a late vote or leader announcement may still write the term: refused, but no disk failure. */
    @Test
    void aWriteAfterCloseIsRefusedWithoutStoppingTheReplica() throws Exception {
        DurableLog log = open();
        log.currentTerm(3);
        log.close();

        assertThrows(IllegalStateException.class, () -> log.currentTerm(4));
        assertThrows(IllegalStateException.class, () -> log.append(1, entries(1, 1, 4)));
        assertTrue(stops.isEmpty(), "a closed log stopped the replica: " + stops);
        assertEquals(3, open().currentTerm());
    }

    @Test
    void anIoErrorOnWriteStopsTheReplicaAndLeavesTheLogAsItWas() throws Exception {
        DurableLog log = open();
        log.append(1, entries(1, 3, 1));
        failWrites = true;

        assertThrows(DiskFailure.StorageFailedException.class, () -> log.append(4, entries(4, 6, 1)));
        assertEquals(3, log.lastAppended(), "nothing reported appended");
        assertStopped("cannot append entries 4..6", "log.entries", "Input/output error");

        failWrites = false;   // the disk is fixed; the replica starts again
        log.close();
        DurableLog again = open();
        assertEquals(3, again.lastAppended());
        assertEquals(1, stops.size());
    }

    @Test
    void anIoErrorOnFsyncStopsTheReplica() throws Exception {
        DurableLog log = open();
        log.append(1, entries(1, 3, 1));
        failForce = true;

        assertThrows(DiskFailure.StorageFailedException.class, () -> log.append(4, entries(4, 4, 1)));
        assertEquals(3, log.lastAppended(), "an entry whose fsync failed is not reported appended");
        assertStopped("cannot append entries 4..4", "Input/output error");

        assertThrows(DiskFailure.StorageFailedException.class, () -> log.votedFor(UUID.randomUUID()));
        assertThrows(DiskFailure.StorageFailedException.class, () -> log.currentTerm(9));
        assertThrows(DiskFailure.StorageFailedException.class,
                () -> log.setSnapshot(ByteBuffer.wrap(new byte[] {1, 2, 3})));
        assertEquals(4, stops.size(), "every durable write stops the replica: " + stops);
    }

    @Test
    void damagedMetadataOrSnapshotStopTheReplica() throws Exception {
        DurableLog log = open();
        log.append(1, entries(1, 3, 1));
        log.currentTerm(2);
        log.setSnapshot(ByteBuffer.wrap(new byte[100]));
        log.close();
        flipByte(dir.resolve(LogFiles.SNAPSHOT), 50);
        assertThrows(DiskFailure.StorageFailedException.class, this::open);
        assertStopped("corrupted raft snapshot", "log.snapshot");

        stops.clear();
        Files.delete(dir.resolve(LogFiles.SNAPSHOT));
        flipByte(dir.resolve(LogFiles.META), 20);
        flipByte(dir.resolve(LogFiles.META), LogFiles.META_SLOT + 20);
        assertThrows(DiskFailure.StorageFailedException.class, this::open);
        assertStopped("corrupted raft log metadata", "log.meta");
    }

    @Test
    void aLogOfAnEarlierVersionIsImportedOnce() throws Exception {
        Address voted = UUID.randomUUID();
        FileBasedLog old = new FileBasedLog();
        old.useFsync(false);
        old.init(dir.toString(), Map.of());
        old.append(1, entries(1, 8, 1));
        old.append(9, entries(9, 12, 2));
        old.currentTerm(2);
        old.votedFor(voted);
        old.commitIndex(10);
        old.setSnapshot(ByteBuffer.wrap("state at 10".getBytes(StandardCharsets.UTF_8)));
        old.truncate(10);
        old.close();

        DurableLog log = open();
        assertEquals(10, log.firstAppended());
        assertEquals(12, log.lastAppended());
        assertEquals(10, log.commitIndex());
        assertEquals(2, log.currentTerm());
        assertEquals(voted, log.votedFor());
        assertArrayEquals(payload(12), log.get(12).command());
        assertEquals("state at 10", StandardCharsets.UTF_8.decode(log.getSnapshot()).toString());
        assertFalse(Files.exists(dir.resolve("entries.raft")), "the old files were moved aside");
        assertTrue(Files.exists(dir.resolve(LegacyLogImport.MOVED_TO).resolve("entries.raft")));
        log.close();
        assertEquals(12, open().lastAppended(), "and not imported again");
    }

    private DurableLog open() throws Exception {
        DurableLog log = new DurableLog();
        log.init(dir.toString(), Map.of());
        return log;
    }

    private void assertStopped(String... parts) {
        assertFalse(stops.isEmpty(), "the replica did not stop");
        String last = stops.get(stops.size() - 1);
        for (String p : parts) {
            assertTrue(last.contains(p), "'" + p + "' missing in: " + last);
        }
    }

    private Path entriesFile() {
        return dir.resolve(LogFiles.ENTRIES);
    }

    /** Where record {@code index} starts when every record holds {@link #payload}. */
    private static long recordStart(long index) {
        long pos = LogFiles.ENTRIES_MAGIC.length;
        for (long i = 1; i < index; i++) {
            pos += LogFiles.recordSize(payload(i).length);
        }
        return pos;
    }

    private static void flipByte(Path file, long position) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(position);
            int b = f.read();
            f.seek(position);
            f.write(b ^ 0x5A);
        }
    }

    private static byte[] payload(long i) {
        return ("entry " + i).getBytes(StandardCharsets.UTF_8);
    }

    private static LogEntries entries(long from, long to, long term) {
        LogEntries entries = new LogEntries();
        for (long i = from; i <= to; i++) {
            entries.add(new LogEntry(term, payload(i)));
        }
        return entries;
    }
}
