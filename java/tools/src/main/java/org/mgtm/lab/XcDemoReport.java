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
 * The real-XC demo's figures and checks: TPS per coordinator, pgbench errors, the longest gap between
 * completed transactions around each kill, that a new leader served after each kill, and the balance
 * check on every coordinator (sum(bbalance) = sum(delta) — accounts and tellers are updated with a
 * random bid by XC's pgbench, so their sums legitimately differ — and all coordinators agree). Writes
 * the per-second CSV and the chart.
 */
final class XcDemoReport {
    /** How long after a kill a stall still counts as the failover's. */
    private static final long KILL_WINDOW_MICROS = 5_000_000;

    /** Through one coordinator: sum(bbalance), sum(delta), count(*) of pgbench_history, as psql printed them. */
    record Balance(String branches, String history, String historyRows) {
        boolean consistent() {
            return !branches.isEmpty() && branches.equals(history);
        }
    }

    private final XcDemo.Settings settings;
    private final XcLab lab;
    private final long startMicros;
    private final List<XcDemo.Kill> kills;
    private final Map<Integer, String> leaders;
    private final List<PgbenchLog> logs;
    private final List<String> outputs;
    private final List<Integer> exitCodes;
    private final List<Balance> before;
    private final List<Balance> after;
    private final String finalLeader;
    private final List<String> failures = new ArrayList<>();
    private final StringBuilder summary = new StringBuilder();

    XcDemoReport(XcDemo.Settings settings, XcLab lab, long startMicros, List<XcDemo.Kill> kills,
                 Map<Integer, String> leaders, List<PgbenchLog> logs, List<String> outputs, List<Integer> exitCodes,
                 List<Balance> before, List<Balance> after, String finalLeader) {
        this.settings = settings;
        this.lab = lab;
        this.startMicros = startMicros;
        this.kills = kills;
        this.leaders = leaders;
        this.logs = logs;
        this.outputs = outputs;
        this.exitCodes = exitCodes;
        this.before = before;
        this.after = after;
        this.finalLeader = finalLeader;
    }

    /** Prints the timeline and the result, writes CSV and chart; returns the exit status (0: every check passed). */
    int print(Path dir) throws IOException {
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        for (int n = 0; n < logs.size(); n++) {
            series.put(coordinator(n), logs.get(n).perSecond(startMicros, settings.seconds()));
        }
        printTimeline(series);
        sayLine("== result");
        long errors = 0;
        for (int n = 0; n < logs.size(); n++) {
            List<String> aborted = PgbenchLog.abortedClients(outputs.get(n));
            errors += aborted.size();
            say("   %s: %d transactions, %.0f tps (pgbench: %.0f tps), errors %d",
                    coordinator(n), logs.get(n).transactions(), logs.get(n).transactions() / (double) settings.seconds(),
                    PgbenchLog.reportedTps(outputs.get(n)), aborted.size());
            aborted.stream().limit(5).forEach(line -> sayLine("      " + line));
            check(exitCodes.get(n) == 0, "pgbench through " + coordinator(n) + " exited with status " + exitCodes.get(n));
            check(logs.get(n).transactions() > 0, "no transaction completed through " + coordinator(n));
        }
        sayLine("   pgbench errors: " + errors);
        check(errors == 0, errors + " pgbench clients aborted");
        reportKills();
        reportBalances();
        Path png = dir.resolve("xc-demo-timeline.png");
        FailoverChart.write(png, series, FailoverChart.numbered(kills.stream().map(k -> seconds(k.atMicros())).toList()),
                "mgtm failover under Postgres-XC 0.9.2: pgbench -c " + settings.clients() + " through each of "
                        + logs.size() + " coordinators");
        writeCsv(dir.resolve("xc-demo-timeline.csv"), series);
        sayLine("   chart: " + png);
        if (failures.isEmpty()) {
            sayLine("   every check passed");
        }
        failures.forEach(f -> sayLine("   CHECK FAILED: " + f));
        Files.writeString(dir.resolve("summary.txt"), summary);
        return failures.isEmpty() ? 0 : 1;
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
        for (int n = 0; n < logs.size(); n++) {
            header.append(String.format(Locale.ROOT, "  %8s", "coord" + (n + 1)));
        }
        sayLine("== transactions per second" + System.lineSeparator() + header + "  leader");
        List<List<double[]>> columns = new ArrayList<>(series.values());
        for (int s = 1; s <= settings.seconds(); s++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "   %6d", s));
            for (List<double[]> c : columns) {
                line.append(String.format(Locale.ROOT, "  %8.0f", c.get(s - 1)[1]));
            }
            for (XcDemo.Kill k : kills) {
                if ((int) Math.ceil(seconds(k.atMicros())) == s) {
                    line.append("  (").append(k.victim()).append(" killed)");
                }
            }
            sayLine(line + "  " + leaders.getOrDefault(s, ""));
        }
    }

    /** Per kill: the longest gap between completed transactions per coordinator and cluster-wide, and the new leader. */
    private void reportKills() {
        check(!kills.isEmpty(), "no leader was killed");
        long endMicros = startMicros + settings.seconds() * 1_000_000L;
        PgbenchLog all = PgbenchLog.merge(logs);
        for (XcDemo.Kill k : kills) {
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

    private void reportBalances() {
        for (int n = 0; n < after.size(); n++) {
            Balance b = after.get(n);
            say("   %s: sum(bbalance) %s, sum(delta) %s: %s; history rows %s", coordinator(n),
                    b.branches(), b.history(), b.consistent() ? "equal" : "DIFFERENT", b.historyRows());
            check(b.consistent(), "sum(bbalance) != sum(delta) through " + coordinator(n));
            check(b.equals(after.get(0)), coordinator(n) + " and " + coordinator(0) + " disagree");
        }
        long added = Long.parseLong(after.get(0).historyRows()) - Long.parseLong(before.get(0).historyRows());
        long completed = logs.stream().mapToLong(PgbenchLog::transactions).sum();
        // A transaction whose commit was under way when pgbench's time ran out may be in the history
        // without pgbench having counted it; one that pgbench counted must be there.
        say("   history rows added by this run: %d; transactions pgbench saw complete: %d",
                added, completed);
        check(added >= completed, (completed - added) + " transactions pgbench saw complete are not in the history");
        boolean agree = after.stream().allMatch(b -> b.equals(after.get(0)));
        boolean consistent = after.stream().allMatch(Balance::consistent);
        sayLine("   balances: " + (consistent && agree ? "consistent, and every coordinator agrees"
                : "INCONSISTENT"));
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
