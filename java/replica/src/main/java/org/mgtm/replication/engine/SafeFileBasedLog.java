package org.mgtm.replication.engine;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.function.LongConsumer;
import org.jgroups.protocols.raft.FileBasedLog;
import org.jgroups.protocols.raft.LogEntries;
import org.jgroups.protocols.raft.LogEntry;


/**
 * jgroups-raft 1.1.4's {@link FileBasedLog} with a working {@link #reinitializeTo}, the call a follower makes when it
 * installs a snapshot from the leader (RAFT's {@code log_class}; {@link RaftMember} selects it).
 *
 * <h2>The defect</h2>
 * {@code LogEntryStorage.reinitializeTo} truncates {@code entries.raft} and fills its I/O buffer with the header of
 * the entry that marks the snapshot's index, but writes the buffer without flipping it: nothing reaches the file.
 * The storage still remembers that entry at file position 0 in memory, so it appends the following entries after
 * it and everything looks right until the process restarts: then the file starts with zeros, the reload finds no
 * first header and reads the log as empty. The replica comes back with the old snapshot as its state, a commit index
 * (kept in the metadata file) far beyond it, and none of the entries it had appended and acknowledged since the
 * install: its state machine never sees them, and its votes had counted for entries it no longer holds. A chaos
 * run (a follower that installed a snapshot, then a full restart) showed exactly that.
 *
 * <h2>The fix</h2>
 * After the library's reinitialisation, write that entry (header and data, in the library's on-disk layout) at
 * position 0 of the entries file and force it to disk. The storage's in-memory view already places the next entry
 * right after it, so the file and that view agree again. Should a later release write the entry itself, this
 * writes the same bytes once more.
 */
public class SafeFileBasedLog extends FileBasedLog {
    /** The storage's file name and entry header layout (jgroups-raft 1.1.4 {@code LogEntryStorage}). */
    static final String ENTRIES_FILE = "entries.raft";
    static final byte MAGIC = 0x01;
    static final int HEADER_SIZE = 4 * 2 + 8 * 2 + 1 + 1;

    private File logDir;
    private boolean fsync = true;
    private volatile LongConsumer appendListener = nanos -> { };

    /** Reports how long each append took (the write and its fsync), in nanoseconds: the metrics' hook. */
    public void onAppend(LongConsumer listener) {
        appendListener = listener;
    }

    @Override
    public long append(long index, LogEntries entries) {
        long start = System.nanoTime();
        try {
            return super.append(index, entries);
        } finally {
            appendListener.accept(System.nanoTime() - start);
        }
    }

    @Override
    public void init(String logName, Map<String, String> args) throws Exception {
        logDir = new File(logName);
        super.init(logName, args);
    }

    @Override
    public SafeFileBasedLog useFsync(boolean value) {
        fsync = value;
        super.useFsync(value);
        return this;
    }

    @Override
    public void reinitializeTo(long index, LogEntry entry) {
        super.reinitializeTo(index, entry);
        try {
            writeFirstEntry(index, entry);
        } catch (IOException e) {
            // The log no longer matches its file: going on would lose entries at the next restart.
            throw new UncheckedIOException("could not write the snapshot entry " + index + " to " + logDir, e);
        }
    }

    private void writeFirstEntry(long index, LogEntry entry) throws IOException {
        int length = entry.command() == null ? 0 : entry.length();
        ByteBuffer buf = ByteBuffer.allocate(HEADER_SIZE + length);
        buf.put(MAGIC).putInt(HEADER_SIZE + length).putLong(entry.term()).putLong(index)
                .put((byte) (entry.internal() ? 1 : 0)).putInt(length);
        if (length > 0)
            buf.put(entry.command(), entry.offset(), length);
        buf.flip();
        try (FileChannel ch = FileChannel.open(new File(logDir, ENTRIES_FILE).toPath(), StandardOpenOption.WRITE)) {
            while (buf.hasRemaining())
                ch.write(buf, buf.position());
            if (fsync)
                ch.force(true);
        }
    }
}
