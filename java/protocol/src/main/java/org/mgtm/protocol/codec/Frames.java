package org.mgtm.protocol.codec;

import io.netty.buffer.ByteBuf;
import org.mgtm.protocol.WireFormat;

/** Frame-level constants and helpers shared by the four codecs (docs/protocol-notes.md, "Framing"). */
final class Frames {
    static final byte STARTUP = 'A';
    static final byte COMMAND = 'C';
    static final byte FLUSH = 'F';
    static final byte TERMINATE = 'X';
    static final byte STARTUP_ACK = 'R';
    static final byte SUCCESS = 'S';
    static final byte ERROR = 'E';

    /** Type byte plus BE32 length word. */
    static final int HEADER = 5;
    /** The length word counts itself. */
    static final int LENGTH_SIZE = 4;
    static final int STARTUP_BODY = 8;
    static final int PROXY_HEADER = 2;
    static final int MSGTYPE_SIZE = 4;
    /** Filler written for the startup packet's struct padding; real XC clients leave ff ff ff there. */
    static final int STARTUP_PAD_BYTE = 0xff;
    static final int STARTUP_PAD = 3;

    private Frames() {
    }

    /**
     * Checks the length word of the frame starting at the reader index, as soon as it is readable, so
     * an absurd length is refused before its body is buffered. Returns the body length.
     */
    static int bodyLength(ByteBuf in, WireFormat fmt) {
        int start = in.readerIndex();
        int len = in.getInt(start + 1);
        if (len < LENGTH_SIZE) {
            throw new XcProtocolException("invalid length " + len + " in frame '" + printable(in.getByte(start))
                    + "' (less than 4)");
        }
        if (len > fmt.maxFrameLength()) {
            throw new XcProtocolException("frame '" + printable(in.getByte(start)) + "' length " + len
                    + " exceeds the maximum of " + fmt.maxFrameLength());
        }
        return len - LENGTH_SIZE;
    }

    static String printable(byte b) {
        int v = b & 0xff;
        return v >= 0x20 && v < 0x7f ? String.valueOf((char) v) : String.format("0x%02x", v);
    }

    /** Writes the type byte and a placeholder length; returns where the frame starts. */
    static int begin(ByteBuf out, byte type) {
        int start = out.writerIndex();
        out.writeByte(type);
        out.writeInt(0);
        return start;
    }

    static void end(ByteBuf out, int start) {
        out.setInt(start + 1, out.writerIndex() - start - 1);
    }

    static boolean isShort(int conid) {
        return conid >= Short.MIN_VALUE && conid <= Short.MAX_VALUE;
    }
}
