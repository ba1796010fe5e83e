package org.mgtm.check.pcap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes small capture files for tests, in the layouts the reader must accept: classic libpcap
 * little-endian with microseconds (what tcpdump writes on x86), big-endian with nanoseconds, and
 * pcapng with one interface (nanosecond resolution).
 */
final class PcapWriter {
    enum Format { PCAP_LE_MICROS, PCAP_BE_NANOS, PCAPNG }

    private final Format format;
    private final int linkType;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PcapWriter(Format format, int linkType) {
        this.format = format;
        this.linkType = linkType;
        switch (format) {
            case PCAP_LE_MICROS -> out.writeBytes(fileHeader(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4));
            case PCAP_BE_NANOS -> out.writeBytes(fileHeader(ByteOrder.BIG_ENDIAN, 0xa1b23c4d));
            case PCAPNG -> {
                out.writeBytes(block(0x0A0D0D0A, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                        .putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1).array()));
                // Interface description with option if_tsresol = 9 (nanoseconds), then opt_endofopt.
                out.writeBytes(block(1, ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN)
                        .putShort((short) linkType).putShort((short) 0).putInt(262144)
                        .putShort((short) 9).putShort((short) 1).put((byte) 9).put(new byte[3])
                        .putInt(0).array()));
            }
            default -> throw new IllegalStateException();
        }
    }

    int linkType() {
        return linkType;
    }

    private byte[] fileHeader(ByteOrder order, int magic) {
        return ByteBuffer.allocate(24).order(order).putInt(magic).putShort((short) 2).putShort((short) 4)
                .putInt(0).putInt(0).putInt(262144).putInt(linkType).array();
    }

    private static byte[] block(int type, byte[] body) {
        int padded = (body.length + 3) & ~3;
        return ByteBuffer.allocate(12 + padded).order(ByteOrder.LITTLE_ENDIAN).putInt(type).putInt(12 + padded)
                .put(body).put(new byte[padded - body.length]).putInt(12 + padded).array();
    }

    /** One packet record with the frame's bytes, captured at {@code timeNanos} (since the epoch). */
    void packet(long timeNanos, byte[] frame) {
        switch (format) {
            case PCAP_LE_MICROS -> out.writeBytes(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                    .putInt((int) (timeNanos / 1_000_000_000L)).putInt((int) (timeNanos % 1_000_000_000L / 1000))
                    .putInt(frame.length).putInt(frame.length).array());
            case PCAP_BE_NANOS -> out.writeBytes(ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN)
                    .putInt((int) (timeNanos / 1_000_000_000L)).putInt((int) (timeNanos % 1_000_000_000L))
                    .putInt(frame.length).putInt(frame.length).array());
            case PCAPNG -> {
                byte[] body = ByteBuffer.allocate(20 + frame.length).order(ByteOrder.LITTLE_ENDIAN).putInt(0)
                        .putInt((int) (timeNanos >>> 32)).putInt((int) timeNanos).putInt(frame.length)
                        .putInt(frame.length).put(frame).array();
                out.writeBytes(block(6, body));
                return;
            }
            default -> throw new IllegalStateException();
        }
        out.writeBytes(frame);
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    Path write(Path file) throws IOException {
        Files.write(file, bytes());
        return file;
    }
}
