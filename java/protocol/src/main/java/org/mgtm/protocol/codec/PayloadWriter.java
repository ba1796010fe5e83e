package org.mgtm.protocol.codec;

import io.netty.buffer.ByteBuf;
import org.mgtm.protocol.SequenceKey;
import org.mgtm.protocol.Snapshot;
import org.mgtm.protocol.TxnRef;
import org.mgtm.protocol.WireFormat;

/** The writing twin of {@link PayloadReader}: H fields in host order, BE fields big-endian. */
final class PayloadWriter {
    private final ByteBuf buf;
    private final boolean le;

    PayloadWriter(ByteBuf out, WireFormat fmt) {
        this.buf = out;
        this.le = fmt.littleEndian();
    }

    ByteBuf buf() {
        return buf;
    }

    PayloadWriter u8(int v) {
        buf.writeByte(v);
        return this;
    }

    /** Real senders write C true as 1. */
    PayloadWriter bool(boolean v) {
        buf.writeByte(v ? 1 : 0);
        return this;
    }

    PayloadWriter be16(int v) {
        buf.writeShort(v);
        return this;
    }

    PayloadWriter be32(int v) {
        buf.writeInt(v);
        return this;
    }

    PayloadWriter h16(int v) {
        if (le) {
            buf.writeShortLE(v);
        } else {
            buf.writeShort(v);
        }
        return this;
    }

    PayloadWriter h32(int v) {
        if (le) {
            buf.writeIntLE(v);
        } else {
            buf.writeInt(v);
        }
        return this;
    }

    PayloadWriter h64(long v) {
        if (le) {
            buf.writeLongLE(v);
        } else {
            buf.writeLong(v);
        }
        return this;
    }

    PayloadWriter txnRef(TxnRef ref) {
        return bool(ref.isGxid()).h32(ref.id());
    }

    PayloadWriter key(SequenceKey key) {
        byte[] b = key.unsafeBytes();
        buf.writeInt(b.length);
        buf.writeBytes(b);
        return this;
    }

    PayloadWriter snapshot(Snapshot s) {
        h32(s.xmin()).h32(s.xmax()).h32(s.recentGlobalXmin()).be32(s.xcnt());
        for (int i = 0; i < s.xcnt(); i++) {
            h32(s.xipAt(i));
        }
        return this;
    }
}
