package org.mgtm.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mgtm.chart.FailoverChart;

/**
 * The figures and checks of one pgbench run through the XC lab's coordinators (the demo's and each
 * benchmark run's): the per-second timeline, TPS per coordinator (after the warm-up seconds, which
 * are reported apart), pgbench errors, the longest gap between completed transactions (and around
 * each kill, with the new leader), the balance check on every coordinator (sum(bbalance) =
 * sum(delta) — accounts and tellers are updated with a random bid by XC's pgbench, so their sums
 * legitimately differ — and all coordinators agree), the race experiment and the capture's audit.
 * Writes summary.txt, the per-second CSV and the chart; the figures go to an {@link XcRunResult}.
 */
final class XcRunReport {
    /** How long after a kill a stall still counts as the failover's. */
    private static final long KILL_WINDOW_MICROS = 5_000_000;

    /** Through one coordinator: sum(bbalance), sum(delta), count(*) of pgbench_history, as psql printed them. */
    record Balance(String branches, String history, String historyRows) {
        boolean consistent() {
            return !branches.isEmpty() && branches.equals(history);
        }
    }

    /**
     * The run as set up: its label (chart title), the prefix of its files, pgbench clients per
     * coordinator, seconds of load, the first seconds reported apart as warm-up, and whether a leader
     * kill was asked for.
     */
    record Run(String label, String filePrefix, int clients, int seconds, int warmupSeconds, boolean killExpected) {
    }

    private final XcLab lab;
    private final Run run;
    private final XcLoad.Outcome load;
    private final long startMicros;
    private final List<Balance> before;
    private final List<Balance> after;
    private final String finalLeader;
    private final TrafficCapture.Verdict audit;
    private final List<String> failures = new ArrayList<>();
    private final StringBuilder summary = new StringBuilder();

    /** {@code audit}: the capture's verdict, or null without a capture. */
    XcRunReport(XcLab lab, Run run, XcLoad.Outcome load, List<Balance> before, List<Balance> after, String finalLeader,
                TrafficCapture.Verdict audit) {
        this.lab = lab;
        this.run = run;
        this.load = load;
        this.startMicros = load.startMicros();
        this.before = before;
        this.after = after;
        this.finalLeader = finalLeader;
        this.audit = audit;
    }

    /** Prints the timeline and the result, writes summary, CSV and chart into {@code dir}; the figures. */
    XcRunResult print(Path dir) throws IOException {
        List<PgbenchLog> logs = load.logs();
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        for (int n = 0; n < logs.size(); n++) {
            series.put(coordinator(n), logs.get(n).perSecond(startMicros, run.seconds()));
        }
        printTimeline(series);
        sayLine("== result: " + run.label() + ", pgbench -c " + run.clients() + " per coordinator");
        int steadySeconds = run.seconds() - run.warmupSeconds();
        long warmupStart = startMicros + run.warmupSeconds() * 1_000_000L;
        long errors = 0;
        List<Double> tps = new ArrayList<>();
        long warmupTransactions = 0;
        for (int n = 0; n < logs.size(); n++) {
            PgbenchLog log = logs.get(n);
            List<String> aborted = PgbenchLog.abortedClients(load.outputs().get(n));
            errors += aborted.size();
            tps.add(log.completedSince(warmupStart) / (double) steadySeconds);
            warmupTransactions += log.transactions() - log.completedSince(warmupStart);
            say("   %s: %d transactions, %.0f tps%s (pgbench: %.0f tps), errors %d", coordinator(n),
                    log.transactions(), tps.get(n), run.warmupSeconds() == 0 ? "" : " after the first "
                            + run.warmupSeconds() + " s", PgbenchLog.reportedTps(load.outputs().get(n)), aborted.size());
            aborted.stream().limit(5).forEach(line -> sayLine("      " + line));
            check(load.exitCodes().get(n) == 0, "pgbench through " + coordinator(n) + " exited with status "
                    + load.exitCodes().get(n));
            check(log.transactions() > 0, "no transaction completed through " + coordinator(n));
        }
        double warmupTps = run.warmupSeconds() == 0 ? Double.NaN : warmupTransactions / (double) run.warmupSeconds();
        if (run.warmupSeconds() > 0) {
            say("   warm-up (first %d s): %.0f tps, all coordinators together", run.warmupSeconds(), warmupTps);
        }
        sayLine("   pgbench errors: " + errors);
        check(errors == 0, errors + " pgbench clients aborted");
        double longestGap = reportGaps(warmupStart);
        reportKills();
        boolean consistent = reportBalances();
        if (load.race() != null) {
            load.race().lines().forEach(this::sayLine);
            load.race().write(dir.resolve("race-samples.txt"), startMicros);
            check(load.race().transferErrors() == 0, load.race().transferErrors() + " transfer clients aborted");
        }
        if (audit != null) {
            audit.lines().forEach(this::sayLine);
            check(audit.passed(), "the capture's audit: " + audit.verdict());
        }
        Path png = dir.resolve(run.filePrefix() + "-timeline.png");
        List<Double> killSeconds = load.kills().stream().map(k -> seconds(k.atMicros())).toList();
        FailoverChart.write(png, series, FailoverChart.numbered(killSeconds), run.label() + ": pgbench -c "
                + run.clients() + " through each of " + logs.size() + " coordinators");
        writeCsv(dir.resolve(run.filePrefix() + "-timeline.csv"), series);
        sayLine("   chart: " + png);
        if (failures.isEmpty()) {
            sayLine("   every check passed");
        }
        failures.forEach(f -> sayLine("   CHECK FAILED: " + f));
        Files.writeString(dir.resolve("summary.txt"), summary);
        return new XcRunResult(run.label(), run.clients(), run.seconds(), run.warmupSeconds(), tps, warmupTps, errors,
                longestGap, consistent, load.race(), audit == null ? null : audit.verdict(), List.copyOf(failures));
    }

