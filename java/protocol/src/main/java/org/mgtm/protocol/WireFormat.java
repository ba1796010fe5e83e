package org.mgtm.protocol;

import java.nio.ByteOrder;

/**
 * Settings shared by every XC codec: the byte order of "host order" fields (raw C memory on the
 * sender: little-endian on every x86 node, the default) and the largest frame accepted, so a bogus
 * length word cannot make a peer buffer gigabytes.
 */
public record WireFormat(ByteOrder hostOrder, int maxFrameLength) {
    /** 64 KiB holds the largest legal request (a 4096-entry MULTI is 28 KiB) with room to spare. */
    public static final int DEFAULT_MAX_FRAME_LENGTH = 64 * 1024;

    /** The most entries a MULTI request may carry: the XC GTM's transaction slot count. */
    public static final int MAX_MULTI_COUNT = 4096;

    public static final WireFormat DEFAULT = new WireFormat(ByteOrder.LITTLE_ENDIAN, DEFAULT_MAX_FRAME_LENGTH);

    public WireFormat {
        if (hostOrder == null) {
            throw new IllegalArgumentException("hostOrder is required");
        }
        if (maxFrameLength < 64) {
            throw new IllegalArgumentException("maxFrameLength must be at least 64, got " + maxFrameLength);
        }
    }

    /** The byte order named by a setting: "little" (x86 nodes) or "big". */
    public static ByteOrder parseHostOrder(String name) {
        return switch (name) {
            case "little" -> ByteOrder.LITTLE_ENDIAN;
            case "big" -> ByteOrder.BIG_ENDIAN;
            default -> throw new IllegalArgumentException("host order must be little or big, got '" + name + "'");
        };
    }

    public boolean littleEndian() {
        return hostOrder == ByteOrder.LITTLE_ENDIAN;
    }
}
