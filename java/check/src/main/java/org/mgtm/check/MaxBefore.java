package org.mgtm.check;

/**
 * The largest value offered at a time strictly before a given time, with the history line it came
 * from; values are offered in time order. The checker's sweeps ask "what had been answered before this
 * request was sent" this way: a value offered at the same time as the question does not count.
 */
final class MaxBefore {
    private static final long NONE = Long.MIN_VALUE;

    private long settled = NONE;
    private long settledLine;
    private long fresh = NONE;
    private long freshLine;
    private long freshTime = Long.MIN_VALUE;

    void offer(long time, long value, long line) {
        if (time != freshTime) {
            if (fresh > settled) {
                settled = fresh;
                settledLine = freshLine;
            }
            fresh = NONE;
            freshTime = time;
        }
        if (value > fresh) {
            fresh = value;
            freshLine = line;
        }
    }

    long value(long before) {
        return freshTime < before && fresh > settled ? fresh : settled;
    }

    long line(long before) {
        return freshTime < before && fresh > settled ? freshLine : settledLine;
    }
}
