package org.mgtm.check;

import java.util.Arrays;

/**
 * Maps any int (a GXID, a process id) to a non-negative int (a dense index), with open
 * addressing: the checker keeps one entry per transaction of a history of millions of events,
 * where boxed maps would cost several times the memory.
 *
 * <p>Not core's IntIntMap, on purpose: the checker shares no code with what it verifies, and the two want
 * different things (this one grows without bound and never removes; core's is fixed-size and removes).
 */
final class IntIndex {
    static final int MISSING = -1;

    private int[] keys;
    private int[] values;
    private int size;
    private int mask;

    IntIndex() {
        this(16);
    }

    IntIndex(int capacity) {
        int n = Integer.highestOneBit(Math.max(16, capacity * 2 - 1)) << 1;
        keys = new int[n];
        values = new int[n];
        Arrays.fill(values, MISSING);
        mask = n - 1;
    }

    int size() {
        return size;
    }

    int get(int key) {
        for (int s = slot(key); ; s = (s + 1) & mask) {
            int v = values[s];
            if (v == MISSING || keys[s] == key) {
                return v;
            }
        }
    }

    /** Maps {@code key} to {@code value} (>= 0), replacing an earlier value. */
    void put(int key, int value) {
        if (value < 0) {
            throw new IllegalArgumentException("values are >= 0");
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        for (int s = slot(key); ; s = (s + 1) & mask) {
            if (values[s] == MISSING) {
                keys[s] = key;
                values[s] = value;
                size++;
                return;
            }
            if (keys[s] == key) {
                values[s] = value;
                return;
            }
        }
    }

    private int slot(int key) {
        int h = key * 0x9E37_79B9;
        return (h ^ (h >>> 16)) & mask;
    }

    private void grow() {
        int[] oldKeys = keys;
        int[] oldValues = values;
        keys = new int[oldKeys.length * 2];
        values = new int[oldKeys.length * 2];
        Arrays.fill(values, MISSING);
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != MISSING) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }
}
