package org.mgtm.chaos;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mgtm.check.Event;
import org.mgtm.check.HistoryReader;
import org.mgtm.check.HistorySource;
import org.mgtm.check.LeaderInterval;

/**
 * The pause each leader kill caused, as the backends saw it, from the recorded histories.
 *
 * <p>Pause of a kill at K: the longest stretch during which one proxy's backends completed no
 * operation at all (ok, fail or info), among the stretches between two consecutive completions of
 * that proxy that overlap the window [K - before, K + after]; the larger of the proxies' values.
 * A gap length is used rather than "first completion after K" because the kill time comes from the
 * fault runner's clock and the histories from their recorders' (both start with the load, in one
 * JVM, but a few ms apart, and the kill itself follows the runner's timestamp by a leader lookup):
 * the gap's length does not depend on that offset, only on which gaps the window takes in.
 * Completions of every kind end a gap, since an error answer is also a sign of life; errors are
 * counted separately.
 */
final class FailoverPauses {
    private FailoverPauses() {
    }

    /** One kill: its number (1-based, in schedule order), when (ms since the load started) and the runner's note. */
    record Kill(int number, long atMs, String detail) {
    }

    /**
     * The pause of one kill: its length, which proxy (0-based) saw it, the gap's ends relative to the
     * kill, whether the gap ran to the end of the history (no completion after it: a lower bound), and
     * the fail/info completions in the window over all proxies.
     */
    record Pause(Kill kill, long pauseNanos, int proxy, long gapStartNanos, long gapEndNanos, boolean open,
                 long errorsInWindow) {
        double pauseMs() {
            return pauseNanos / 1e6;
        }

        /** Gap start minus the kill time, in ms (negative: the gap began before the recorded kill time). */
        double startAfterKillMs() {
            return (gapStartNanos - kill.atMs() * 1_000_000) / 1e6;
        }

        double endAfterKillMs() {
            return (gapEndNanos - kill.atMs() * 1_000_000) / 1e6;
        }
    }

    /**
     * One proxy's history reduced to what the pauses need: completion times and error-completion times
     * (ns, ascending, as the recorder writes them), and the time of its last event.
     */
    record Completions(long[] all, long[] errors, long endNanos) {
        static Completions read(Path history) throws IOException {
            Collector c = new Collector();
            new HistoryReader(history).scan(c);
            return c.done();
        }

        /** From explicit times, for tests and callers that built them otherwise. */
        static Completions of(long[] all, long[] errors, long endNanos) {
            long[] a = all.clone();
            long[] e = errors.clone();
            Arrays.sort(a);
            Arrays.sort(e);
            return new Completions(a, e, Math.max(endNanos, a.length == 0 ? 0 : a[a.length - 1]));
        }
    }

    /** The longest gap of one proxy overlapping a window; start, end in ns; open: it ran to the history's end. */
    record Gap(long startNanos, long endNanos, boolean open) {
        long length() {
            return endNanos - startNanos;
        }
    }

    /** Pauses of the given kills (in the order given) over the proxies' histories. */
    static List<Pause> compute(List<Kill> kills, List<Completions> proxies, long beforeMs, long afterMs) {
        List<Pause> out = new ArrayList<>();
        for (Kill k : kills) {
            long from = (k.atMs() - beforeMs) * 1_000_000;
            long to = (k.atMs() + afterMs) * 1_000_000;
            Gap best = null;
            int bestProxy = -1;
            long errors = 0;
            for (int p = 0; p < proxies.size(); p++) {
                Completions c = proxies.get(p);
                Gap g = longestGap(c, from, to);
                if (g != null && (best == null || g.length() > best.length())) {
                    best = g;
                    bestProxy = p;
                }
                errors += countIn(c.errors(), from, to);
            }
            if (best == null) {
                best = new Gap(from, from, true); // every history ended before the window: no measure, flagged
            }
            out.add(new Pause(k, best.length(), bestProxy, best.startNanos(), best.endNanos(), best.open(), errors));
        }
        return out;
    }

    /**
     * The longest stretch without a completion that overlaps [from, to]: between two consecutive
     * completions, from the recording's start (0) to the first, or from the last to the history's end.
     * Null only for a window entirely after the history's end.
     */
    static Gap longestGap(Completions c, long from, long to) {
        long[] t = c.all();
        if (from > c.endNanos()) {
            return null;
        }
        // The last completion at or before `from` starts the first gap that can overlap the window.
        int i = upperBound(t, from) - 1;
        long start = i >= 0 ? t[i] : 0;
        Gap best = null;
        for (int j = i + 1; ; j++) {
            boolean open = j >= t.length;
            long end = open ? c.endNanos() : t[j];
            if (best == null || end - start > best.length()) {
                best = new Gap(start, end, open && end > start);
            }
            if (open || end >= to) {
                return best;
            }
            start = end;
        }
    }

    /** Nearest-rank percentile: the ceil(p/100 * n)-th smallest value (1-based); p = 0 gives the smallest. */
    static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(p * s.length / 100.0); // p * n first: 95 * 20 / 100 is exactly 19
        return s[Math.min(s.length, Math.max(1, rank)) - 1];
    }

    private static long countIn(long[] sorted, long from, long to) {
        return upperBound(sorted, to) - lowerBound(sorted, from);
    }

    /** First index whose value is >= v. */
    private static int lowerBound(long[] a, long v) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** First index whose value is > v. */
    private static int upperBound(long[] a, long v) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] <= v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static final class Collector implements HistorySource.Visitor {
        private long[] all = new long[1 << 16];
        private int allCount;
        private long[] errors = new long[16];
        private int errorCount;
        private long end;

        @Override
        public void event(long line, Event e) {
            end = Math.max(end, e.time());
            if (e.isInvoke()) {
                return;
            }
            if (allCount == all.length) {
                all = Arrays.copyOf(all, allCount * 2);
            }
            all[allCount++] = e.time();
            if (e.type() != Event.Type.OK) {
                if (errorCount == errors.length) {
                    errors = Arrays.copyOf(errors, errorCount * 2);
                }
                errors[errorCount++] = e.time();
            }
        }

        @Override
        public void leader(long line, LeaderInterval leader) {
        }

        Completions done() {
            // The recorder stamps under its lock, so the file is already in time order; sorting is a guard.
            return Completions.of(Arrays.copyOf(all, allCount), Arrays.copyOf(errors, errorCount), end);
        }
    }
}
