package org.mgtm.replication.engine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32C;
import org.jgroups.Address;
import org.jgroups.util.Util;

/**
 * The on-disk layout of a {@link DurableLog} and the file operations it needs, each checked: every write is
 * complete or throws, every record and every metadata slot carries a CRC-32C.
 *
 * <pre>
 * log.entries   "MGTMLOG1", then records: BE32 crc | BE32 length | BE64 term | BE64 index | U8 flags | data
 *               (crc over length..data; flags bit 0: internal)
 * log.meta      two 512-byte slots, each: BE32 magic | BE32 crc | BE64 seq | BE64 term | BE64 commit index
 *               | BE64 last appended | BE16 n | n bytes voted-for address (crc over seq..address);
 *               written alternately, the valid slot with the higher seq holds the state
 * log.snapshot  BE32 magic | BE32 length | BE32 crc | data
 * </pre>
 */
final class LogFiles {
    static final String ENTRIES = "log.entries";
    static final String META = "log.meta";
    static final String SNAPSHOT = "log.snapshot";
    static final byte[] ENTRIES_MAGIC = "MGTMLOG1".getBytes(StandardCharsets.US_ASCII);
    static final int RECORD_HEADER = 4 + 4 + 8 + 8 + 1;
    static final int META_SLOT = 512;
    static final int META_MAGIC = 0x4D4D4554;      // "MMET"
    static final int SNAPSHOT_MAGIC = 0x4D534E50;  // "MSNP"
    /** A record longer than this is read as corrupt (entries are batches of at most ~1 MiB). */
    static final int MAX_RECORD_DATA = 64 << 20;

    private LogFiles() {
    }

    /** One record's header as read from the file. */
    record Header(int crc, int length, long term, long index, boolean internal) {
        long end(long position) {
            return position + RECORD_HEADER + length;
        }
    }

    /** Appends one record (header and data) to {@code buf}. */
    static void putRecord(ByteBuffer buf, long term, long index, boolean internal, byte[] data, int off, int len) {
        int start = buf.position();
        buf.putInt(0).putInt(len).putLong(term).putLong(index).put((byte) (internal ? 1 : 0));
        if (len > 0) {
            buf.put(data, off, len);
        }
        CRC32C crc = new CRC32C();
        ByteBuffer covered = buf.duplicate().position(start + 4).limit(buf.position());
        crc.update(covered);
        buf.putInt(start, (int) crc.getValue());
    }

    static int recordSize(int dataLength) {
        return RECORD_HEADER + dataLength;
    }

