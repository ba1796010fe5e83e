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

    private final int maxKept;
    private final long[] checked = new long[INVARIANTS + 1];
    private final long[] violations = new long[INVARIANTS + 1];
    private final String[] notChecked = new String[INVARIANTS + 1];
    private final List<Violation> kept = new ArrayList<>();

    Findings(int maxKept) {
        this.maxKept = maxKept;
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
        for (int i = 1; i <= INVARIANTS; i++) {
            String why = checked[i] == 0 ? (notChecked[i] != null ? notChecked[i] : "nothing to check") : null;
            out.add(new InvariantSummary(i, TITLES[i - 1], checked[i], UNITS[i - 1], violations[i], why));
        }
        List<Violation> sorted = new ArrayList<>(kept);
        sorted.sort((a, b) -> Integer.compare(a.invariant(), b.invariant()));
        return new CheckResult(out, sorted, events);
    }
}
