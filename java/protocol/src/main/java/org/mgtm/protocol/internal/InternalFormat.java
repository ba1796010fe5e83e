package org.mgtm.protocol.internal;

import org.mgtm.protocol.WireFormat;

/**
 * Settings of the internal protocol codecs: the XC format whose host order the nested XC bodies use
 * (its own frame limit does not apply here), and the largest internal frame accepted or sent, so a
 * bogus length word cannot make a peer buffer gigabytes.
 *
 * @param xc             byte order of the XC bodies inside XC_REQUEST and XC_REPLY
 * @param maxFrameLength largest value of the length word (kind byte plus payload)
 */
public record InternalFormat(WireFormat xc, int maxFrameLength) {

    /** The protocol version this code speaks; the only one it accepts. */
    public static final int VERSION = 1;

    /** "MGTM": first word of every HELLO, so a peer speaking another protocol is told apart at once. */
    public static final int MAGIC = 0x4D47544D;

    /**
     * 1 MiB: a 4096-entry MULTI request is 28 KiB and a 4096-GXID snapshot 16 KiB; the rest is room
     * for STATUS documents of large groups.
     */
    public static final int DEFAULT_MAX_FRAME_LENGTH = 1 << 20;

    /** Below this a HELLO with a long token or a NOT_LEADER with a long address might not fit. */
    public static final int MIN_MAX_FRAME_LENGTH = 4096;

    public static final InternalFormat DEFAULT = new InternalFormat(WireFormat.DEFAULT, DEFAULT_MAX_FRAME_LENGTH);

    public InternalFormat {
        if (xc == null) {
            throw new IllegalArgumentException("xc format is required");
        }
        if (maxFrameLength < MIN_MAX_FRAME_LENGTH) {
            throw new IllegalArgumentException("maxFrameLength must be at least " + MIN_MAX_FRAME_LENGTH + ", got "
                    + maxFrameLength);
        }
    }

    /** The default frame limit with the given XC format. */
    public static InternalFormat of(WireFormat xc) {
        return new InternalFormat(xc, DEFAULT_MAX_FRAME_LENGTH);
    }
}
