package org.mgtm.check;

/** Sorts an array of indexes by a comparison of what they index, without boxing (a stable merge sort). */
final class IntSort {
    interface Order {
        int compare(int a, int b);
    }

    private IntSort() {
    }

    static void sort(int[] a, Order order) {
        int[] tmp = new int[a.length];
        for (int width = 1; width < a.length; width *= 2) {
            for (int lo = 0; lo < a.length - width; lo += 2 * width) {
                int mid = lo + width;
                int hi = Math.min(lo + 2 * width, a.length);
                if (order.compare(a[mid - 1], a[mid]) <= 0) {
                    continue;
                }
                System.arraycopy(a, lo, tmp, lo, hi - lo);
                int i = lo;
                int j = mid;
                for (int k = lo; k < hi; k++) {
                    if (i < mid && (j >= hi || order.compare(tmp[i], tmp[j]) <= 0)) {
                        a[k] = tmp[i++];
                    } else {
                        a[k] = tmp[j++];
                    }
                }
            }
        }
    }
}
