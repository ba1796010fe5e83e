package org.mgtm.check;

import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Checks a history of several sub-clusters (docs/subclusters.md): each sub-cluster's part against invariants
 * 1-8 as if it were a single group ({@link SubclusterSlice}, with registrations of other sub-clusters'
 * transactions active like begun ones), then the whole against invariants 9-12 ({@link SubclusterCheck}),
 * which also measures the visibility lag of cross-sub-cluster transactions. A history without sub-cluster
 * lines gets the single-group check only.
 */
public final class SubclusterChecker {
    private final int kept;

    public SubclusterChecker(int keptPerInvariant) {
        this.kept = keptPerInvariant;
    }

    /** The results: one per sub-cluster, the cross checks (null for a single group's history), the figures. */
    public record Result(Map<String, CheckResult> perSubcluster, CheckResult across, Figures figures) {
        public boolean valid() {
            return perSubcluster.values().stream().allMatch(CheckResult::valid) && (across == null || across.valid());
        }

        public long totalViolations() {
            return perSubcluster.values().stream().mapToLong(CheckResult::totalViolations).sum()
                    + (across == null ? 0 : across.totalViolations());
        }

        /** Prints each sub-cluster's result, then the cross checks and the visibility figures, then a verdict. */
        public void print(PrintStream out, HistorySource source) throws IOException {
            if (across == null) {
                perSubcluster.values().iterator().next().print(out, source);
                return;
            }
            for (Map.Entry<String, CheckResult> e : perSubcluster.entrySet()) {
                out.println("== sub-cluster " + e.getKey() + " (invariants 1-8 on its part of the history)");
                e.getValue().print(out, source);
            }
            out.println("== across sub-clusters (invariants 9-12)");
            across.print(out, source);
            out.println(figures.line());
            out.println(valid() ? "multi-sub-cluster history OK: no violation"
                    : "multi-sub-cluster history INVALID: " + totalViolations() + " violations");
        }
    }

    /**
     * Visibility of committed cross-sub-cluster transactions, in milliseconds. The lag is, per transaction, how
     * long after a participant's snapshot first showed it finished a participant's snapshot was still asked that
     * showed it running; the window is the time from its first commit sent to its last commit acknowledged.
     */
    public record Figures(int committed, int rolledBack, int unsettled, int measured, double lagP50, double lagP99,
                          double lagMax, double windowP50, double windowP99, double windowMax, double skewP50,
                          double skewP99, double skewMax) {
        public String line() {
            return String.format(Locale.ROOT, "cross-sub-cluster transactions: %d committed, %d rolled back, %d not "
                    + "settled; visibility lag observed (a snapshot of one participant showed it committed, a later-asked "
                    + "one of another still running) over %d: p50 %.2f ms, p99 %.2f ms, max %.2f ms; commit "
                    + "acknowledgement skew between participants: p50 %.2f ms, p99 %.2f ms, max %.2f ms; 2PC window "
                    + "(first commit sent to last acknowledged): p50 %.2f ms, p99 %.2f ms, max %.2f ms", committed,
                    rolledBack, unsettled, measured, lagP50, lagP99, lagMax, skewP50, skewP99, skewMax, windowP50,
                    windowP99, windowMax);
        }
    }

    public Result check(HistorySource source) throws IOException {
        SubclusterLayout layout = SubclusterLayout.read(source);
        Map<String, CheckResult> per = new LinkedHashMap<>();
        if (!layout.multi()) {
            per.put("", new Checker(kept).check(source));
            return new Result(per, null, null);
        }
        for (String sc : layout.subclusters) {
            per.put(sc, new Checker(kept).check(new SubclusterSlice(source, layout, sc)));
        }
        SubclusterCheck cross = new SubclusterCheck(layout, kept);
        source.scan(cross);
        CheckResult across = cross.finish();
        SubclusterCheck.Figures f = cross.figures();
        return new Result(per, across, new Figures(f.committed(), f.rolledBack(), f.unsettled(), f.measured(),
                f.lagP50(), f.lagP99(), f.lagMax(), f.windowP50(), f.windowP99(), f.windowMax(), f.skewP50(), f.skewP99(),
                f.skewMax()));
    }

    /** Checks a history file with the default settings. */
    public static Result checkFile(java.nio.file.Path file) throws IOException {
        return new SubclusterChecker(Checker.DEFAULT_KEPT).check(new HistoryReader(file));
    }
}