    /** The header at {@code position}, or null when fewer than a header's bytes are left in the file. */
    static Header readHeader(FileChannel ch, long position) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(RECORD_HEADER);
        readFully(ch, b, position);
        if (b.hasRemaining()) {
            return null;
        }
        b.flip();
        return new Header(b.getInt(), b.getInt(), b.getLong(), b.getLong(), (b.get() & 1) != 0);
    }

    /** The data of the record whose header is {@code h}, or null when the file ends first or the CRC is wrong. */
    static byte[] readData(FileChannel ch, long position, Header h) throws IOException {
        if (h.length < 0 || h.length > MAX_RECORD_DATA) {
            return null;
        }
        ByteBuffer b = ByteBuffer.allocate(h.length);
        readFully(ch, b, position + RECORD_HEADER);
        if (b.hasRemaining()) {
            return null;
        }
        CRC32C crc = new CRC32C();
        ByteBuffer hdr = ByteBuffer.allocate(RECORD_HEADER - 4).putInt(h.length).putLong(h.term).putLong(h.index)
                .put((byte) (h.internal ? 1 : 0)).flip();
        crc.update(hdr);
        crc.update(b.array(), 0, h.length);
        return (int) crc.getValue() == h.crc ? b.array() : null;
    }

    /** Reads until {@code b} is full or the file ends. */
    static void readFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
        long p = position;
        while (b.hasRemaining()) {
            int n = ch.read(b, p);
            if (n < 0) {
                return;
            }
            p += n;
        }
    }

    /** Writes all of {@code b} at {@code position}: a short write is retried, an error throws. */
    static void writeFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
        long p = position;
        while (b.hasRemaining()) {
            p += ch.write(b, p);
        }
    }

    /** Wraps every channel the log opens: the identity, except in tests that inject I/O errors (EIO). */
    static volatile UnaryOperator<FileChannel> channels = UnaryOperator.identity();

    static FileChannel open(Path file) throws IOException {
        return channels.apply(FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.CREATE));
    }

    /** fsync of a directory, so that a rename or a new file in it survives a crash. */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    /** Writes {@code content} to a temporary file, syncs it, and renames it over {@code target} (then syncs the dir). */
    static void replace(Path target, ByteBuffer content, boolean fsync) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel ch = channels.apply(FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING))) {
            writeFully(ch, content, 0);
            if (fsync) {
                ch.force(true);
            }
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        if (fsync) {
            syncDirectory(target.getParent());
        }
    }

    /** The snapshot file's bytes for {@code data}. */
    static ByteBuffer snapshotFile(ByteBuffer data) {
        ByteBuffer d = data.duplicate();
        CRC32C crc = new CRC32C();
        crc.update(d.duplicate());
        ByteBuffer out = ByteBuffer.allocate(12 + d.remaining());
        out.putInt(SNAPSHOT_MAGIC).putInt(d.remaining()).putInt((int) crc.getValue()).put(d).flip();
        return out;
    }

    /** The snapshot held by {@code bytes} (a whole snapshot file), or null when it is not intact. */
    static ByteBuffer snapshotData(byte[] bytes) {
        if (bytes.length < 12) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (b.getInt() != SNAPSHOT_MAGIC) {
            return null;
        }
        int length = b.getInt();
        int crc = b.getInt();
        if (length != bytes.length - 12) {
            return null;
        }
        CRC32C c = new CRC32C();
        c.update(bytes, 12, length);
        return (int) c.getValue() == crc ? ByteBuffer.wrap(bytes, 12, length).slice() : null;
    }

    /** The persistent state of the log (raft's persistent state and the log's own high-water mark). */
    record Meta(long seq, long term, long commit, long lastAppended, byte[] votedFor) {
        static final Meta EMPTY = new Meta(0, 0, 0, 0, new byte[0]);

        ByteBuffer encode() {
            ByteBuffer b = ByteBuffer.allocate(META_SLOT);
            b.putInt(META_MAGIC).putInt(0).putLong(seq).putLong(term).putLong(commit).putLong(lastAppended)
                    .putShort((short) votedFor.length).put(votedFor);
            CRC32C crc = new CRC32C();
            crc.update(b.array(), 8, b.position() - 8);
            b.putInt(4, (int) crc.getValue());
            return b.position(0).limit(META_SLOT);
        }

        /** The slot's state, or null when the slot is empty or damaged. */
        static Meta decode(ByteBuffer slot) {
            if (slot.remaining() < META_SLOT || slot.getInt(0) != META_MAGIC) {
                return null;
            }
            int n = slot.getShort(40) & 0xFFFF;
            if (n > META_SLOT - 42) {
                return null;
            }
            CRC32C crc = new CRC32C();
            crc.update(slot.duplicate().position(8).limit(42 + n));
            if ((int) crc.getValue() != slot.getInt(4)) {
                return null;
            }
            byte[] voted = new byte[n];
            slot.get(42, voted);
            return new Meta(slot.getLong(8), slot.getLong(16), slot.getLong(24), slot.getLong(32), voted);
        }
    }

    /** The vote's address as stored in the metadata (empty: none). */
    static byte[] writeAddress(Address a) {
        if (a == null) {
            return new byte[0];
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Util.writeAddress(a, new DataOutputStream(out));
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise " + a, e);
        }
    }

    static Address readAddress(byte[] bytes, Path metaFile) throws IOException {
        if (bytes.length == 0) {
            return null;
        }
        try {
            return Util.readAddress(new DataInputStream(new ByteArrayInputStream(bytes)));
        } catch (ClassNotFoundException e) {
            throw new IOException("unreadable vote in " + metaFile, e);
        }
    }
}
