package org.mgtm.server;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.mgtm.config.DataDirectoryLock;

/**
 * A standalone mgtm's data directory. It holds what must outlive a crash: the GXID high-water mark
 * reserved ahead of use, and the core state (sequences and prepared transactions), in one file that
 * is replaced atomically (write a temporary file, fsync it, rename it over the old one, fsync the
 * directory), so a kill -9 at any instant leaves either the old or the new file, never a torn one.
 *
 * <p>{@link DataDirectoryLock} keeps two servers off one directory: two GTMs sharing a GXID
 * reservation would hand out the same GXIDs.
 */
public final class DataDirectory implements AutoCloseable {
    static final String STATE_FILE = "mgtm.state";
    private static final String TEMP_FILE = "mgtm.state.tmp";
    private static final long MAGIC = 0x4d47544d53544154L; // "MGTMSTAT"
    private static final int FORMAT_VERSION = 1;

    /** What the state file holds: every GXID below {@code reservedGxid} may have been handed out. */
    public record Image(int reservedGxid, byte[] coreSnapshot) {
    }

    private final Path dir;
    private final DataDirectoryLock lock;

    private DataDirectory(Path dir, DataDirectoryLock lock) {
        this.dir = dir;
        this.lock = lock;
    }

    /** Creates the directory if needed (mode 0700) and locks it for this process. */
    public static DataDirectory open(Path dir) throws IOException {
        DataDirectoryLock lock = DataDirectoryLock.acquire(dir);
        try {
            Files.deleteIfExists(dir.resolve(TEMP_FILE));
        } catch (IOException e) {
            lock.close();
            throw e;
        }
        return new DataDirectory(dir, lock);
    }

    public Path path() {
        return dir;
    }

    /** The saved image, or empty for a new directory. A damaged file is an error, never "empty". */
    public Optional<Image> load() throws IOException {
        Path file = dir.resolve(STATE_FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < 8 + 4 + 4 + 4 + 4) {
            throw new IOException(file + " is truncated (" + bytes.length + " bytes)");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        int storedCrc = ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
        if ((int) crc.getValue() != storedCrc) {
            throw new IOException(file + " is damaged (checksum mismatch); refusing to start rather than risk "
                    + "handing out GXIDs twice");
        }
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes, 0, bytes.length - 4))) {
            if (in.readLong() != MAGIC) {
                throw new IOException(file + " is not an mgtm state file");
            }
            int version = in.readInt();
            if (version != FORMAT_VERSION) {
                throw new IOException(file + " has format version " + version + ", this mgtm reads " + FORMAT_VERSION);
            }
            int reserved = in.readInt();
            int length = in.readInt();
            if (length < 0 || length > bytes.length) {
                throw new IOException(file + " is damaged (bad snapshot length " + length + ")");
            }
            byte[] snapshot = in.readNBytes(length);
            if (snapshot.length != length) {
                throw new IOException(file + " is truncated");
            }
            return Optional.of(new Image(reserved, snapshot));
        }
    }

    /** Replaces the saved image durably; returns only once the new image survives a crash. */
    public void save(Image image) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(image.coreSnapshot().length + 32);
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.writeLong(MAGIC);
            out.writeInt(FORMAT_VERSION);
            out.writeInt(image.reservedGxid());
            out.writeInt(image.coreSnapshot().length);
            out.write(image.coreSnapshot());
        }
        byte[] body = buffer.toByteArray();
        CRC32C crc = new CRC32C();
        crc.update(body);
        Path temp = dir.resolve(TEMP_FILE);
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer all = ByteBuffer.allocate(body.length + 4).put(body).putInt((int) crc.getValue()).flip();
            while (all.hasRemaining()) {
                ch.write(all);
            }
            ch.force(true);
        }
        try {
            Files.move(temp, dir.resolve(STATE_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system of " + dir + " cannot rename atomically", e);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    @Override
    public void close() throws IOException {
        lock.close();
    }
}
