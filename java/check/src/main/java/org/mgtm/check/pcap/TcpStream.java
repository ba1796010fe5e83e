package org.mgtm.check.pcap;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One direction of a TCP connection, reassembled in sequence order: retransmitted bytes are
 * dropped (the first copy wins), segments that arrive early wait until the gap before them is
 * filled. Each byte is stamped with the time it became readable in order: the capture time of the
 * packet that completed the contiguous stream up to it. So a message's time is when its receiver
 * could first have read all of it.
 */
public final class TcpStream {
    /** Bytes {@code [previous end, end)} became readable at {@code timeNanos}. */
    public record Chunk(int end, long timeNanos) {
    }

    private boolean started;
    /** Sequence number of stream byte 0 (the SYN's sequence number plus one). */
    private int base;
    private long next;
    private final TreeMap<Long, byte[]> early = new TreeMap<>();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    private final List<Chunk> chunks = new ArrayList<>();
    private long lastTime = Long.MIN_VALUE;
    private long retransmitted;
    private long reordered;
    private long finAt = -1;

    void start(int firstByteSeq) {
        if (!started) {
            started = true;
            base = firstByteSeq;
        }
    }

    boolean started() {
        return started;
    }

    /** A segment's payload at sequence number {@code seq}, captured at {@code time}. */
    void segment(int seq, byte[] payload, long time) {
        if (!started || payload.length == 0) {
            return;
        }
        // Relative to the next expected byte, so streams longer than 2 GiB of sequence space still place right.
        long rel = next + (seq - (int) (base + next));
        long end = rel + payload.length;
        if (finAt >= 0 && rel >= finAt) {
            return; // nothing follows a FIN
        }
        if (end <= next) {
            retransmitted++;
            return;
        }
        if (rel > next) {
            reordered++;
            byte[] before = early.get(rel);
            if (before == null || before.length < payload.length) {
                early.put(rel, payload);
            } else {
                retransmitted++;
            }
            return;
        }
        append(payload, (int) (next - rel), time);
        while (!early.isEmpty() && early.firstKey() <= next) {
            Map.Entry<Long, byte[]> e = early.pollFirstEntry();
            long eEnd = e.getKey() + e.getValue().length;
            if (eEnd > next) {
                // It was captured earlier but became readable only now, when the gap before it was filled.
                append(e.getValue(), (int) (next - e.getKey()), time);
            }
        }
    }

    private void append(byte[] payload, int from, long time) {
        data.write(payload, from, payload.length - from);
        next += payload.length - from;
        lastTime = Math.max(lastTime, time);
        chunks.add(new Chunk(data.size(), lastTime));
    }

    /** The sender's FIN at {@code seq}: the stream ends there. */
    void fin(int seq) {
        if (started && finAt < 0) {
            finAt = next + (seq - (int) (base + next));
        }
    }

    /** The stream's bytes, in order, up to the first byte that was never captured. */
    public byte[] bytes() {
        return data.toByteArray();
    }

    public List<Chunk> chunks() {
        return List.copyOf(chunks);
    }

    /** Bytes captured after a hole that was never filled (lost by the capture): they cannot be used. */
    public long bytesAfterHole() {
        long n = 0;
        for (Map.Entry<Long, byte[]> e : early.entrySet()) {
            n += e.getValue().length;
        }
        return n;
    }

    /** Where the hole starts (the first byte not captured), if {@link #bytesAfterHole()} is not 0. */
    public long holeAt() {
        return next;
    }

    public long retransmitted() {
        return retransmitted;
    }

    public long reordered() {
        return reordered;
    }
}
