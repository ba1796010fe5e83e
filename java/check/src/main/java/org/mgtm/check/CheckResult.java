package org.mgtm.check;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** What the checker found: a summary per invariant and the violations it kept (the first ones of each). */
public record CheckResult(List<InvariantSummary> invariants, List<Violation> violations, long events) {
    public CheckResult {
        invariants = List.copyOf(invariants);
        violations = List.copyOf(violations);
    }

    /** True when no invariant is violated (some may not have been checked). */
    public boolean valid() {
        return totalViolations() == 0;
    }

    public long totalViolations() {
        return invariants.stream().mapToLong(InvariantSummary::violations).sum();
    }

    public InvariantSummary invariant(int n) {
        return invariants.stream().filter(s -> s.invariant() == n).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no invariant " + n + " in this result"));
    }

    /** Violations kept of invariant {@code n}. */
    public List<Violation> violationsOf(int n) {
        return violations.stream().filter(v -> v.invariant() == n).toList();
    }

    /** Prints each kept violation with the lines of its events, then one summary line per invariant. */
    public void print(PrintStream out, HistorySource source) throws IOException {
        TreeSet<Long> wanted = new TreeSet<>();
        for (Violation v : violations) {
            wanted.addAll(v.lines());
        }
        Map<Long, String> text = source.lines(wanted);
        for (Violation v : violations) {
            out.println("VIOLATION of invariant " + v.invariant() + ": " + v.message());
            for (long line : v.lines()) {
                out.println("    " + source.name() + ":" + line + ": " + text.getOrDefault(line, "?"));
            }
        }
        for (InvariantSummary s : invariants) {
            long kept = violationsOf(s.invariant()).size();
            out.println(s.line() + (kept < s.violations() ? " (first " + kept + " shown)" : ""));
        }
        out.println(valid() ? "history OK: " + events + " events, no violation"
                : "history INVALID: " + events + " events, " + totalViolations() + " violations");
    }
}
