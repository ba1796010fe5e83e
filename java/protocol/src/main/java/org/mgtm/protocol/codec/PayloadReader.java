package org.mgtm.protocol.codec;

import io.netty.buffer.ByteBuf;
import org.mgtm.protocol.SequenceKey;
import org.mgtm.protocol.Snapshot;
import org.mgtm.protocol.TxnRef;
import org.mgtm.protocol.WireFormat;

/**
 * Reads the fields of one frame body. "H" fields are raw C memory of the sender, so their byte order
 * is the configured host order; "BE" fields went through the pq_send helpers and are always
 * big-endian. Every read is bounds-checked so that a short body becomes a {@link PayloadException}
 * instead of an IndexOutOfBoundsException.
 */
final class PayloadReader {
    private final ByteBuf buf;
    private final boolean le;

    PayloadReader(ByteBuf body, WireFormat fmt) {
        this.buf = body;
        this.le = fmt.littleEndian();
    }

    int remaining() {
        return buf.readableBytes();
    }

    private void need(int n) {
        if (buf.readableBytes() < n) {
            throw new PayloadException(PayloadException.INSUFFICIENT_DATA);
        }
    }

    int u8() {
        need(1);
        return buf.readUnsignedByte();
    }

    /** C bool: any non-zero byte is true, as the GTM reads it. */
    boolean bool() {
        return u8() != 0;
    }

    short be16() {
        need(2);
        return buf.readShort();
    }

    int be32() {
        need(4);
        return buf.readInt();
    }

    short h16() {
        need(2);
        return le ? buf.readShortLE() : buf.readShort();
    }

    int h32() {
        need(4);
        return le ? buf.readIntLE() : buf.readInt();
    }

    long h64() {
        need(8);
        return le ? buf.readLongLE() : buf.readLong();
    }

    byte[] bytes(int n) {
        need(n);
        byte[] b = new byte[n];
        buf.readBytes(b);
        return b;
    }

    /** {@code U8 isgxid} followed by {@code H32} GXID or handle. */
    TxnRef txnRef() {
        boolean isGxid = bool();
        return new TxnRef(isGxid, h32());
    }

    /** {@code BE32 keylen} + key bytes; the length is checked before anything is allocated. */
    SequenceKey key() {
        int len = be32();
        if (len < 0 || len > SequenceKey.MAX_LENGTH) {
            throw new PayloadException("invalid sequence key length " + len);
        }
        return SequenceKey.of(bytes(len));
    }

    /**
     * A count of 4-byte items that must all be present; checked against the bytes left so that a
     * huge count cannot make us allocate before failing.
     */
    int itemCount(int count, int itemSize, String what) {
        if (count < 0) {
            throw new PayloadException("invalid " + what + " " + count);
        }
        if ((long) count * itemSize > buf.readableBytes()) {
            throw new PayloadException(PayloadException.INSUFFICIENT_DATA);
        }
        return count;
    }

    /** xmin, xmax, recent_global_xmin (H32), xcnt (BE32), xip (H32 each). */
    Snapshot snapshot() {
        int xmin = h32();
        int xmax = h32();
        int rgxmin = h32();
        int xcnt = itemCount(be32(), 4, "snapshot xcnt");
        int[] xip = new int[xcnt];
        for (int i = 0; i < xcnt; i++) {
            xip[i] = h32();
        }
        return new Snapshot(xmin, xmax, rgxmin, xip);
    }

    /** For strict messages: trailing bytes are an error, as in the GTM's pq_getmsgend. */
    void end() {
        if (buf.isReadable()) {
            throw new PayloadException(PayloadException.INVALID_FORMAT);
        }
    }

    /** The next NUL-terminated string; a missing terminator inside the frame is an error. */
    byte[] cstring() {
        int nul = buf.indexOf(buf.readerIndex(), buf.writerIndex(), (byte) 0);
        if (nul < 0) {
            throw new PayloadException("unterminated string");
        }
        byte[] b = bytes(nul - buf.readerIndex());
        buf.skipBytes(1);
        return b;
    }
}
