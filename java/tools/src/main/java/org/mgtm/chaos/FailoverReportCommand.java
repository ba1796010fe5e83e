package org.mgtm.chaos;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.mgtm.chart.FailoverChart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mgtm failover-report --run DIR --out PREFIX} (benchmarks/failover.sh): turns a chaos run of
 * leader kills into the failover benchmark's result: PREFIX.md (machine, command, definition of the
 * pause, per-kill table, min/p50/p99/max, backend errors, the checker's verdict), PREFIX-pauses.csv,
 * PREFIX-timeline.csv (transactions per second, kills marked) and PREFIX.png. It reads what
 * {@code mgtm chaos} left in DIR: faults.csv (when each fault was applied), timeline.csv, report.txt
 * (the checker's verdict, so the histories are not checked twice) and history-proxy*.jsonl.
 */
@Command(name = "failover-report", mixinStandardHelpOptions = true,
        description = "Per-kill pauses (from the histories) of a chaos run of leader kills: markdown, CSV and PNG.")
public final class FailoverReportCommand implements Callable<Integer> {
    private static final Pattern KILL_DETAIL = Pattern.compile(
            "kill -9 (\\S+?)@\\S+.*?; leader (\\S+) after ([0-9.]+) s; restarted after ([0-9.]+) s");
    private static final Pattern VIOLATIONS = Pattern.compile("violations (\\d+)");

    @Option(names = "--run", required = true, description = "The chaos run's directory (its --dir).")
    Path run;

    @Option(names = "--out", required = true, description = "Output prefix: writes PREFIX.md, PREFIX-pauses.csv, "
            + "PREFIX-timeline.csv, PREFIX.png.")
    Path out;

    @Option(names = "--before-ms", defaultValue = "1000", description = "Window start before each kill (default: "
            + "${DEFAULT-VALUE}).")
    long beforeMs;

    @Option(names = "--after-ms", defaultValue = "10000", description = "Window end after each kill (default: "
            + "${DEFAULT-VALUE}).")
    long afterMs;

    @Option(names = "--command", defaultValue = "", description = "The command line that produced the run, for the report.")
    String command;

    @Option(names = "--machine", defaultValue = "", description = "Cores, RAM, kernel, Java, for the report.")
    String machine;

    @Option(names = "--load-before", defaultValue = "", description = "Load average before the run, for the report.")
    String loadBefore;

    @Option(names = "--started", defaultValue = "", description = "UTC time the run started, for the report.")
    String started;

    @Option(names = "--chaos-status", defaultValue = "-1", description = "Exit status of mgtm chaos (-1: unknown).")
    int chaosStatus;

    private final PrintStream console;

    public FailoverReportCommand() {
        this(System.out);
    }

    FailoverReportCommand(PrintStream console) {
        this.console = console;
    }

    /** A kill-leader line of faults.csv; pause null when it was skipped or found no leader. */
    record Row(FailoverPauses.Kill kill, FailoverPauses.Pause pause) {
    }

    @Override
    public Integer call() throws IOException {
        List<FailoverPauses.Kill> all = readKills(run.resolve("faults.csv"));
        List<FailoverPauses.Kill> done = all.stream().filter(FailoverReportCommand::carriedOut).toList();
        List<Path> histories;
        try (Stream<Path> s = Files.list(run)) {
            histories = s.filter(p -> p.getFileName().toString().matches("history-proxy\\d+\\.jsonl")).sorted().toList();
        }
        if (histories.isEmpty()) {
            console.println("mgtm failover-report: no history-proxy*.jsonl in " + run);
            return 2;
        }
        List<FailoverPauses.Completions> proxies = new ArrayList<>();
        for (Path h : histories) {
            proxies.add(FailoverPauses.Completions.read(h));
        }
        List<FailoverPauses.Pause> pauses = FailoverPauses.compute(done, proxies, beforeMs, afterMs);
        List<Row> rows = new ArrayList<>();
        int next = 0;
        for (FailoverPauses.Kill k : all) {
            rows.add(new Row(k, carriedOut(k) ? pauses.get(next++) : null));
        }
        List<double[]> perSecond = readTimeline(run.resolve("timeline.csv"));
        String report = Files.exists(run.resolve("report.txt")) ? Files.readString(run.resolve("report.txt")) : "";
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        String base = out.getFileName().toString();
        Files.writeString(sibling(base + "-pauses.csv"), pausesCsv(rows));
        Files.writeString(sibling(base + "-timeline.csv"), timelineCsv(perSecond, pauses));
        List<FailoverChart.Kill> kills = pauses.stream().map(p -> new FailoverChart.Kill(p.kill().number(),
                p.kill().atMs() / 1000.0, String.format(Locale.ROOT, "#%d %.0f ms", p.kill().number(), p.pauseMs())))
                .toList();
        FailoverChart.write(sibling(base + ".png"), perSecond, kills, String.format(Locale.ROOT,
                "mgtm failover: %d leader kills under load through 2 proxies; p50 pause %.0f ms, p99 %.0f ms",
                pauses.size(), percentile(pauses, 50), percentile(pauses, 99)));
        String md = markdown(base, rows, pauses, proxies, report);
        Files.writeString(sibling(base + ".md"), md);
        console.print(md);
        console.println("written: " + sibling(base + ".md") + ", " + base + "-pauses.csv, " + base + "-timeline.csv, "
                + base + ".png");
        return 0;
    }

    private Path sibling(String name) {
        return out.toAbsolutePath().getParent().resolve(name);
    }

    private static boolean carriedOut(FailoverPauses.Kill k) {
        return k.detail().startsWith("kill -9");
    }

    /** The kill-leader rows of faults.csv (scheduled_ms,start_ms,end_ms,fault,skipped,"detail"), numbered from 1. */
    static List<FailoverPauses.Kill> readKills(Path faultsCsv) throws IOException {
        List<FailoverPauses.Kill> kills = new ArrayList<>();
        List<String> lines = Files.readAllLines(faultsCsv);
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.split(",", 6);
            if (f.length < 6 || !f[3].equals(FaultSchedule.Kind.KILL_LEADER.text)) {
                continue;
            }
            String detail = f[5].replaceAll("^\"|\"$", "");
            if (Boolean.parseBoolean(f[4])) {
                detail = "skipped: " + detail;
            }
            kills.add(new FailoverPauses.Kill(kills.size() + 1, Long.parseLong(f[1]), detail));
        }
        return kills;
    }

    /** timeline.csv of mgtm chaos: second,transactions,errors. */
    static List<double[]> readTimeline(Path csv) throws IOException {
        List<double[]> rows = new ArrayList<>();
        if (!Files.exists(csv)) {
            return rows;
        }
        for (String line : Files.readAllLines(csv)) {
            if (line.isBlank() || !Character.isDigit(line.charAt(0))) {
                continue;
            }
            rows.add(Arrays.stream(line.split(",")).mapToDouble(Double::parseDouble).toArray());
        }
        return rows;
    }

    static double percentile(List<FailoverPauses.Pause> pauses, double p) {
        return FailoverPauses.percentile(pauses.stream().mapToDouble(FailoverPauses.Pause::pauseMs).toArray(), p);
    }

    private static String pausesCsv(List<Row> rows) {
        StringBuilder b = new StringBuilder("kill,kill_ms,victim,new_leader,leader_seen_after_s,victim_running_after_s,"
                + "pause_ms,proxy,gap_start_after_kill_ms,gap_end_after_kill_ms,open,errors_in_window\n");
        for (Row r : rows) {
            Matcher m = KILL_DETAIL.matcher(r.kill().detail());
            boolean parsed = m.find();
            b.append(r.kill().number()).append(',').append(r.kill().atMs()).append(',')
                    .append(parsed ? m.group(1) + "," + m.group(2) + "," + m.group(3) + "," + m.group(4) : ",,,");
            FailoverPauses.Pause p = r.pause();
            if (p == null) {
                b.append(",,,,,,\n");
                continue;
            }
            b.append(String.format(Locale.ROOT, ",%.1f,proxy%d,%.1f,%.1f,%s,%d%n", p.pauseMs(), p.proxy() + 1,
                    p.startAfterKillMs(), p.endAfterKillMs(), p.open(), p.errorsInWindow()));
        }
        return b.toString();
    }

    private static String timelineCsv(List<double[]> perSecond, List<FailoverPauses.Pause> pauses) {
        StringBuilder b = new StringBuilder("second,transactions,failed_transactions,kills,pause_ms\n");
        for (double[] s : perSecond) {
            // Second n of the chaos sampler covers (n-1, n] seconds since the load started.
            List<FailoverPauses.Pause> in = pauses.stream().filter(p -> p.kill().atMs() > (s[0] - 1) * 1000
                    && p.kill().atMs() <= s[0] * 1000).toList();
            b.append(String.format(Locale.ROOT, "%.0f,%.0f,%.0f,%s,%s%n", s[0], s[1], s[2],
                    String.join(" ", in.stream().map(p -> Integer.toString(p.kill().number())).toList()),
                    String.join(" ", in.stream().map(p -> String.format(Locale.ROOT, "%.1f", p.pauseMs())).toList())));
        }
        return b.toString();
    }

    private String markdown(String base, List<Row> rows, List<FailoverPauses.Pause> pauses,
                            List<FailoverPauses.Completions> proxies, String report) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "# Failover: %d kill -9 of the leader under load through 2 proxies%n%n",
                pauses.size()));
        b.append("- date (UTC): ").append(started.isEmpty() ? "unknown" : started).append('\n');
        b.append("- machine: ").append(machine.isEmpty() ? "not given" : machine).append('\n');
        b.append("- load average before the run: ").append(loadBefore.isEmpty() ? "not given" : loadBefore).append('\n');
        b.append("- command: `").append(command.isEmpty() ? "not given" : command).append("`\n");
        String chaosCommand = lineOf(report, "command: ");
        if (!chaosCommand.isEmpty()) {
            b.append("- chaos run: `").append(chaosCommand.substring("command: ".length())).append("`\n");
        }
        reportLine(b, report, "cluster: ");
        b.append('\n');

        b.append("## Result\n\n");
        long errors = proxies.stream().mapToLong(c -> c.errors().length).sum();
        b.append(String.format(Locale.ROOT, "- leader kills carried out: %d of %d scheduled%s%n", pauses.size(),
                rows.size(), pauses.size() == rows.size() ? "" : " (the others: see the table)"));
        b.append(String.format(Locale.ROOT, "- **pause: min %.0f ms, p50 %.0f ms, p99 %.0f ms, max %.0f ms**%n",
                percentile(pauses, 0), percentile(pauses, 50), percentile(pauses, 99), percentile(pauses, 100)));
        long open = pauses.stream().filter(FailoverPauses.Pause::open).count();
        if (open > 0) {
            b.append(String.format(Locale.ROOT, "- %d pause(s) ran to the end of the history: lower bounds%n", open));
        }
        b.append(String.format(Locale.ROOT, "- errors seen by backends (fail and info completions in the histories, "
                + "whole run): **%d**%n", errors));
        Matcher v = VIOLATIONS.matcher(lineOf(report, "verdict: "));
        b.append("- checker: **").append(v.find() ? v.group(1) + " violations" : "no verdict found").append("**; ")
                .append(lineOf(report, "verdict: ").isEmpty() ? "no report.txt verdict line"
                        : "`" + lineOf(report, "verdict: ") + "`").append('\n');
        reportLine(b, report, "GXIDs granted across both histories");
        reportLine(b, report, "replica states after the load");
        b.append("- mgtm chaos exit status: ").append(chaosStatus < 0 ? "unknown" : Integer.toString(chaosStatus))
                .append(chaosStatus == 0 ? " (no violation, recovered)" : "").append('\n');
        baseline(b, pauses, proxies);
        b.append('\n');

        b.append("## Definition of the pause\n\n");
        b.append(String.format(Locale.ROOT, """
                For a kill applied at K (ms since the load started, from the fault runner's `faults.csv`), take \
                each proxy's history and the times at which its backends' operations completed (ok, fail or \
                info: any answer is a sign of life). The proxy's pause is the longest stretch between two \
                consecutive completions that overlaps the window [K - %d ms, K + %d ms]; the kill's pause is the \
                larger of the two proxies'. It is the longest time one proxy's backends got no answer at all \
                around the kill: detecting the dead leader, electing a new one, the proxies reconnecting and \
                resending, and any stall while the killed replica restarts and catches up within the window.

                A gap length is used because it does not depend on aligning two clocks: K is stamped by the \
                fault runner just before it looks up the leader and sends kill -9, the histories by their \
                recorders, both started with the load in one JVM a few ms apart. The table's "gap from / to" \
                columns place the gap relative to K: it starts when kill -9 actually lands, after the leader \
                lookup (a few ms, up to a few hundred on a loaded machine), and "to" is the time from K to \
                that proxy's first completion after the kill. Percentiles are nearest-rank: p is the ceil(p/100 x n)-th smallest of the n kills carried out \
                (with 20 kills p50 is the 10th smallest and p99 the largest).
                """, beforeMs, afterMs)).append('\n');

        b.append("## Per kill\n\n");
        b.append("| # | kill at (s) | victim | new leader (seen by the runner after, s) | victim running again after (s) "
                + "| **pause (ms)** | proxy | gap from / to (ms after the kill) | errors in window |\n");
        b.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            Matcher m = KILL_DETAIL.matcher(r.kill().detail());
            boolean parsed = m.find();
            FailoverPauses.Pause p = r.pause();
            if (p == null) {
                b.append(String.format(Locale.ROOT, "| %d | %.1f | not carried out: %s | | | | | | |%n",
                        r.kill().number(), r.kill().atMs() / 1000.0, r.kill().detail().replace('|', '/')));
                continue;
            }
            b.append(String.format(Locale.ROOT, "| %d | %.1f | %s | %s | %s | **%s%.0f** | proxy%d | %+.0f / %+.0f | %d |%n",
                    r.kill().number(), r.kill().atMs() / 1000.0, parsed ? m.group(1) : r.kill().detail(),
                    parsed ? m.group(2) + " (" + m.group(3) + ")" : "", parsed ? m.group(4) : "", p.open() ? ">= " : "",
                    p.pauseMs(), p.proxy() + 1, p.startAfterKillMs(), p.endAfterKillMs(), p.errorsInWindow()));
        }
        b.append('\n');
        b.append("## Timeline\n\n");
        b.append("![transactions per second, kills marked](").append(base).append(".png)\n\n");
        b.append("Transactions per second over both proxies, one red line per kill labelled with its number and "
                + "pause (ms). Data: `").append(base).append("-timeline.csv` (per second, with the kills in that "
                + "second), per-kill pauses: `").append(base).append("-pauses.csv`.\n");
        return b.toString();
    }

    /** The longest gap before the first kill's window (after 2 s of warm-up): what "no failover" looks like. */
    private void baseline(StringBuilder b, List<FailoverPauses.Pause> pauses, List<FailoverPauses.Completions> proxies) {
        if (pauses.isEmpty()) {
            return;
        }
        long from = 2_000_000_000L;
        long to = (pauses.get(0).kill().atMs() - beforeMs) * 1_000_000;
        if (to <= from) {
            return;
        }
        long longest = 0;
        for (FailoverPauses.Completions c : proxies) {
            FailoverPauses.Gap g = FailoverPauses.longestGap(c, from, to);
            longest = Math.max(longest, g == null ? 0 : g.length());
        }
        b.append(String.format(Locale.ROOT, "- for comparison, the longest gap without a kill (2 s to %.1f s, "
                + "before the first kill's window): %.0f ms%n", to / 1e9, longest / 1e6));
    }

    private static String lineOf(String report, String prefix) {
        return report.lines().filter(l -> l.startsWith(prefix)).findFirst().orElse("");
    }

    /** Copies report.txt's line starting with prefix as a list item, if there is one. */
    private static void reportLine(StringBuilder b, String report, String prefix) {
        String line = lineOf(report, prefix);
        if (!line.isEmpty()) {
            b.append("- ").append(line).append('\n');
        }
    }
}
