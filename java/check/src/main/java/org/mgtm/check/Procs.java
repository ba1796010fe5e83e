package org.mgtm.check;

import java.util.Arrays;

/**
 * Per-process facts, by dense index. The one that matters most is {@link #aliveUntil}: the latest
 * invoke time of an operation of the process that got a success answer. The server answered it,
 * so the session was not closed before that time, and the session's transactions had not been
 * cleaned up (rolled back on disconnect) before it either.
 */
final class Procs {
    static final long NONE = Long.MIN_VALUE;

    private final IntIndex index = new IntIndex();
    int size;
    int[] id = new int[16];
    long[] aliveUntil = new long[16];
    long[] aliveLine = new long[16];
    /** Latest invoke of an operation other than bad-input, and of one of those that succeeded. */
    long[] lastInvoke = new long[16];
    long[] lastInvokeLine = new long[16];
    long[] lastOkInvoke = new long[16];
    /** The operation in flight (first pass). */
    Operation[] pending = new Operation[16];
    long[] pendingTime = new long[16];
    long[] pendingLine = new long[16];
    /** Line of the info completion after which the process must not be used, or 0. */
    long[] retiredAt = new long[16];

    int indexOf(int process) {
        int i = index.get(process);
        if (i != IntIndex.MISSING) {
            return i;
        }
        if (size == id.length) {
            int n = size * 2;
            id = Arrays.copyOf(id, n);
            aliveUntil = Arrays.copyOf(aliveUntil, n);
            aliveLine = Arrays.copyOf(aliveLine, n);
            lastInvoke = Arrays.copyOf(lastInvoke, n);
            lastInvokeLine = Arrays.copyOf(lastInvokeLine, n);
            lastOkInvoke = Arrays.copyOf(lastOkInvoke, n);
            pending = Arrays.copyOf(pending, n);
            pendingTime = Arrays.copyOf(pendingTime, n);
            pendingLine = Arrays.copyOf(pendingLine, n);
            retiredAt = Arrays.copyOf(retiredAt, n);
        }
        i = size++;
        index.put(process, i);
        id[i] = process;
        aliveUntil[i] = NONE;
        lastInvoke[i] = NONE;
        lastOkInvoke[i] = NONE;
        return i;
    }

    /** The dense index of a process the first pass has seen, or -1. */
    int find(int process) {
        return index.get(process);
    }
}
