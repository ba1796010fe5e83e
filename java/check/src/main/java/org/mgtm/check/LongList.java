package org.mgtm.check;

import java.util.Arrays;

/** A growable list of longs. */
final class LongList {
    private long[] a = new long[8];
    private int size;

    void add(long v) {
        if (size == a.length) {
            a = Arrays.copyOf(a, size * 2);
        }
        a[size++] = v;
    }

    long get(int i) {
        return a[i];
    }

    int size() {
        return size;
    }

    /** A sorted copy. */
    long[] sorted() {
        long[] c = Arrays.copyOf(a, size);
        Arrays.sort(c);
        return c;
    }
}