    /** Prints a line of the report and keeps it for summary.txt. */
    private void sayLine(String line) {
        System.out.println(line);
        summary.append(line).append(System.lineSeparator());
    }

    private void say(String format, Object... args) {
        sayLine(String.format(Locale.ROOT, format, args));
    }

    private void printTimeline(Map<String, List<double[]>> series) {
        StringBuilder header = new StringBuilder("   second");
        for (int n = 0; n < series.size(); n++) {
            header.append(String.format(Locale.ROOT, "  %8s", "coord" + (n + 1)));
        }
        sayLine("== transactions per second" + System.lineSeparator() + header + (load.leaders().isEmpty() ? ""
                : "  leader"));
        List<List<double[]>> columns = new ArrayList<>(series.values());
        for (int s = 1; s <= run.seconds(); s++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "   %6d", s));
            for (List<double[]> c : columns) {
                line.append(String.format(Locale.ROOT, "  %8.0f", c.get(s - 1)[1]));
            }
            for (XcLoad.Kill k : load.kills()) {
                if ((int) Math.ceil(seconds(k.atMicros())) == s) {
                    line.append("  (").append(k.victim()).append(" killed)");
                }
            }
            sayLine((line + "  " + load.leaders().getOrDefault(s, "")).stripTrailing());
        }
    }

    /** The longest gap between completed transactions from the warm-up's end on, per coordinator; the largest. */
    private double reportGaps(long fromMicros) {
        long endMicros = startMicros + run.seconds() * 1_000_000L;
        double longest = 0;
        StringBuilder gaps = new StringBuilder();
        for (int n = 0; n < load.logs().size(); n++) {
            double g = load.logs().get(n).longestGap(fromMicros, endMicros, endMicros);
            longest = Math.max(longest, g);
            gaps.append(String.format(Locale.ROOT, "%scoord%d %.2f s", n == 0 ? "" : ", ", n + 1, g));
        }
        say("   longest gap between completed transactions from %d s on: %.2f s (%s)", run.warmupSeconds(), longest,
                gaps);
        return longest;
    }

    /** Per kill: the longest gap between completed transactions per coordinator and cluster-wide, and the new leader. */
    private void reportKills() {
        List<XcLoad.Kill> kills = load.kills();
        if (run.killExpected()) {
            check(!kills.isEmpty(), "no leader was killed");
        }
        long endMicros = startMicros + run.seconds() * 1_000_000L;
        List<PgbenchLog> logs = load.logs();
        PgbenchLog all = PgbenchLog.merge(logs);
        for (XcLoad.Kill k : kills) {
            StringBuilder gaps = new StringBuilder();
            double longest = 0;
            for (int n = 0; n < logs.size(); n++) {
                double g = logs.get(n).longestGap(k.atMicros(), k.atMicros() + KILL_WINDOW_MICROS, endMicros);
                longest = Math.max(longest, g);
                gaps.append(String.format(Locale.ROOT, "%scoord%d %.2f s", n == 0 ? "" : ", ", n + 1, g));
                check(logs.get(n).completedSince(k.atMicros()) > 0, coordinator(n) + " completed no transaction after "
                        + "the kill of " + k.victim());
            }
            say("   kill -9 of the leader %s at %.1f s: longest gap between completed "
                    + "transactions %.2f s (%s; both coordinators together %.2f s)", k.victim(), seconds(k.atMicros()),
                    longest, gaps, all.longestGap(k.atMicros(), k.atMicros() + KILL_WINDOW_MICROS, endMicros));
            say("      transactions completed after it: %d", all.completedSince(k.atMicros()));
        }
        if (!kills.isEmpty()) {
            long firstKill = kills.get(0).atMicros();
            say("   for comparison, the longest gap before the kill (from 2 s on): %.2f s",
                    all.longestGap(startMicros + 2_000_000, firstKill - 1, firstKill));
            String lastVictim = kills.get(kills.size() - 1).victim();
            sayLine("   leader at the end: " + (finalLeader == null ? "(none)" : finalLeader));
            check(finalLeader != null && !finalLeader.equals(lastVictim), "no new leader after the kill of " + lastVictim);
        }
    }

    /** The balances on every coordinator; true when consistent and alike. */
    private boolean reportBalances() {
        for (int n = 0; n < after.size(); n++) {
            Balance b = after.get(n);
            say("   %s: sum(bbalance) %s, sum(delta) %s: %s; history rows %s", coordinator(n),
                    b.branches(), b.history(), b.consistent() ? "equal" : "DIFFERENT", b.historyRows());
            check(b.consistent(), "sum(bbalance) != sum(delta) through " + coordinator(n));
            check(b.equals(after.get(0)), coordinator(n) + " and " + coordinator(0) + " disagree");
        }
        long added = Long.parseLong(after.get(0).historyRows()) - Long.parseLong(before.get(0).historyRows());
        long completed = load.logs().stream().mapToLong(PgbenchLog::transactions).sum();
        // A transaction whose commit was under way when pgbench's time ran out may be in the history
        // without pgbench having counted it; one that pgbench counted must be there.
        say("   history rows added by this run: %d; transactions pgbench saw complete: %d",
                added, completed);
        check(added >= completed, (completed - added) + " transactions pgbench saw complete are not in the history");
        boolean agree = after.stream().allMatch(b -> b.equals(after.get(0)));
        boolean consistent = after.stream().allMatch(Balance::consistent);
        sayLine("   balances: " + (consistent && agree ? "consistent, and every coordinator agrees"
                : "INCONSISTENT"));
        return consistent && agree;
    }

    private void check(boolean ok, String failure) {
        if (!ok) {
            failures.add(failure);
        }
    }

    private String coordinator(int n) {
        return "coordinator " + (n + 1) + " (" + lab.host(n) + ")";
    }

    private double seconds(long micros) {
        return (micros - startMicros) / 1e6;
    }

    private static void writeCsv(Path file, Map<String, List<double[]>> series) throws IOException {
        StringBuilder sb = new StringBuilder("second");
        List<List<double[]>> columns = new ArrayList<>(series.values());
        for (int n = 0; n < columns.size(); n++) {
            sb.append(",coordinator").append(n + 1);
        }
        sb.append('\n');
        for (int s = 0; s < columns.get(0).size(); s++) {
            sb.append(s + 1);
            for (List<double[]> c : columns) {
                sb.append(',').append((long) c.get(s)[1]);
            }
            sb.append('\n');
        }
        Files.writeString(file, sb);
    }
}
