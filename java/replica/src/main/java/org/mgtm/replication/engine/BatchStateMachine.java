package org.mgtm.replication.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.jgroups.raft.StateMachine;


/**
 * jgroups-raft {@link StateMachine} whose log entries are batches of commands (group commit: one entry carries every
 * request that arrived while the previous append was in flight).
 *
 * <p>Entry format: {@code int count, then count x (int length, length bytes)}, big-endian. The reply of an entry
 * (only built on the leader, where jgroups-raft passes {@code serialize_response=true}) has the same format, one
 * reply per command in command order. Each command is handed to the {@link Applier}, which is the replica's
 * deterministic core.</p>
 *
 * <p>Threading: jgroups-raft calls {@code apply}, {@code readContentFrom} and {@code writeContentTo} from one thread
 * at a time (the RAFT runner, or the thread that starts the channel), never concurrently.</p>
 */
public final class BatchStateMachine implements StateMachine {

    /** The replicated core as seen by the replication layer. Must be deterministic. */
    public interface Applier {
        /** Applies one command and returns its reply (never null; an empty array for "no reply"). */
        byte[] apply(byte[] command);

        /** Writes the whole state (for log compaction and for members that are too far behind). */
        void writeSnapshot(DataOutput out) throws IOException;

        /** Replaces the whole state with a snapshot written by {@link #writeSnapshot}. */
        void readSnapshot(DataInput in) throws IOException;
    }

    /** Upper bound on commands in one entry, to refuse a corrupt count before allocating. */
    public static final int MAX_COMMANDS_PER_ENTRY = 1 << 20;

    private final Applier applier;
    private volatile long appliedEntries;
    private volatile long appliedCommands;

    public BatchStateMachine(Applier applier) {
        this.applier = applier;
    }

    public Applier applier() { return applier; }
    /** Log entries applied since start (including those replayed from the log at start). */
    public long appliedEntries() { return appliedEntries; }
    public long appliedCommands() { return appliedCommands; }

    @Override
    public byte[] apply(byte[] data, int offset, int length, boolean serializeResponse) throws Exception {
        List<byte[]> commands = decode(data, offset, length);
        List<byte[]> replies = serializeResponse ? new ArrayList<>(commands.size()) : null;
        for (byte[] c : commands) {
            byte[] r = applier.apply(c);
            if (replies != null)
                replies.add(r == null ? new byte[0] : r);
        }
        appliedEntries++;
        appliedCommands += commands.size();
        return replies == null ? null : encode(replies);
    }

    @Override
    public void readContentFrom(DataInput in) throws Exception {
        applier.readSnapshot(in);
    }

    @Override
    public void writeContentTo(DataOutput out) throws Exception {
        applier.writeSnapshot(out);
    }

    /** Encodes commands (or replies) as one entry. */
    public static byte[] encode(List<byte[]> items) {
        int size = 4;
        for (byte[] b : items)
            size += 4 + b.length;
        ByteBuffer buf = ByteBuffer.allocate(size);
        buf.putInt(items.size());
        for (byte[] b : items) {
            buf.putInt(b.length);
            buf.put(b);
        }
        return buf.array();
    }

    public static List<byte[]> decode(byte[] data) {
        return decode(data, 0, data.length);
    }

    /** Decodes an entry (or a reply); throws IllegalArgumentException on a malformed buffer. */
    public static List<byte[]> decode(byte[] data, int offset, int length) {
        ByteBuffer buf = ByteBuffer.wrap(data, offset, length);
        if (buf.remaining() < 4)
            throw new IllegalArgumentException("batch shorter than its header");
        int n = buf.getInt();
        if (n < 0 || n > MAX_COMMANDS_PER_ENTRY || n > buf.remaining() / 4)
            throw new IllegalArgumentException("bad command count " + n);
        List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (buf.remaining() < 4)
                throw new IllegalArgumentException("truncated batch at command " + i);
            int len = buf.getInt();
            if (len < 0 || len > buf.remaining())
                throw new IllegalArgumentException("bad length " + len + " of command " + i);
            byte[] c = new byte[len];
            buf.get(c);
            out.add(c);
        }
        if (buf.hasRemaining())
            throw new IllegalArgumentException(buf.remaining() + " trailing bytes after " + n + " commands");
        return out;
    }
}
