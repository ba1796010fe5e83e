package org.mgtm.protocol.internal;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** Writing side of the framing: BE32 length (kind + payload), U8 kind, payload. */
final class Frames {

    private Frames() {
    }

    /** Writes a placeholder length and the kind; returns where the frame starts. */
    static int begin(ByteBuf out, int kind) {
        int start = out.writerIndex();
        out.writeInt(0);
        out.writeByte(kind);
        return start;
    }

    /**
     * Fills in the length word. A frame over the limit is taken back out of {@code out} and refused
     * here, so the sender fails with a reason instead of the peer closing without one.
     */
    static void end(ByteBuf out, int start, int maxFrameLength) {
        int len = out.writerIndex() - start - Kinds.LENGTH_SIZE;
        if (len > maxFrameLength) {
            int kind = out.getUnsignedByte(start + Kinds.LENGTH_SIZE);
            out.writerIndex(start);
            throw new IllegalArgumentException(Kinds.name(kind) + " frame of " + len
                    + " bytes exceeds the maximum of " + maxFrameLength);
        }
        out.setInt(start, len);
    }

    static void bytes16(ByteBuf out, byte[] b) {
        out.writeShort(b.length);
        out.writeBytes(b);
    }

    /** Callers pass strings their record already checked for length. */
    static void str16(ByteBuf out, String s) {
        bytes16(out, s.getBytes(StandardCharsets.UTF_8));
    }
}
