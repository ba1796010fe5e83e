package org.mgtm.core;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.mgtm.protocol.Response;

/**
 * The binary snapshot of a {@link GlobalStateMachine}. Big-endian:
 *
 * <pre>
 * int  magic 0x4D474754 ("MGGT"), int version (1), int body length
 * body:
 *   long appliedIndex, long next position
 *   int  member count, then by name: str16 name, long claim, long lastRequestId, long lastFirst, long lastLast,
 *        long oldestInUse (-1 = none), long granted
 *   int  grant count, then oldest first: str16 name, long requestId, long first, long last
 *   int  decision count, then in decision order: int gxid, bool commit
 *   int  session count, then by id: long id, long floor, int reply count, replies (as {@link StateSnapshotCodec})
 * int  CRC32C of every byte above
 * </pre>
 */
final class GlobalSnapshotCodec {
    static final int MAGIC = 0x4D474754;
    static final int VERSION = 1;

    private GlobalSnapshotCodec() {
    }

    static byte[] encode(GlobalStateMachine m, long appliedIndex) {
        try {
            ByteArrayOutputStream bodyBytes = new ByteArrayOutputStream(256);
            DataOutputStream body = new DataOutputStream(bodyBytes);
            body.writeLong(appliedIndex);
            body.writeLong(m.ranges.next);
            body.writeInt(m.ranges.members.size());
            for (RangeAllocator.Member r : m.ranges.members.values()) {
                writeName(body, r.name);
                body.writeLong(r.claim);
                body.writeLong(r.lastRequestId);
                body.writeLong(r.lastFirst);
                body.writeLong(r.lastLast);
                body.writeLong(r.oldestInUse);
                body.writeLong(r.granted);
            }
            List<RangeAllocator.Grant> grants = m.ranges.grants();
            body.writeInt(grants.size());
            for (RangeAllocator.Grant g : grants) {
                writeName(body, g.subcluster());
                body.writeLong(g.requestId());
                body.writeLong(g.first());
                body.writeLong(g.last());
            }
            body.writeInt(m.decisions.decisions.size());
            for (Map.Entry<Integer, Boolean> d : m.decisions.decisions.entrySet()) {
                body.writeInt(d.getKey());
                body.writeBoolean(d.getValue());
            }
            SnapshotFrame.writeSessions(body, m.sessions.sorted());
            body.flush();
            return SnapshotFrame.write(MAGIC, VERSION, bodyBytes);
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory stream failed", e);
        }
    }

    static GlobalStateMachine.Restored decode(DataInput in, CoreLimits limits) throws IOException {
        byte[] body = SnapshotFrame.read(in, MAGIC, VERSION, VERSION, "a G-GTM state snapshot",
                "G-GTM snapshot").body();
        try {
            DataInputStream b = new DataInputStream(new ByteArrayInputStream(body));
            GlobalStateMachine.Restored restored = decodeBody(b, limits);
            if (b.available() != 0) {
                throw new IOException(b.available() + " unexpected bytes at the end of the body");
            }
            return restored;
        } catch (EOFException e) {
            throw new IOException("corrupt G-GTM snapshot: body ends early", e);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IOException("corrupt G-GTM snapshot: " + e.getMessage(), e);
        }
    }

    private static GlobalStateMachine.Restored decodeBody(DataInputStream in, CoreLimits limits) throws IOException {
        GlobalStateMachine m = new GlobalStateMachine(limits);
        long appliedIndex = in.readLong();
        m.ranges.next = in.readLong();
        int members = ResponseCodec.readCount(in, 2 + 6 * 8);
        for (int i = 0; i < members; i++) {
            RangeAllocator.Member r = new RangeAllocator.Member(readName(in), in.readLong());
            r.lastRequestId = in.readLong();
            r.lastFirst = in.readLong();
            r.lastLast = in.readLong();
            r.oldestInUse = in.readLong();
            r.granted = in.readLong();
            if (m.ranges.members.put(r.name, r) != null || r.lastLast >= m.ranges.next) {
                throw new IOException("sub-cluster " + r.name + " is listed twice or was granted beyond the counter");
            }
        }
        int grants = ResponseCodec.readCount(in, 2 + 3 * 8);
        for (int i = 0; i < grants; i++) {
            m.ranges.log.addLast(new RangeAllocator.Grant(readName(in), in.readLong(), in.readLong(), in.readLong()));
        }
        int decisions = ResponseCodec.readCount(in, 5);
        for (int i = 0; i < decisions; i++) {
            int gxid = in.readInt();
            if (m.decisions.decisions.put(gxid, in.readBoolean()) != null) {
                throw new IOException("decision for gxid " + Gxids.toString(gxid) + " listed twice");
            }
        }
        int sessionCount = ResponseCodec.readCount(in, 8 + 8 + 4);
        long previousId = 0;
        for (int i = 0; i < sessionCount; i++) {
            long id = in.readLong();
            if (i > 0 && id <= previousId) {
                throw new IOException("sessions out of order");
            }
            previousId = id;
            SessionTable.Session s = m.sessions.restore(id, in.readLong());
            int replies = ResponseCodec.readCount(in, 8 + 1);
            for (int r = 0; r < replies; r++) {
                long no = in.readLong();
                Response reply = ResponseCodec.read(in);
                SessionTable.restoreReply(s, no, reply, limits.maxRepliesPerSession());
            }
        }
        return new GlobalStateMachine.Restored(m, appliedIndex);
    }

    private static void writeName(DataOutputStream out, String name) throws IOException {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        out.writeShort(b.length);
        out.write(b);
    }

    private static String readName(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readUnsignedShort()];
        in.readFully(b);
        String name = new String(b, StandardCharsets.UTF_8);
        if (!org.mgtm.protocol.subcluster.SubclusterNames.valid(name)) {
            throw new IOException("bad sub-cluster name '" + name + "'");
        }
        return name;
    }
}
