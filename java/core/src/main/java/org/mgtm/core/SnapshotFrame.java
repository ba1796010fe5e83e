package org.mgtm.core;

import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The frame of both state snapshots (a group's, {@link StateSnapshotCodec}, and the G-GTM's,
 * {@link GlobalSnapshotCodec}): magic, version, body length, body, then the CRC32C of everything
 * before it, all big-endian. A snapshot that does not check is refused whole, never half-applied.
 */
final class SnapshotFrame {
    /** Bodies are read in chunks of this size, so a corrupt length cannot allocate more than the input holds. */
    private static final int CHUNK = 64 * 1024;

    /** A frame that checked: its version and body. */
    record Checked(int version, byte[] body) {
    }

    private SnapshotFrame() {
    }

    /** The framed snapshot of {@code body}. */
    static byte[] write(int magic, int version, ByteArrayOutputStream body) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream(body.size() + 16);
        DataOutputStream out = new DataOutputStream(all);
        out.writeInt(magic);
        out.writeInt(version);
        out.writeInt(body.size());
        body.writeTo(out);
        out.flush();
        CRC32C crc = new CRC32C();
        byte[] bytes = all.toByteArray();
        crc.update(bytes, 0, bytes.length);
        out.writeInt((int) crc.getValue());
        return all.toByteArray();
    }

    /**
     * Reads one frame of {@code magic} with a version from {@code minVersion} to {@code maxVersion}; the errors
     * name the snapshot: "not {@code what}" ("an mgtm state snapshot"), else "corrupt {@code kind}: ...".
     */
    static Checked read(DataInput in, int magic, int minVersion, int maxVersion, String what, String kind)
            throws IOException {
        try {
            int found = in.readInt();
            if (found != magic) {
                throw new IOException(String.format("not %s (magic 0x%08X)", what, found));
            }
            int version = in.readInt();
            if (version < minVersion || version > maxVersion) {
                throw new IOException("unsupported " + kind + " version " + version + " (this build reads "
                        + minVersion + " to " + maxVersion + ")");
            }
            int length = in.readInt();
            if (length < 0) {
                throw new IOException("corrupt " + kind + ": negative body length " + length);
            }
            byte[] body = readBody(in, length);
            byte[] header = new byte[12];
            putInt(header, 0, magic);
            putInt(header, 4, version);
            putInt(header, 8, length);
            CRC32C crc = new CRC32C();
            crc.update(header, 0, header.length);
            crc.update(body, 0, body.length);
            int stored = in.readInt();
            if (stored != (int) crc.getValue()) {
                throw new IOException(String.format("corrupt %s: CRC32C 0x%08X, expected 0x%08X", kind,
                        (int) crc.getValue(), stored));
            }
            return new Checked(version, body);
        } catch (EOFException e) {
            throw new IOException("truncated " + kind, e);
        }
    }

    /** The sessions' dedup tables, in session order: the same bytes in both snapshots. */
    static void writeSessions(DataOutputStream body, List<SessionTable.Session> sessions) throws IOException {
        body.writeInt(sessions.size());
        for (SessionTable.Session s : sessions) {
            body.writeLong(s.id);
            body.writeLong(s.floor);
            body.writeInt(s.size());
            for (int i = 0; i < s.size(); i++) {
                body.writeLong(s.requestNoAt(i));
                ResponseCodec.write(body, s.replyAt(i));
            }
        }
    }

    private static byte[] readBody(DataInput in, int length) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(length, CHUNK));
        byte[] chunk = new byte[Math.min(length, CHUNK)];
        for (int left = length; left > 0; ) {
            int n = Math.min(left, chunk.length);
            in.readFully(chunk, 0, n);
            out.write(chunk, 0, n);
            left -= n;
        }
        return out.toByteArray();
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
