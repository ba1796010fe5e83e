package org.mgtm.replication.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.function.BooleanSupplier;

/**
 * A file channel that fails like a dying disk: while {@code failWrites} says so, writes throw EIO; while
 * {@code failForce} says so, fsync throws EIO. Everything else goes to the real channel.
 */
final class FailingChannel extends FileChannel {
    private final FileChannel real;
    private final BooleanSupplier failWrites;
    private final BooleanSupplier failForce;

    FailingChannel(FileChannel real, BooleanSupplier failWrites, BooleanSupplier failForce) {
        this.real = real;
        this.failWrites = failWrites;
        this.failForce = failForce;
    }

    private void writing() throws IOException {
        if (failWrites.getAsBoolean()) {
            throw new IOException("Input/output error");
        }
    }

    @Override public int read(ByteBuffer dst) throws IOException { return real.read(dst); }
    @Override public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return real.read(dsts, offset, length);
    }
    @Override public int write(ByteBuffer src) throws IOException { writing(); return real.write(src); }
    @Override public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        writing();
        return real.write(srcs, offset, length);
    }
    @Override public long position() throws IOException { return real.position(); }
    @Override public FileChannel position(long p) throws IOException { real.position(p); return this; }
    @Override public long size() throws IOException { return real.size(); }
    @Override public FileChannel truncate(long size) throws IOException { writing(); real.truncate(size); return this; }
    @Override public void force(boolean metaData) throws IOException {
        if (failForce.getAsBoolean()) {
            throw new IOException("Input/output error");
        }
        real.force(metaData);
    }
    @Override public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return real.transferTo(position, count, target);
    }
    @Override public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        writing();
        return real.transferFrom(src, position, count);
    }
    @Override public int read(ByteBuffer dst, long position) throws IOException { return real.read(dst, position); }
    @Override public int write(ByteBuffer src, long position) throws IOException {
        writing();
        return real.write(src, position);
    }
    @Override public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        return real.map(mode, position, size);
    }
    @Override public FileLock lock(long position, long size, boolean shared) throws IOException {
        return real.lock(position, size, shared);
    }
    @Override public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return real.tryLock(position, size, shared);
    }
    @Override protected void implCloseChannel() throws IOException { real.close(); }
}
