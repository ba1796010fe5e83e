package org.mgtm.core;

/**
 * A fixed-capacity open-addressing map from non-zero int keys to int values, without boxing.
 * Linear probing with backward-shift deletion, so there are no tombstones and lookups stay short.
 * Used for GXID -> slot lookups; key 0 (the invalid GXID) marks an empty cell. The checker has its own
 * (check.IntIndex): it shares no code with core.
 */
final class IntIntMap {
    static final int MISSING = -1;

    private final int[] keys;
    private final int[] values;
    private final int mask;
    private final int shift;
    private final int maxSize;
    private int size;

    /** A map that holds up to {@code maxSize} keys at a load factor of at most 1/2. */
    IntIntMap(int maxSize) {
        int cap = Integer.highestOneBit(Math.max(8, maxSize) * 2 - 1) << 1;
        this.keys = new int[cap];
        this.values = new int[cap];
        this.mask = cap - 1;
        this.shift = 32 - Integer.numberOfTrailingZeros(cap);
        this.maxSize = maxSize;
    }

    private int home(int key) {
        // Fibonacci hashing: the top bits of the product spread consecutive GXIDs evenly.
        return (key * 0x9E3779B9) >>> shift;
    }

    int get(int key) {
        if (key == 0) {
            return MISSING;
        }
        for (int i = home(key); ; i = (i + 1) & mask) {
            int k = keys[i];
            if (k == key) {
                return values[i];
            }
            if (k == 0) {
                return MISSING;
            }
        }
    }

    /** Maps {@code key} (never 0) to {@code value}, replacing an earlier value. */
    void put(int key, int value) {
        if (key == 0) {
            throw new IllegalArgumentException("key 0 is reserved");
        }
        for (int i = home(key); ; i = (i + 1) & mask) {
            int k = keys[i];
            if (k == key) {
                values[i] = value;
                return;
            }
            if (k == 0) {
                if (size == maxSize) {
                    throw new IllegalStateException("map full: " + maxSize);
                }
                keys[i] = key;
                values[i] = value;
                size++;
                return;
            }
        }
    }

    /** Removes {@code key}; returns its value or {@link #MISSING}. */
    int remove(int key) {
        if (key == 0) {
            return MISSING;
        }
        int i = home(key);
        while (keys[i] != key) {
            if (keys[i] == 0) {
                return MISSING;
            }
            i = (i + 1) & mask;
        }
        int removed = values[i];
        // Backward shift: move later members of the probe run into the hole when their home
        // position does not lie cyclically in (hole, j].
        int hole = i;
        for (int j = (hole + 1) & mask; keys[j] != 0; j = (j + 1) & mask) {
            int h = home(keys[j]);
            boolean stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
            if (!stays) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        keys[hole] = 0;
        size--;
        return removed;
    }

    int size() {
        return size;
    }
}
