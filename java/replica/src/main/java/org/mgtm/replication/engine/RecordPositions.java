package org.mgtm.replication.engine;

import java.util.Arrays;

/**
 * Where each record of {@link DurableLog}'s entries file starts: the indexes it holds are consecutive, from
 * {@link #first()} to {@link #last()}, so one array of file positions, offset by the first index, finds any of them.
 * Both are 0 while the file holds no record. Not thread-safe: DurableLog's lock guards it.
 */
final class RecordPositions {
    private long first;
    private long last;
    private long[] positions = new long[1024];

    long first() {
        return first;
    }

    long last() {
        return last;
    }

    boolean isEmpty() {
        return first == 0;
    }

    boolean holds(long index) {
        return first != 0 && index >= first && index <= last;   // first >= 1 when set, so index > 0
    }

    /** The next record, at {@code position}: index {@link #last()} + 1, or any index on an empty file. */
    void add(long index, long position) {
        if (first == 0) {
            first = index;
        }
        int i = (int) (index - first);
        if (i >= positions.length) {
            positions = Arrays.copyOf(positions, Math.max(positions.length * 2, i + 1));
        }
        positions[i] = position;
        last = index;
    }

    long of(long index) {
        return positions[(int) (index - first)];
    }

    void clear() {
        positions = new long[1024];
        first = 0;
        last = 0;
    }

    /** After compaction: the records from {@code keep} on remain, each {@code shift} bytes nearer the start. */
    void keepFrom(long keep, long shift) {
        long[] kept = new long[(int) (last - keep + 1) + 1024];
        for (long j = keep; j <= last; j++) {
            kept[(int) (j - keep)] = of(j) - shift;
        }
        positions = kept;
        first = keep;
    }

    /** After a cut: the records from {@code startIndex} on are gone. */
    void cutFrom(long startIndex) {
        last = startIndex - 1;
        if (last < first) {
            first = 0;
            last = 0;
        }
    }
}
