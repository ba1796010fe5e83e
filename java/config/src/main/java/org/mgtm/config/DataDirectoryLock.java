package org.mgtm.config;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Keeps two mgtm processes off one data directory (a standalone server's or a replica's): two GTMs
 * sharing a GXID reservation, or two replicas appending to one raft log, would hand out the same GXIDs.
 * Opening it also catches the ordinary mistakes early, each with a message that names the fix: a path
 * that is a file ({@code -D /dev/null}), a directory that cannot be created or written.
 */
public final class DataDirectoryLock implements AutoCloseable {
    private static final String LOCK_FILE = "mgtm.lock";
    private static final String PID_FILE = "mgtm.pid";

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates {@code dir} if needed (mode 0700), locks it for this process and writes the pid file.
     *
     * @throws IOException with a one-line message that names the problem and the fix
     */
    public static DataDirectoryLock acquire(Path dir) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IOException("data directory " + dir + " is not a directory: give -D (data_dir) a directory "
                    + "path; it is created if missing");
        }
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
        } catch (FileSystemException e) {
            throw new IOException("cannot create data directory " + dir + " (" + reason(e) + "): create it for user "
                    + System.getProperty("user.name") + " or give -D (data_dir) a path it can create", e);
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (AccessDeniedException e) {
            throw notWritable(dir, e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // this JVM holds it already (in-process tests): in use all the same
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            String pid = readPid(dir);
            throw new IOException("data directory " + dir + " is in use by another mgtm process"
                    + (pid == null ? "" : " (pid " + pid + ")") + ": stop that process, or give this one another -D");
        }
        try {
            Files.writeString(dir.resolve(PID_FILE), ProcessHandle.current().pid() + "\n" + dir.toAbsolutePath() + "\n");
        } catch (AccessDeniedException e) {
            lock.release();
            channel.close();
            throw notWritable(dir, e);
        }
        return new DataDirectoryLock(dir, channel, lock);
    }

    private static IOException notWritable(Path dir, IOException cause) {
        return new IOException("data directory " + dir + " is not writable by user " + System.getProperty("user.name")
                + ": fix its owner or permissions, or give -D (data_dir) another directory", cause);
    }

    private static String reason(FileSystemException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
    }

    private static String readPid(Path dir) {
        try {
            String text = Files.readString(dir.resolve(PID_FILE)).strip();
            int end = text.indexOf('\n');
            return end < 0 ? text : text.substring(0, end);
        } catch (IOException e) {
            return null;
        }
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        try {
            Files.deleteIfExists(dir.resolve(PID_FILE));
            lock.release();
        } finally {
            channel.close();
        }
    }
}
