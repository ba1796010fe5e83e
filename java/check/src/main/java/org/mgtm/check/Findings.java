package org.mgtm.check;

import java.util.ArrayList;
import java.util.List;

/** Collects what the passes find: counts of checks and violations per invariant, and the first violations. */
final class Findings {
    static final String[] TITLES = {
        "no GXID handed out twice",
        "GXIDs grow in real time",
        "snapshots: bounds, running invisible, committed below xmax",
        "acknowledged commit/rollback/prepare never lost",
        "sequences: no repeat within a cycle, within bounds",
        "only the leader answers",
        "bad input harms only its own connection",
        "recent global xmin never passes an open transaction's first xmin",
    };
    static final String[] UNITS = {"GXIDs", "begins", "snapshots", "snapshots", "values", "answers", "bad inputs",
        "snapshots"};
    static final int INVARIANTS = TITLES.length;
    /** The invariants of several sub-clusters checked together (docs/subclusters.md), numbered 9 on. */
    static final String[] SUBCLUSTER_TITLES = {
        "no GXID handed out by two sub-clusters, each inside its own ranges",
        "ranges granted disjoint",
        "a GXID becomes active in a sub-cluster only at or above the xmax of its earlier snapshots",
        "a cross-sub-cluster transaction ends one way everywhere, and is seen finished everywhere after its 2PC window",
    };
    static final String[] SUBCLUSTER_UNITS = {"GXIDs", "ranges", "activations", "cross transactions"};
    static final int FIRST_SUBCLUSTER_INVARIANT = INVARIANTS + 1;

    private final int maxKept;
    private final int first;
    private final String[] titles;
    private final String[] units;
    private final long[] checked;
    private final long[] violations;
    private final String[] notChecked;
    private final List<Violation> kept = new ArrayList<>();

    Findings(int maxKept) {
        this(maxKept, 1, TITLES, UNITS);
    }

    private Findings(int maxKept, int first, String[] titles, String[] units) {
        this.maxKept = maxKept;
        this.first = first;
        this.titles = titles;
        this.units = units;
        int last = first + titles.length - 1;
        checked = new long[last + 1];
        violations = new long[last + 1];
        notChecked = new String[last + 1];
    }

    /** Findings for the invariants across sub-clusters (9 on). */
    static Findings forSubclusters(int maxKept) {
        return new Findings(maxKept, FIRST_SUBCLUSTER_INVARIANT, SUBCLUSTER_TITLES, SUBCLUSTER_UNITS);
    }

    void checked(int invariant) {
        checked[invariant]++;
    }

    void checked(int invariant, long n) {
        checked[invariant] += n;
    }

    /** Why an invariant could not be checked, if nothing was counted for it. */
    void notChecked(int invariant, String reason) {
        notChecked[invariant] = reason;
    }

    void violation(int invariant, String message, long... lines) {
        violations[invariant]++;
        if (violations[invariant] <= maxKept) {
            List<Long> ls = new ArrayList<>(lines.length);
            for (long l : lines) {
                if (l > 0 && !ls.contains(l)) {
                    ls.add(l);
                }
            }
            ls.sort(null);
            kept.add(new Violation(invariant, message, ls));
        }
    }

    CheckResult result(long events) {
        List<InvariantSummary> out = new ArrayList<>();
        for (int i = first; i < first + titles.length; i++) {
            String why = checked[i] == 0 ? (notChecked[i] != null ? notChecked[i] : "nothing to check") : null;
            out.add(new InvariantSummary(i, titles[i - first], checked[i], units[i - first], violations[i], why));
        }
        List<Violation> sorted = new ArrayList<>(kept);
        sorted.sort((a, b) -> Integer.compare(a.invariant(), b.invariant()));
        return new CheckResult(out, sorted, events);
    }
}
