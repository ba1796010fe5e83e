package org.mgtm.core;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.zip.CRC32C;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.SequenceKey;

/**
 * The binary state snapshot of a {@link GtmStateMachine}. Big-endian throughout:
 *
 * <pre>
 * int    magic 0x4D47544D ("MGTM")
 * int    format version (3; versions 1 and 2 are read too, see below)
 * int    body length in bytes
 * body:
 *   long appliedIndex
 *   int  nextGxid, latestCompleted, lastHandle (-1 = none yet)
 *   int  transaction count, then in begin order:
 *        int handle, int gxid, byte state, int isolation, bool readOnly, long owner, int backend,
 *        bool vacuum, int xmin, int node count (-1 = not prepared), int node ids...
 *   int  sequence count, then sorted by key:
 *        int key length, key bytes, long value, start, increment, min, max, bool cycle, bool called
 *   int  session count, then sorted by id:
 *        long id, long floor, int reply count, then ascending: long request number, tagged reply
 *        (see {@link ResponseCodec})
 *   long sequenceChanges, long preparedChanges
 *   (version 3) bool sub-cluster mode, and if so ({@link SubclusterSnapshot}): name, claim, next request id,
 *        demand, last leased, skipped, the leased ranges, the prepared cross transactions
 * int    CRC32C of every byte above (magic included)
 * </pre>
 *
 * Nothing depends on hash order, so equal states give equal bytes.
 *
 * <p>Version 2 has the layout of version 1; what changed is the meaning of a transaction's xmin. In
 * version 1 it was set by the transaction's first snapshot, so a transaction that had taken none
 * held nothing back; from version 2 every transaction that is not lazy vacuum records it at its
 * begin, and a snapshot writes nothing. A version-1 state is read by giving each such transaction
 * without an xmin the xmin of the snapshot the restored state gives: by the argument of
 * {@link TransactionManager#beginXmin()} applied at the moment of the restore, its first snapshot
 * can have no lower xmin, so recent_global_xmin stays at or below XC's (invariant 8). A state of
 * version 2 or later with such a transaction is refused as corrupt.
 *
 * <p>Version 3 adds the sub-cluster section at the end of the body; xmins as in version 2. Versions 1
 * and 2 have no such section and are read as a plain group's state. (The sub-cluster branch wrote its
 * section under a version 2 of its own before it was merged; such a snapshot is refused, by its
 * unexpected bytes at the end of the body.)
 */
final class StateSnapshotCodec {
    static final int MAGIC = 0x4D47544D;
    static final int VERSION = 3;
    /** The first format: xmin set by the first snapshot, no sub-cluster section. */
    static final int VERSION_XMIN_AT_FIRST_SNAPSHOT = 1;
    /** xmin set at begin, no sub-cluster section (the state of a plain group). */
    static final int VERSION_XMIN_AT_BEGIN = 2;
    /** Bodies are read in chunks of this size, so a corrupt length cannot allocate much before EOF. */
    // Smallest encoded size of a sequence, a session and a cached reply (bounds corrupt counts).
    private static final int SEQUENCE_MIN_BYTES = 4 + 1 + 5 * 8 + 2;
    private static final int SESSION_MIN_BYTES = 8 + 8 + 4;
    private static final int REPLY_MIN_BYTES = 8 + 1;

    private StateSnapshotCodec() {
    }

    static byte[] encode(GtmStateMachine m, long appliedIndex) {
        try {
            ByteArrayOutputStream bodyBytes = new ByteArrayOutputStream(256);
            DataOutputStream body = new DataOutputStream(bodyBytes);
            body.writeLong(appliedIndex);
            body.writeInt(m.transactions.nextGxid);
            body.writeInt(m.transactions.latestCompleted);
            TransactionTable t = m.transactions.txns;
            body.writeInt(t.lastHandle());
            body.writeInt(t.count());
            for (int s = t.head(); s != TransactionTable.NONE; s = t.next(s)) {
                body.writeInt(s);
                body.writeInt(t.gxid(s));
                body.writeByte(t.state(s));
                body.writeInt(t.isolation(s));
                body.writeBoolean(t.readOnly(s));
                body.writeLong(t.owner(s));
                body.writeInt(t.backend(s));
                body.writeBoolean(t.vacuum(s));
                body.writeInt(t.xmin(s));
                int[] nodes = t.nodes(s);
                body.writeInt(nodes == null ? -1 : nodes.length);
                if (nodes != null) {
                    for (int n : nodes) {
                        body.writeInt(n);
                    }
                }
            }
            List<Sequence> seqs = m.sequences.sorted();
            body.writeInt(seqs.size());
            for (Sequence q : seqs) {
                ResponseCodec.writeKey(body, q.key);
                body.writeLong(q.value);
                body.writeLong(q.start);
                body.writeLong(q.increment);
                body.writeLong(q.min);
                body.writeLong(q.max);
                body.writeBoolean(q.cycle);
                body.writeBoolean(q.called);
            }
            SnapshotFrame.writeSessions(body, m.sessions.sorted());
            body.writeLong(m.sequences.changes());
            body.writeLong(m.transactions.preparedChanges);
            SubclusterSnapshot.write(body, m.transactions.subcluster);
            body.flush();
            return SnapshotFrame.write(MAGIC, VERSION, bodyBytes);
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory stream failed", e);
        }
    }

