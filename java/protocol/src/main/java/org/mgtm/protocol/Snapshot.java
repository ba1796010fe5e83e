package org.mgtm.protocol;

import java.util.Arrays;

/**
 * A global snapshot as it travels on the wire: xmin, xmax, recent global xmin and the running
 * GXIDs (xip). GXIDs are unsigned 32-bit values held in ints.
 */
public record Snapshot(int xmin, int xmax, int recentGlobalXmin, int[] xip) {
    public Snapshot {
        xip = xip.clone();
    }

    @Override
    public int[] xip() {
        return xip.clone();
    }

    public int xcnt() {
        return xip.length;
    }

    /** The i-th running GXID, without copying the array. */
    public int xipAt(int i) {
        return xip[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Snapshot s && xmin == s.xmin && xmax == s.xmax
                && recentGlobalXmin == s.recentGlobalXmin && Arrays.equals(xip, s.xip);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * xmin + xmax) + recentGlobalXmin) + Arrays.hashCode(xip);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("xmin=").append(Integer.toUnsignedString(xmin))
                .append(" xmax=").append(Integer.toUnsignedString(xmax))
                .append(" rgxmin=").append(Integer.toUnsignedString(recentGlobalXmin)).append(" xip=[");
        for (int i = 0; i < xip.length; i++) {
            sb.append(i == 0 ? "" : " ").append(Integer.toUnsignedString(xip[i]));
        }
        return sb.append(']').toString();
    }
}
