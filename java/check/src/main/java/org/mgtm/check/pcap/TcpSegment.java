package org.mgtm.check.pcap;

/**
 * One captured IPv4 TCP segment: addresses, ports, sequence and acknowledgement numbers, flags and
 * payload. Addresses are IPv4 addresses in an int (network order); numbers are the raw 32-bit values.
 *
 * @param truncated the capture kept fewer payload bytes than the segment carried (snap length):
 *                  {@code payload} is then incomplete and must not be used as stream data
 */
public record TcpSegment(long timeNanos, int srcAddr, int srcPort, int dstAddr, int dstPort, int seq, int ack,
                         int flags, byte[] payload, boolean truncated) {
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int ACK = 0x10;

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    public static String address(int addr) {
        return (addr >>> 24) + "." + ((addr >>> 16) & 0xFF) + "." + ((addr >>> 8) & 0xFF) + "." + (addr & 0xFF);
    }

    /** Parses a dotted IPv4 address (no name look-up: captures are audited offline). */
    public static int parseAddress(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + text);
        }
        int addr = 0;
        for (String p : parts) {
            int v;
            try {
                v = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
            if (v < 0 || v > 255 || p.isEmpty() || p.length() > 3) {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
            addr = addr << 8 | v;
        }
        return addr;
    }
}