    static GtmStateMachine.Restored decode(DataInput in, CoreLimits limits) throws IOException {
        SnapshotFrame.Checked frame = SnapshotFrame.read(in, MAGIC, VERSION_XMIN_AT_FIRST_SNAPSHOT, VERSION,
                "an mgtm state snapshot", "state snapshot");
        byte[] body = frame.body();
        int version = frame.version();
        try {
            DataInputStream b = new DataInputStream(new ByteArrayInputStream(body));
            GtmStateMachine.Restored restored = decodeBody(b, limits, version);
            if (b.available() != 0) {
                throw new IOException(b.available() + " unexpected bytes at the end of the body");
            }
            return restored;
        } catch (EOFException e) {
            throw new IOException("corrupt state snapshot: body ends early", e);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IOException("corrupt state snapshot: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IOException("corrupt state snapshot: " + e.getMessage(), e);
        }
    }



    private static GtmStateMachine.Restored decodeBody(DataInputStream in, CoreLimits limits, int version)
            throws IOException {
        GtmStateMachine m = new GtmStateMachine(limits);
        long appliedIndex = in.readLong();
        m.transactions.nextGxid = in.readInt();
        if (!Gxids.isNormal(m.transactions.nextGxid)) {
            throw new IOException("next GXID " + Gxids.toString(m.transactions.nextGxid) + " is not normal");
        }
        m.transactions.latestCompleted = in.readInt();
        int lastHandle = in.readInt();
        int txnCount = in.readInt();
        if (txnCount < 0 || txnCount > limits.maxTransactions()) {
            throw new IOException(txnCount + " transactions, the limit is " + limits.maxTransactions());
        }
        for (int i = 0; i < txnCount; i++) {
            int handle = in.readInt();
            int gxid = in.readInt();
            int state = in.readByte();
            int isolation = in.readInt();
            boolean readOnly = in.readBoolean();
            long owner = in.readLong();
            int backend = in.readInt();
            boolean vacuum = in.readBoolean();
            int xmin = in.readInt();
            int nodeCount = in.readInt();
            if (nodeCount < -1 || (long) nodeCount * 4 > in.available()) {
                throw new IOException("bad node count " + nodeCount);
            }
            int[] nodes = null;
            if (nodeCount >= 0) {
                nodes = new int[nodeCount];
                for (int n = 0; n < nodeCount; n++) {
                    nodes[n] = in.readInt();
                }
            }
            m.transactions.txns.restore(handle, gxid, state, owner, backend, isolation, readOnly, vacuum, xmin, nodes);
        }
        m.transactions.txns.restoreLastHandle(lastHandle);
        int withoutXmin = m.transactions.giveMissingXmins();
        if (withoutXmin > 0 && version != VERSION_XMIN_AT_FIRST_SNAPSHOT) {
            throw new IOException(withoutXmin + " open transaction(s) without xmin");
        }
        int seqCount = ResponseCodec.readCount(in, SEQUENCE_MIN_BYTES);
        SequenceKey previous = null;
        for (int i = 0; i < seqCount; i++) {
            SequenceKey key = ResponseCodec.readKey(in);
            if (previous != null && previous.compareTo(key) >= 0) {
                throw new IOException("sequence keys out of order");
            }
            previous = key;
            m.sequences.restore(new Sequence(key, in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                    in.readLong(), in.readBoolean(), in.readBoolean()));
        }
        int sessionCount = ResponseCodec.readCount(in, SESSION_MIN_BYTES);
        long previousId = 0;
        for (int i = 0; i < sessionCount; i++) {
            long id = in.readLong();
            if (i > 0 && id <= previousId) {
                throw new IOException("sessions out of order");
            }
            previousId = id;
            SessionTable.Session s = m.sessions.restore(id, in.readLong());
            int replies = ResponseCodec.readCount(in, REPLY_MIN_BYTES);
            for (int r = 0; r < replies; r++) {
                long no = in.readLong();
                Response reply = ResponseCodec.read(in);
                SessionTable.restoreReply(s, no, reply, limits.maxRepliesPerSession());
            }
        }
        m.sequences.restoreChanges(in.readLong());
        m.transactions.preparedChanges = in.readLong();
        if (version > VERSION_XMIN_AT_BEGIN) {
            m.transactions.subcluster = SubclusterSnapshot.read(in, m.transactions);
        }
        return new GtmStateMachine.Restored(m, appliedIndex);
    }
}
