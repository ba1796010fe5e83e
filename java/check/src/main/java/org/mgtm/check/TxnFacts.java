package org.mgtm.check;

import java.util.Arrays;

/**
 * What the first pass learns about each GXID the history mentions (granted by a begin, or named
 * by a commit, rollback or prepare), kept column-wise in primitive arrays: a history of ten
 * million events names about a million transactions. Times are the history's nanoseconds;
 * {@link #NEVER} means it did not happen. Lines are 0 when absent.
 */
final class TxnFacts {
    static final long NEVER = Long.MAX_VALUE;
    static final byte VACUUM = 1;
    /** Granted more than once (invariant 1): the snapshot checks leave it alone. */
    static final byte DUPLICATE = 2;
    /** In the second pass's running set. */
    static final byte RUNNING = 4;
    /** In the second pass's set of transactions no snapshot has shown finished yet. */
    static final byte UNSEEN = 8;
    /** In the second pass's set of transactions whose first-snapshot xmin holds back recent global xmin. */
    static final byte HOLDING = 16;
    /** Sub-cluster mode: active here by registration (another sub-cluster handed the GXID out). */
    static final byte REGISTERED = 32;

    /** What is known of a transaction's first snapshot (invariant 8), in {@link #firstSnap}. */
    static final byte SNAP_NONE = 0;
    /** A snapshot request naming it is in flight. */
    static final byte SNAP_PENDING = 1;
    /** Its first snapshot was answered: {@link #firstXmin}, {@link #firstSnapDone}, {@link #firstSnapLine}. */
    static final byte SNAP_KNOWN = 2;
    /** Which snapshot came first, or whether one of unknown outcome set its xmin, cannot be told. */
    static final byte SNAP_AMBIGUOUS = 3;

    private final IntIndex index = new IntIndex(1 << 12);
    int size;
    int[] gxid = new int[1024];
    /** Dense process of the begin that granted it, or -1. */
    int[] owner = new int[1024];
    byte[] flags = new byte[1024];
    long[] grantTime = new long[1024];
    long[] grantLine = new long[1024];
    /** First commit/rollback sent for it, by anyone. */
    long[] endSent = new long[1024];
    /** First acknowledged commit/rollback. */
    long[] endAcked = new long[1024];
    long[] endAckLine = new long[1024];
    boolean[] endAckIsCommit = new boolean[1024];
    /** First acknowledged prepare. */
    long[] prepared = new long[1024];
    long[] prepareLine = new long[1024];
    /** Position on the second pass's {@link GxidLine}, while running. */
    long[] place = new long[1024];
    /** Answer time and line of the first snapshot that showed it finished (second pass). */
    long[] seenFinished = new long[1024];
    long[] seenLine = new long[1024];
    byte[] firstSnap = new byte[1024];
    int[] firstXmin = new int[1024];
    long[] firstSnapDone = new long[1024];
    long[] firstSnapLine = new long[1024];

    int find(int g) {
        return index.get(g);
    }

    int findOrAdd(int g) {
        int i = index.get(g);
        if (i != IntIndex.MISSING) {
            return i;
        }
        if (size == gxid.length) {
            grow();
        }
        i = size++;
        index.put(g, i);
        gxid[i] = g;
        owner[i] = -1;
        grantTime[i] = NEVER;
        endSent[i] = NEVER;
        endAcked[i] = NEVER;
        prepared[i] = NEVER;
        seenFinished[i] = NEVER;
        firstSnapDone[i] = NEVER;
        return i;
    }

    boolean has(int i, byte flag) {
        return (flags[i] & flag) != 0;
    }

    void set(int i, byte flag, boolean on) {
        flags[i] = (byte) (on ? flags[i] | flag : flags[i] & ~flag);
    }

    private void grow() {
        int n = gxid.length * 2;
        gxid = Arrays.copyOf(gxid, n);
        owner = Arrays.copyOf(owner, n);
        flags = Arrays.copyOf(flags, n);
        grantTime = Arrays.copyOf(grantTime, n);
        grantLine = Arrays.copyOf(grantLine, n);
        endSent = Arrays.copyOf(endSent, n);
        endAcked = Arrays.copyOf(endAcked, n);
        endAckLine = Arrays.copyOf(endAckLine, n);
        endAckIsCommit = Arrays.copyOf(endAckIsCommit, n);
        prepared = Arrays.copyOf(prepared, n);
        prepareLine = Arrays.copyOf(prepareLine, n);
        place = Arrays.copyOf(place, n);
        seenFinished = Arrays.copyOf(seenFinished, n);
        seenLine = Arrays.copyOf(seenLine, n);
        firstSnap = Arrays.copyOf(firstSnap, n);
        firstXmin = Arrays.copyOf(firstXmin, n);
        firstSnapDone = Arrays.copyOf(firstSnapDone, n);
        firstSnapLine = Arrays.copyOf(firstSnapLine, n);
    }
}
