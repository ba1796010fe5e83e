package org.mgtm.check.pcap;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the packet records of a capture file: classic libpcap (either byte order, microsecond or
 * nanosecond time stamps), as {@code tcpdump -w} and {@code dumpcap -F pcap} write it, and pcapng
 * (section header, interface description, enhanced, simple and obsolete packet blocks; other
 * blocks are skipped). No pure-Java library on Maven Central covers this and is kept up
 * (docs/decisions/0006-pcap-reader.md), and the formats are small.
 *
 * <p>A file that ends inside a record (a capture killed while writing) is read up to the last whole
 * record and {@link #truncatedAtEnd()} tells; anything else that breaks the structure throws
 * {@link CaptureFormatException}.
 */
public final class CaptureReader {
    /** Receives each packet record in file order. */
    public interface FrameSink {
        /**
         * @param timeNanos capture time, nanoseconds since the epoch
         * @param linkType  the LINKTYPE_ value of the packet's interface
         * @param data      the captured bytes (possibly fewer than were on the wire)
         * @param wireLength the packet's length on the wire
         */
        void frame(long timeNanos, int linkType, byte[] data, int wireLength);
    }

    private static final int PCAP_MICROS = 0xa1b2c3d4;
    private static final int PCAP_NANOS = 0xa1b23c4d;
    private static final int PCAPNG_SECTION = 0x0A0D0D0A;
    private static final int PCAPNG_BYTE_ORDER = 0x1A2B3C4D;
    /** Larger records than this are taken as corruption, not as packets (pcap's own limit is 256 KiB). */
    private static final int MAX_RECORD = 16 << 20;

    private final Path file;
    private boolean truncatedAtEnd;
    private long frames;
    /** Time stamp of the last pcapng packet that had one (simple packet blocks have none). */
    private long lastTime;

    public CaptureReader(Path file) {
        this.file = file;
    }

    /** Whether the file ended inside a record (its rest was ignored). */
    public boolean truncatedAtEnd() {
        return truncatedAtEnd;
    }

    public long frames() {
        return frames;
    }

    /** Calls the sink for every packet record, in file order. */
    public void read(FrameSink sink) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            byte[] head = new byte[4];
            if (in.readNBytes(head, 0, 4) < 4) {
                throw new CaptureFormatException("not a capture: it has fewer than 4 bytes");
            }
            int be = ByteBuffer.wrap(head).order(ByteOrder.BIG_ENDIAN).getInt();
            int le = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getInt();
            if (be == PCAPNG_SECTION) {
                readPcapng(in, sink);
            } else if (be == PCAP_MICROS || be == PCAP_NANOS) {
                readPcap(in, ByteOrder.BIG_ENDIAN, be == PCAP_NANOS, sink);
            } else if (le == PCAP_MICROS || le == PCAP_NANOS) {
                readPcap(in, ByteOrder.LITTLE_ENDIAN, le == PCAP_NANOS, sink);
            } else {
                throw new CaptureFormatException("not a pcap or pcapng capture (it starts with "
                        + String.format("%08x", be) + ")");
            }
        }
    }

    private void readPcap(InputStream in, ByteOrder order, boolean nanos, FrameSink sink) throws IOException {
        ByteBuffer header = read(in, 20, order);
        if (header == null) {
            throw new CaptureFormatException("the pcap file header is cut short");
        }
        int major = Short.toUnsignedInt(header.getShort(0));
        if (major != 2) {
            throw new CaptureFormatException("pcap version " + major + " is not supported (only 2.x)");
        }
        int snapLength = header.getInt(12);
        int linkType = header.getInt(16) & 0xFFFF; // the upper bits may carry FCS information
        while (true) {
            ByteBuffer rec = read(in, 16, order);
            if (rec == null) {
                return;
            }
            long seconds = Integer.toUnsignedLong(rec.getInt(0));
            long fraction = Integer.toUnsignedLong(rec.getInt(4));
            int captured = rec.getInt(8);
            int wire = rec.getInt(12);
            if (captured < 0 || captured > MAX_RECORD || (snapLength > 0 && captured > Math.max(snapLength, 262144))) {
                throw new CaptureFormatException("packet record " + (frames + 1) + " claims "
                        + Integer.toUnsignedString(captured) + " captured bytes (snap length " + snapLength + ")");
            }
            if (!nanos && fraction >= 1_000_000 || nanos && fraction >= 1_000_000_000) {
                throw new CaptureFormatException("packet record " + (frames + 1)
                        + " has a time stamp fraction out of range: " + fraction);
            }
            byte[] data = bytes(in, captured);
            if (data == null) {
                return;
            }
            frames++;
            sink.frame(seconds * 1_000_000_000L + (nanos ? fraction : fraction * 1000), linkType, data, wire);
        }
    }

    private void readPcapng(InputStream in, FrameSink sink) throws IOException {
        ByteOrder order = null;
        List<int[]> interfaces = new ArrayList<>(); // {linkType, exponent, base2 ? 1 : 0}
        boolean first = true;
        while (true) {
            byte[] typeBytes = first ? ByteBuffer.allocate(4).putInt(PCAPNG_SECTION).array() : bytes(in, 4);
            first = false;
            if (typeBytes == null) {
                return;
            }
            int type = ByteBuffer.wrap(typeBytes).order(order == null ? ByteOrder.BIG_ENDIAN : order).getInt();
            if (type == PCAPNG_SECTION) {
                // The section header's own length can only be read once its byte-order magic is known.
                byte[] lengthAndMagic = bytes(in, 8);
                if (lengthAndMagic == null) {
                    throw new CaptureFormatException("pcapng section header cut short");
                }
                ByteBuffer lm = ByteBuffer.wrap(lengthAndMagic);
                order = lm.order(ByteOrder.BIG_ENDIAN).getInt(4) == PCAPNG_BYTE_ORDER ? ByteOrder.BIG_ENDIAN
                        : lm.order(ByteOrder.LITTLE_ENDIAN).getInt(4) == PCAPNG_BYTE_ORDER ? ByteOrder.LITTLE_ENDIAN
                        : null;
                if (order == null) {
                    throw new CaptureFormatException("pcapng section header without its byte-order magic");
                }
                int length = blockLength(lm.order(order).getInt(0));
                byte[] rest = bytes(in, length - 12);
                if (rest == null) {
                    return;
                }
                interfaces.clear();
                continue;
            }
            if (order == null) {
                throw new CaptureFormatException("pcapng block before the section header");
            }
            byte[] lengthBytes = bytes(in, 4);
            if (lengthBytes == null) {
                return;
            }
            int length = blockLength(ByteBuffer.wrap(lengthBytes).order(order).getInt());
            byte[] body = bytes(in, length - 8);
            if (body == null) {
                return;
            }
            ByteBuffer b = ByteBuffer.wrap(body).order(order);
            if (type == 1) {
                interfaces.add(interfaceDescription(b));
            } else if (type == 6 || type == 2) {
                enhancedPacket(b, type == 2, interfaces, sink);
            } else if (type == 3) {
                int[] itf = iface(interfaces, 0);
                int wire = b.getInt(0);
                int captured = Math.min(wire, body.length - 8);
                byte[] data = new byte[Math.max(0, captured)];
                b.get(4, data);
                frames++;
                sink.frame(lastTime, itf[0], data, wire); // simple packet blocks carry no time stamp
            }
        }
    }

    private int blockLength(int length) throws CaptureFormatException {
        if (length < 12 || length % 4 != 0 || length > MAX_RECORD) {
            throw new CaptureFormatException("pcapng block of impossible length " + length);
        }
        return length;
    }

    /** Link type and time stamp resolution (option if_tsresol, default microseconds). */
    private static int[] interfaceDescription(ByteBuffer b) {
        int linkType = Short.toUnsignedInt(b.getShort(0));
        int exponent = 6;
        int base2 = 0;
        int pos = 8;
        int end = b.capacity() - 4;
        while (pos + 4 <= end) {
            int code = Short.toUnsignedInt(b.getShort(pos));
            int len = Short.toUnsignedInt(b.getShort(pos + 2));
            if (code == 0) {
                break;
            }
            if (code == 9 && len >= 1 && pos + 4 < end) {
                int v = b.get(pos + 4) & 0xFF;
                base2 = (v & 0x80) != 0 ? 1 : 0;
                exponent = v & 0x7F;
            }
            pos += 4 + ((len + 3) & ~3);
        }
        return new int[]{linkType, exponent, base2};
    }

    private void enhancedPacket(ByteBuffer b, boolean obsolete, List<int[]> interfaces, FrameSink sink)
            throws CaptureFormatException {
        int itfIndex = obsolete ? Short.toUnsignedInt(b.getShort(0)) : b.getInt(0);
        int[] itf = iface(interfaces, itfIndex);
        long ticks = (Integer.toUnsignedLong(b.getInt(4)) << 32) | Integer.toUnsignedLong(b.getInt(8));
        int captured = b.getInt(12);
        int wire = b.getInt(16);
        if (captured < 0 || 20 + captured > b.capacity() - 4) {
            throw new CaptureFormatException("pcapng packet block " + (frames + 1) + " claims "
                    + Integer.toUnsignedString(captured) + " captured bytes in a block of " + (b.capacity() + 8));
        }
        byte[] data = new byte[captured];
        b.get(20, data);
        frames++;
        lastTime = toNanos(ticks, itf[1], itf[2] == 1);
        sink.frame(lastTime, itf[0], data, wire);
    }

    private int[] iface(List<int[]> interfaces, int index) throws CaptureFormatException {
        if (index < 0 || index >= interfaces.size()) {
            throw new CaptureFormatException("pcapng packet of undescribed interface " + index);
        }
        return interfaces.get(index);
    }

    static long toNanos(long ticks, int exponent, boolean base2) {
        if (base2) {
            long whole = ticks >>> exponent;
            long frac = ticks & ((1L << exponent) - 1);
            return whole * 1_000_000_000L + (long) (frac * 1e9 / (1L << exponent));
        }
        if (exponent <= 9) {
            return ticks * pow10(9 - exponent);
        }
        return ticks / pow10(exponent - 9);
    }

    private static long pow10(int n) {
        long v = 1;
        for (int i = 0; i < n; i++) {
            v *= 10;
        }
        return v;
    }

    /** n bytes, or null (and the truncation noted) if the file ends first; a clean end before any byte is null too. */
    private byte[] bytes(InputStream in, int n) throws IOException {
        byte[] out = new byte[n];
        int got = in.readNBytes(out, 0, n);
        if (got == n) {
            return out;
        }
        if (got > 0) {
            truncatedAtEnd = true;
        }
        return null;
    }

    private ByteBuffer read(InputStream in, int n, ByteOrder order) throws IOException {
        byte[] b = bytes(in, n);
        return b == null ? null : ByteBuffer.wrap(b).order(order);
    }
}
