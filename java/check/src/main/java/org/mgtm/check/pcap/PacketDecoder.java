package org.mgtm.check.pcap;

import java.nio.ByteBuffer;

/**
 * From a captured frame to its IPv4 TCP segment: the link layers a Linux capture of GTM traffic
 * produces (Ethernet, also on {@code lo} where the MACs are zero; Linux cooked SLL and SLL2 from
 * {@code -i any}; raw IPv4; BSD loopback DLT_NULL/DLT_LOOP), then IPv4 and TCP headers. Anything
 * else (IPv6, ARP, UDP, IP fragments) gives null and is counted by the caller.
 */
public final class PacketDecoder {
    public static final int LINKTYPE_NULL = 0;
    public static final int LINKTYPE_ETHERNET = 1;
    public static final int LINKTYPE_RAW = 101;
    public static final int LINKTYPE_LOOP = 108;
    public static final int LINKTYPE_LINUX_SLL = 113;
    public static final int LINKTYPE_IPV4 = 228;
    public static final int LINKTYPE_LINUX_SLL2 = 276;

    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_VLAN = 0x8100;
    private static final int ETHERTYPE_QINQ = 0x88A8;
    private static final int AF_INET = 2;
    private static final int TCP = 6;

    /** Why a frame gave no segment, for the statistics. */
    public enum Skip { NOT_IPV4, NOT_TCP, FRAGMENT, MALFORMED, UNKNOWN_LINK_TYPE }

    private Skip lastSkip;

    public Skip lastSkip() {
        return lastSkip;
    }

    public static boolean supported(int linkType) {
        return switch (linkType) {
            case LINKTYPE_NULL, LINKTYPE_ETHERNET, LINKTYPE_RAW, LINKTYPE_LOOP, LINKTYPE_LINUX_SLL, LINKTYPE_IPV4,
                 LINKTYPE_LINUX_SLL2 -> true;
            default -> false;
        };
    }

    /** The TCP segment in this frame, or null ({@link #lastSkip()} says why). */
    public TcpSegment decode(long timeNanos, int linkType, byte[] frame) {
        lastSkip = null;
        ByteBuffer b = ByteBuffer.wrap(frame); // big-endian: network order
        int ip = ipOffset(linkType, b);
        if (ip < 0) {
            return null;
        }
        return ipv4(timeNanos, b, ip);
    }

    private int ipOffset(int linkType, ByteBuffer b) {
        int n = b.capacity();
        switch (linkType) {
            case LINKTYPE_ETHERNET -> {
                int pos = 12;
                while (pos + 2 <= n) {
                    int type = Short.toUnsignedInt(b.getShort(pos));
                    if (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ) {
                        pos += 4;
                        continue;
                    }
                    return type == ETHERTYPE_IPV4 ? pos + 2 : skip(Skip.NOT_IPV4);
                }
                return skip(Skip.MALFORMED);
            }
            case LINKTYPE_LINUX_SLL -> {
                return n < 16 ? skip(Skip.MALFORMED)
                        : Short.toUnsignedInt(b.getShort(14)) == ETHERTYPE_IPV4 ? 16 : skip(Skip.NOT_IPV4);
            }
            case LINKTYPE_LINUX_SLL2 -> {
                return n < 20 ? skip(Skip.MALFORMED)
                        : Short.toUnsignedInt(b.getShort(0)) == ETHERTYPE_IPV4 ? 20 : skip(Skip.NOT_IPV4);
            }
            case LINKTYPE_RAW, LINKTYPE_IPV4 -> {
                return n < 1 ? skip(Skip.MALFORMED) : (b.get(0) >> 4) == 4 ? 0 : skip(Skip.NOT_IPV4);
            }
            case LINKTYPE_NULL, LINKTYPE_LOOP -> {
                if (n < 4) {
                    return skip(Skip.MALFORMED);
                }
                // DLT_NULL writes the family in the capturing host's byte order, DLT_LOOP in network order.
                int big = b.getInt(0);
                int little = Integer.reverseBytes(big);
                return big == AF_INET || little == AF_INET ? 4 : skip(Skip.NOT_IPV4);
            }
            default -> {
                return skip(Skip.UNKNOWN_LINK_TYPE);
            }
        }
    }

    private TcpSegment ipv4(long timeNanos, ByteBuffer b, int ip) {
        int n = b.capacity();
        if (ip + 20 > n) {
            return nullBecause(Skip.MALFORMED);
        }
        int versionIhl = b.get(ip) & 0xFF;
        if (versionIhl >> 4 != 4) {
            return nullBecause(Skip.NOT_IPV4);
        }
        int ihl = (versionIhl & 0x0F) * 4;
        int total = Short.toUnsignedInt(b.getShort(ip + 2));
        int fragment = Short.toUnsignedInt(b.getShort(ip + 6));
        if (ihl < 20 || total < ihl) {
            return nullBecause(Skip.MALFORMED);
        }
        if ((b.get(ip + 9) & 0xFF) != TCP) {
            return nullBecause(Skip.NOT_TCP);
        }
        if ((fragment & 0x3FFF) != 0) {
            // More-fragments set or a non-zero offset: GTM messages are small, loopback never fragments.
            return nullBecause(Skip.FRAGMENT);
        }
        int src = b.getInt(ip + 12);
        int dst = b.getInt(ip + 16);
        int tcp = ip + ihl;
        if (tcp + 20 > n) {
            return nullBecause(Skip.MALFORMED);
        }
        int dataOffset = ((b.get(tcp + 12) & 0xFF) >> 4) * 4;
        if (dataOffset < 20 || ihl + dataOffset > total) {
            return nullBecause(Skip.MALFORMED);
        }
        int payloadStart = tcp + dataOffset;
        // The IP total length excludes Ethernet padding; the capture may hold less (snap length).
        int payloadEnd = ip + total;
        boolean truncated = payloadEnd > n;
        int available = Math.max(0, Math.min(payloadEnd, n) - payloadStart);
        byte[] payload = new byte[truncated ? 0 : available];
        if (!truncated) {
            b.get(payloadStart, payload);
        }
        return new TcpSegment(timeNanos, src, Short.toUnsignedInt(b.getShort(tcp)), dst,
                Short.toUnsignedInt(b.getShort(tcp + 2)), b.getInt(tcp + 4), b.getInt(tcp + 8),
                b.get(tcp + 13) & 0xFF, payload, truncated && payloadEnd > payloadStart);
    }

    private int skip(Skip why) {
        lastSkip = why;
        return -1;
    }

    private TcpSegment nullBecause(Skip why) {
        lastSkip = why;
        return null;
    }
}
