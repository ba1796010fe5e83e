package org.mgtm.replication.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.ObjLongConsumer;
import org.jgroups.Address;
import org.jgroups.protocols.raft.Log;
import org.jgroups.protocols.raft.LogEntries;
import org.jgroups.protocols.raft.LogEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The raft log of a replica (RAFT's {@code log_class}): entries, raft's persistent state and the snapshot in
 * {@code <data_dir>/<id>.log/}, in the layout of {@link LogFiles}. It replaces jgroups-raft 1.1.4's FileBasedLog,
 * which swallows the IOException of a failed append or truncation (printStackTrace, decision 0003) and so lets a
 * replica acknowledge entries that never reached its disk, ignores short writes, keeps no checksums (a corrupted or
 * truncated file is read as a shorter log, silently), syncs neither its vote nor its snapshot file, and loses
 * entries after a snapshot install (defect 6 of decision 0003).
 *
 * <h2>Rules</h2>
 * <ul>
 * <li><b>Fail-stop.</b> Any failed write, fsync or read, and any record that does not check, stops the replica
 * through {@link DiskFailure} before the call returns: nothing is acknowledged that is not durable, and the replica
 * never goes on with a log it cannot trust.</li>
 * <li><b>Durable before acknowledged.</b> {@link #append} writes the records and fsyncs them (fdatasync) before it
 * returns, so before a follower answers or the leader counts its own copy; the term and the vote are written and
 * fsynced before they are used; a snapshot is written to a temporary file, fsynced and renamed.</li>
 * <li><b>Knows what it had.</b> The metadata keeps the highest index ever made durable ("last appended", written
 * after each append's fsync). At start, a log that ends below it, or below the commit index, lost entries it may
 * have acknowledged: the replica stops. Only a damaged last record above that mark is a write torn by a crash
 * (never acknowledged): it is cut off with a warning.</li>
 * </ul>
 * All methods are synchronized: RAFT's runner appends while the election protocol reads the last entry and writes
 * the term and the vote from other threads.
 */
public class DurableLog implements Log {
    private static final Logger log = LoggerFactory.getLogger(DurableLog.class);
    static final String REPAIR = "the log cannot be repaired in place: while the other replicas are up and healthy, "
            + "empty this replica's data_dir and start it again; it then receives a snapshot from the leader "
            + "(never while another replica is down)";
    static final String RETRY = "fix the disk (space, hardware, mount), then start the replica again: it keeps its "
            + "log and catches up from the others";

    private Path dir;
    private FileChannel entries;
    private FileChannel meta;
    private boolean fsync = true;
    private LogFiles.Meta state = LogFiles.Meta.EMPTY;
    private Address votedFor;
    private final RecordPositions records = new RecordPositions();
    private long end;
    private volatile java.util.function.LongConsumer appendListener = nanos -> { };
    private boolean closed;

    @Override
    public synchronized void init(String logName, Map<String, String> args) throws Exception {
        dir = Path.of(logName);
        try {
            Files.createDirectories(dir);
            if (LegacyLogImport.needed(dir)) {
                LegacyLogImport.run(dir);
            }
            meta = LogFiles.open(dir.resolve(LogFiles.META));
            state = readMeta();
            votedFor = LogFiles.readAddress(state.votedFor(), dir.resolve(LogFiles.META));
            entries = LogFiles.open(dir.resolve(LogFiles.ENTRIES));
            if (entries.size() == 0) {
                LogFiles.writeFully(entries, ByteBuffer.wrap(LogFiles.ENTRIES_MAGIC), 0);
                entries.force(true);
                LogFiles.syncDirectory(dir);
            }
            checkSnapshot();
            scan();
        } catch (IOException e) {
            throw stop("cannot open the raft log in " + dir + ": " + e.getMessage() + "; " + RETRY, e);
        }
    }

    private LogFiles.Meta readMeta() throws IOException {
        long size = meta.size();
        if (size == 0) {
            return LogFiles.Meta.EMPTY;
        }
        LogFiles.Meta best = null;
        for (int slot = 0; slot < 2; slot++) {
            ByteBuffer b = ByteBuffer.allocate(LogFiles.META_SLOT);
            LogFiles.readFully(meta, b, (long) slot * LogFiles.META_SLOT);
            LogFiles.Meta m = LogFiles.Meta.decode(b.flip());
            if (m != null && (best == null || m.seq() > best.seq())) {
                best = m;
            }
        }
        if (best == null) {
            throw stop("corrupted raft log metadata " + dir.resolve(LogFiles.META)
                    + " (no intact copy of term, vote and commit index); " + REPAIR, null);
        }
        return best;
    }

    private void checkSnapshot() throws IOException {
        Path file = dir.resolve(LogFiles.SNAPSHOT);
        if (Files.exists(file) && LogFiles.snapshotData(Files.readAllBytes(file)) == null) {
            throw stop("corrupted raft snapshot " + file + " (checksum or length wrong); " + REPAIR, null);
        }
    }

    /** Reads every record, checks it, and finds the end; see the class comment for what stops the replica. */
    private void scan() throws IOException {
        Path file = dir.resolve(LogFiles.ENTRIES);
        ByteBuffer magic = ByteBuffer.allocate(LogFiles.ENTRIES_MAGIC.length);
        LogFiles.readFully(entries, magic, 0);
        if (magic.hasRemaining() || !Arrays.equals(magic.array(), LogFiles.ENTRIES_MAGIC)) {
            throw stop("corrupted raft log " + file + ": it does not start with the log's format mark; "
                    + REPAIR, null);
        }
        long size = entries.size();
        long pos = LogFiles.ENTRIES_MAGIC.length;
        records.clear();
        String damage = null;
        while (pos < size) {
            LogFiles.Header h = LogFiles.readHeader(entries, pos);
            long expected = records.last() == 0 ? -1 : records.last() + 1;
            if (h == null) {
                damage = "an incomplete record header at byte " + pos;
                break;
            }
            if (expected > 0 && h.index() != expected || h.index() <= 0 || h.term() <= 0) {
                damage = "a record at byte " + pos + " holding index " + h.index() + " and term " + h.term()
                        + " where index " + (expected > 0 ? expected : "> 0") + " belongs";
                break;
            }
            if (LogFiles.readData(entries, pos, h) == null) {
                damage = "entry " + h.index() + " at byte " + pos + (h.end(pos) > size ? " is cut short"
                        : " fails its checksum");
                if (h.end(pos) < size) {
                    throw corrupt(file, damage + ", and more records follow it");
                }
                break;
            }
            records.add(h.index(), pos);
            pos = h.end(pos);
        }
        end = pos;
        long mustHave = Math.max(state.lastAppended(), state.commit());
        if (records.last() < mustHave) {
            throw corrupt(file, "it ends at entry " + records.last() + (damage == null ? "" : " (then " + damage + ")")
                    + ", but entries up to " + mustHave + " were made durable" + (state.commit() == mustHave
                    ? " and committed" : "") + ": the file was truncated or damaged behind the replica's back");
        }
        if (records.first() > 1 && !Files.exists(dir.resolve(LogFiles.SNAPSHOT))) {
            throw corrupt(file, "it starts at entry " + records.first()
                    + " but the snapshot of the entries before is missing");
        }
        if (damage != null) {
            log.warn("raft log {}: {} after entry {} (at most the last write, cut short by a crash; never "
                    + "acknowledged): cutting it off", file, damage, records.last());
            entries.truncate(end);
            entries.force(true);
        }
        log.info("raft log {}: entries {}..{}, commit index {}, term {}", dir, records.first(), records.last(),
                state.commit(), state.term());
    }

    private RuntimeException corrupt(Path file, String what) {
        return stop("corrupted raft log " + file + ": " + what + "; " + REPAIR, null);
    }

    // ---------------------------------------------------------------- raft's persistent state

    @Override
    public synchronized Log useFsync(boolean f) {
        fsync = f;
        return this;
    }

    @Override
    public synchronized boolean useFsync() {
        return fsync;
    }

    @Override
    public synchronized long currentTerm() {
        return state.term();
    }

    @Override
    public synchronized Log currentTerm(long newTerm) {
        // Terms never go back, whatever the caller (FileBasedLog wrote older terms back after a cut: decision 0003).
        if (newTerm > state.term()) {
            writeMeta(newTerm, state.commit(), state.lastAppended(), state.votedFor(), true);
        }
        return this;
    }

    @Override
    public synchronized Address votedFor() {
        return votedFor;
    }

    @Override
    public synchronized Log votedFor(Address member) {
        writeMeta(state.term(), state.commit(), state.lastAppended(), LogFiles.writeAddress(member), true);
        votedFor = member;
        return this;
    }

    @Override
    public synchronized long commitIndex() {
        return state.commit();
    }

    @Override
    public synchronized Log commitIndex(long newIndex) {
        // Not synced: raft recovers a lost commit index from the leader; a stale one only weakens the start check.
        writeMeta(state.term(), newIndex, state.lastAppended(), state.votedFor(), false);
        return this;
    }

    private void writeMeta(long term, long commit, long lastAppended, byte[] voted, boolean sync) {
        LogFiles.Meta next = new LogFiles.Meta(state.seq() + 1, term, commit, lastAppended, voted);
        try {
            LogFiles.writeFully(meta, next.encode(), (next.seq() & 1) * LogFiles.META_SLOT);
            if (sync && fsync) {
                meta.force(false);
            }
        } catch (IOException e) {
            throw stop("cannot write the raft log metadata " + dir.resolve(LogFiles.META) + ": "
                    + e.getMessage() + "; " + RETRY, e);
        }
        state = next;
    }

    // ---------------------------------------------------------------- entries

    @Override
    public synchronized long firstAppended() {
        // RAFT's convention: 0 while the log starts at entry 1 (nothing compacted).
        return records.first() <= 1 ? 0 : records.first();
    }

    @Override
    public synchronized long lastAppended() {
        return records.last();
    }

    /** Reports how long each append took (its write and fsync), in nanoseconds: the metrics' hook. */
    public void onAppend(java.util.function.LongConsumer listener) {
        appendListener = listener;
    }

    @Override
    public synchronized long append(long index, LogEntries batch) {
        long started = System.nanoTime();
        if (batch.size() == 0) {
            return records.last();
        }
        if (index <= records.last()) {
            deleteAllEntriesStartingFrom(index);   // a conflict: the leader's entries replace ours from index on
        }
        if (index != records.last() + 1 && !records.isEmpty()) {
            throw new IllegalStateException("append at " + index + " to a log ending at " + records.last());
        }
        int bytes = 0;
        long maxTerm = 0;
        for (LogEntry e : batch) {
            bytes += LogFiles.recordSize(e.length());
            maxTerm = Math.max(maxTerm, e.term());
        }
        ByteBuffer buf = ByteBuffer.allocate(bytes);
        long i = index;
        long[] at = new long[batch.size()];
        int k = 0;
        for (LogEntry e : batch) {
            at[k++] = end + buf.position();
            LogFiles.putRecord(buf, e.term(), i++, e.internal(), e.command(), e.offset(), e.length());
        }
        buf.flip();
        Path file = dir.resolve(LogFiles.ENTRIES);
        try {
            LogFiles.writeFully(entries, buf, end);
            if (fsync) {
                entries.force(false);
            }
        } catch (IOException e) {
            throw stop("cannot append entries " + index + ".." + (i - 1) + " to the raft log " + file
                    + ": " + e.getMessage() + "; " + RETRY, e);
        }
        for (k = 0; k < at.length; k++) {
            records.add(index + k, at[k]);
        }
        end += bytes;
        // After the fsync: the mark never claims more than the file holds.
        writeMeta(Math.max(state.term(), maxTerm), state.commit(), records.last(), state.votedFor(),
                maxTerm > state.term());
        appendListener.accept(System.nanoTime() - started);
        return records.last();
    }

    @Override
    public synchronized LogEntry get(long index) {
        if (!records.holds(index)) {
            return null;
        }
        long pos = records.of(index);
        Path file = dir.resolve(LogFiles.ENTRIES);
        try {
            LogFiles.Header h = LogFiles.readHeader(entries, pos);
            byte[] data = h == null || h.index() != index ? null : LogFiles.readData(entries, pos, h);
            if (data == null) {
                throw corrupt(file, "entry " + index + " at byte " + pos + " no longer reads back as written");
            }
            return new LogEntry(h.term(), data).internal(h.internal());
        } catch (IOException e) {
            throw stop("cannot read entry " + index + " of the raft log " + file + ": " + e.getMessage()
                    + "; " + RETRY, e);
        }
    }

    @Override
    public synchronized void truncate(long indexExclusive) {
        // Compaction after a snapshot: keep the entry at the index (it marks the snapshot's last index) and after.
        long keep = Math.min(Math.min(indexExclusive, state.commit()), records.last());
        if (records.isEmpty() || keep <= records.first()) {
            return;
        }
        long from = records.of(keep);
        Path file = dir.resolve(LogFiles.ENTRIES);
        try {
            long length = end - from;
            ByteBuffer content = ByteBuffer.allocate(LogFiles.ENTRIES_MAGIC.length + (int) length);
            content.put(LogFiles.ENTRIES_MAGIC);
            LogFiles.readFully(entries, content, from);
            if (content.hasRemaining()) {
                throw new IOException("the file ended early");
            }
            reopenEntries(content.flip());
        } catch (IOException e) {
            throw stop("cannot compact the raft log " + file + " to entry " + keep + ": "
                    + e.getMessage() + "; " + RETRY, e);
        }
        long shift = from - LogFiles.ENTRIES_MAGIC.length;
        records.keepFrom(keep, shift);
        end -= shift;
    }

    /** Replaces the entries file by {@code content} (synced, renamed into place) and reopens it. */
    private void reopenEntries(ByteBuffer content) throws IOException {
        Path file = dir.resolve(LogFiles.ENTRIES);
        LogFiles.replace(file, content, true);
        entries.close();
        entries = LogFiles.open(file);
    }

    @Override
    public synchronized void reinitializeTo(long index, LogEntry entry) {
        // A snapshot installed from the leader: the log becomes that one entry, marking the snapshot's index.
        Path file = dir.resolve(LogFiles.ENTRIES);
        int length = entry.command() == null ? 0 : entry.length();
        ByteBuffer content = ByteBuffer.allocate(LogFiles.ENTRIES_MAGIC.length + LogFiles.recordSize(length));
        content.put(LogFiles.ENTRIES_MAGIC);
        LogFiles.putRecord(content, entry.term(), index, entry.internal(),
                entry.command() == null ? new byte[0] : entry.command(), entry.offset(), length);
        try {
            // Whichever file a crash leaves in place, the mark must not exceed it: the lower of both first.
            writeMeta(state.term(), state.commit(), Math.min(records.last(), index), state.votedFor(), true);
            reopenEntries(content.flip());
        } catch (IOException e) {
            throw stop("cannot reset the raft log " + file + " to the snapshot at entry " + index + ": "
                    + e.getMessage() + "; " + RETRY, e);
        }
        records.clear();
        records.add(index, LogFiles.ENTRIES_MAGIC.length);
        end = LogFiles.ENTRIES_MAGIC.length + LogFiles.recordSize(length);
        writeMeta(Math.max(state.term(), entry.term()), index, index, state.votedFor(), true);
    }

    @Override
    public synchronized void deleteAllEntriesStartingFrom(long startIndex) {
        if (records.isEmpty() || startIndex > records.last()) {
            return;
        }
        long first = records.first();
        if (startIndex <= state.commit() || startIndex <= first && first > 1) {
            // Committed entries, or the entry marking a snapshot, never go.
            throw new IllegalStateException("cannot delete entries from " + startIndex + ": first " + first
                    + ", commit index " + state.commit());
        }
        startIndex = Math.max(startIndex, first);   // a log that starts at 1 may lose all its entries
        long cut = records.of(startIndex);
        Path file = dir.resolve(LogFiles.ENTRIES);
        // Lower the mark first (synced): a crash between the two leaves a longer file, which is harmless.
        writeMeta(state.term(), state.commit(), startIndex - 1, state.votedFor(), true);
        try {
            entries.truncate(cut);
            entries.force(true);
        } catch (IOException e) {
            throw stop("cannot remove entries from " + startIndex + " of the raft log " + file + ": "
                    + e.getMessage() + "; " + RETRY, e);
        }
        records.cutFrom(startIndex);
        end = cut;
    }

    @Override
    public synchronized void forEach(ObjLongConsumer<LogEntry> function, long startIndex, long endIndex) {
        long from = Math.max(Math.max(startIndex, records.first()), 1);
        long to = Math.min(endIndex, records.last());
        for (long i = from; i <= to; i++) {
            function.accept(get(i), i);
        }
    }

    @Override
    public synchronized void forEach(ObjLongConsumer<LogEntry> function) {
        forEach(function, records.first(), records.last());
    }

    @Override
    public synchronized long sizeInBytes() {
        return end;
    }

    // ---------------------------------------------------------------- snapshot

    @Override
    public synchronized void setSnapshot(ByteBuffer sn) {
        Path file = dir.resolve(LogFiles.SNAPSHOT);
        try {
            LogFiles.replace(file, LogFiles.snapshotFile(sn), fsync);
        } catch (IOException e) {
            throw stop("cannot write the raft snapshot " + file + ": " + e.getMessage() + "; " + RETRY, e);
        }
    }

    @Override
    public synchronized ByteBuffer getSnapshot() {
        Path file = dir.resolve(LogFiles.SNAPSHOT);
        try {
            if (!Files.exists(file)) {
                return null;
            }
            ByteBuffer data = LogFiles.snapshotData(Files.readAllBytes(file));
            if (data == null) {
                throw stop("corrupted raft snapshot " + file + " (checksum or length wrong); " + REPAIR,
                        null);
            }
            return data;
        } catch (IOException e) {
            throw stop("cannot read the raft snapshot " + file + ": " + e.getMessage() + "; " + RETRY, e);
        }
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * A failed read or write stops the replica ({@link DiskFailure}), except after {@link #close()}: a vote or a
     * leader announcement handled while the channel shuts down may still try to write the term, and that is no
     * disk fault to halt the JVM with exit status 74 for.
     */
    private RuntimeException stop(String message, Throwable cause) {
        return closed ? new IllegalStateException("the raft log in " + dir + " is closed: " + message, cause)
                : DiskFailure.stop(message, cause);
    }

    @Override
    public synchronized void close() {
        closed = true;
        try {
            if (entries != null) {
                entries.close();
            }
            if (meta != null) {
                meta.close();
            }
        } catch (IOException e) {
            log.warn("closing the raft log in {}: {}", dir, e.toString());
        }
    }

    @Override
    public synchronized void delete() throws Exception {
        close();
        for (String name : new String[] {LogFiles.ENTRIES, LogFiles.META, LogFiles.SNAPSHOT}) {
            Files.deleteIfExists(dir.resolve(name));
        }
        Files.deleteIfExists(dir);
    }

    @Override
    public synchronized String toString() {
        return "DurableLog[" + dir + ": " + records.first() + ".." + records.last() + ", commit " + state.commit()
                + ", term " + state.term() + "]";
    }
}
