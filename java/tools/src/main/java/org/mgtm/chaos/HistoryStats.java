package org.mgtm.chaos;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.mgtm.check.Event;
import org.mgtm.check.HistoryReader;
import org.mgtm.check.HistorySource;
import org.mgtm.check.LeaderInterval;
import org.mgtm.check.Operation;

/** Counts of one history (operations by outcome, error messages) and the GXIDs it granted. */
final class HistoryStats implements HistorySource.Visitor {
    private final int index;
    private long invokes;
    private long ok;
    private long fail;
    private long info;
    private final Map<String, Long> errors = new TreeMap<>();
    /** GXID << 1 | history index, for the cross-history duplicate check. */
    private long[] gxids = new long[1 << 16];
    private int count;

    private HistoryStats(int index) {
        this.index = index;
    }

    static HistoryStats scan(Path file, int index) throws IOException {
        HistoryStats s = new HistoryStats(index);
        new HistoryReader(file).scan(s);
        return s;
    }

    @Override
    public void event(long line, Event e) {
        switch (e.type()) {
            case INVOKE -> invokes++;
            case OK -> {
                ok++;
                if (e.op() instanceof Operation.Begin b) {
                    add(b.gxid());
                } else if (e.op() instanceof Operation.BeginMulti m) {
                    int g = m.firstGxid();
                    for (int i = 0; i < m.count(); i++) {
                        add(g);
                        g++;
                        if (Integer.compareUnsigned(g, 3) < 0) {
                            g = 3;
                        }
                    }
                }
            }
            case FAIL, INFO -> {
                if (e.type() == Event.Type.FAIL) {
                    fail++;
                } else {
                    info++;
                }
                String msg = e.type().name().toLowerCase(Locale.ROOT) + " " + e.op().name() + ": "
                        + String.valueOf(e.error()).replaceAll("[0-9]+", "N");
                errors.merge(msg, 1L, Long::sum);
            }
            default -> {
            }
        }
    }

    @Override
    public void leader(long line, LeaderInterval leader) {
    }

    private void add(int gxid) {
        if (count == gxids.length) {
            gxids = Arrays.copyOf(gxids, count * 2);
        }
        gxids[count++] = (Integer.toUnsignedLong(gxid) << 1) | index;
    }

    long gxidCount() {
        return count;
    }

    String summary() {
        String top = errors.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(6).map(en -> "    " + en.getValue() + " x " + en.getKey()).collect(Collectors.joining("\n"));
        return String.format(Locale.ROOT, "%d operations: %d ok, %d fail (error answer), %d info (unknown outcome)%s",
                invokes, ok, fail, info, top.isEmpty() ? "" : "\n  errors (most frequent first):\n" + top);
    }

    /** GXIDs granted more than once over all the histories (each history's own are also the checker's). */
    static long duplicateGxids(List<HistoryStats> all) {
        int total = all.stream().mapToInt(s -> s.count).sum();
        long[] merged = new long[total];
        int at = 0;
        for (HistoryStats s : all) {
            System.arraycopy(s.gxids, 0, merged, at, s.count);
            at += s.count;
        }
        Arrays.sort(merged);
        long duplicates = 0;
        for (int i = 1; i < merged.length; i++) {
            if (merged[i] >>> 1 == merged[i - 1] >>> 1) {
                duplicates++;
            }
        }
        return duplicates;
    }
}
