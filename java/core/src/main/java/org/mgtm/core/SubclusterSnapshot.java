package org.mgtm.core;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The sub-cluster section of a state snapshot (format version 3, see {@link StateSnapshotCodec}). */
final class SubclusterSnapshot {
    private SubclusterSnapshot() {
    }

    /**
     * {@code bool present}; if present: {@code str16 name, long claim, long nextRequestId, int demand,
     * int lastLeased, long skipped, int n, n x (int first, int last), int m, m x int crossGxid}.
     */
    static void write(DataOutputStream out, Subcluster s) throws IOException {
        out.writeBoolean(s != null);
        if (s == null) {
            return;
        }
        byte[] name = s.name.getBytes(StandardCharsets.UTF_8);
        out.writeShort(name.length);
        out.write(name);
        out.writeLong(s.claim);
        out.writeLong(s.nextRequestId);
        out.writeInt(s.demand);
        out.writeInt(s.leases.lastLeased());
        out.writeLong(s.leases.skipped());
        List<int[]> ranges = s.leases.ranges();
        out.writeInt(ranges.size());
        for (int[] r : ranges) {
            out.writeInt(r[0]);
            out.writeInt(r[1]);
        }
        out.writeInt(s.cross.size());
        for (int g : s.cross) {
            out.writeInt(g);
        }
    }

    /** Reads the section; cross GXIDs must name open prepared transactions of {@code tm}. */
    static Subcluster read(DataInputStream in, TransactionManager tm) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        byte[] name = new byte[in.readUnsignedShort()];
        in.readFully(name);
        Subcluster s;
        try {
            s = new Subcluster(org.mgtm.protocol.subcluster.SubclusterNames.check(
                    new String(name, StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage());
        }
        s.claim = in.readLong();
        s.nextRequestId = in.readLong();
        if (s.nextRequestId < 1) {
            throw new IOException("bad next range request id " + s.nextRequestId);
        }
        s.demand = in.readInt();
        int lastLeased = in.readInt();
        long skipped = in.readLong();
        int n = ResponseCodec.readCount(in, 8);
        List<int[]> ranges = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ranges.add(new int[] {in.readInt(), in.readInt()});
        }
        s.leases.restore(lastLeased, skipped, ranges);
        int m = ResponseCodec.readCount(in, 4);
        for (int i = 0; i < m; i++) {
            int g = in.readInt();
            int slot = tm.txns.slotOfGxid(g);
            if (slot == TransactionTable.NONE || !tm.txns.isPrepared(slot) || !s.cross.add(g)) {
                throw new IOException("cross transaction " + Gxids.toString(g) + " is not an open prepared one");
            }
        }
        return s;
    }
}
