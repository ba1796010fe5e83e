package org.mgtm.chaos;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mgtm.lab.LocalProcess;
import org.mgtm.lab.SubclusterDemo;
import org.mgtm.lab.SubclusterLab;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mgtm subcluster-chaos SCHEDULE} (docs/chaos.md, "Sub-clusters"): the sub-cluster lab (G-GTM x3, two
 * sub-cluster groups x3, a proxy each) under mixed local and cross-sub-cluster load, with faults from a schedule
 * that names the group each hits:
 *
 * <pre>
 * duration 70s
 * at 8s kill-leader ggtm
 * at 16s kill-leader A
 * at 30s pause-leader B 2s
 * at 45s restart-all ggtm
 * </pre>
 *
 * Then the history is checked per sub-cluster and across them (invariants 1-12), the replicas' convergence is
 * compared, and DIR/report.txt and the chart are written. Exit status 0: no client error, no violation, every
 * group converged; 1 otherwise; 2: the run could not be carried out.
 */
@Command(name = "subcluster-chaos", mixinStandardHelpOptions = true,
        description = "Faults against the G-GTM and sub-cluster groups under mixed local and cross-sub-cluster load, "
                + "then the multi-sub-cluster history check and a report.")
public final class SubclusterChaosCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "The schedule (benchmarks/chaos/subclusters.schedule).")
    Path scheduleFile;

    @Option(names = "--subclusters", defaultValue = "2", description = "Sub-clusters (default: ${DEFAULT-VALUE}).")
    int subclusters;

    @Option(names = {"-c", "--clients"}, defaultValue = "8",
            description = "Local backends per sub-cluster (default: ${DEFAULT-VALUE}).")
    int localClients;

    @Option(names = "--cross-clients", defaultValue = "4",
            description = "Cross-sub-cluster clients (default: ${DEFAULT-VALUE}).")
    int crossClients;

    @Option(names = "--range-size", defaultValue = "2000",
            description = "GXIDs per range: small, so ranges are renewed during the faults (default: ${DEFAULT-VALUE}).")
    int rangeSize;

    @Option(names = "--dir", defaultValue = "run/chaos-subclusters",
            description = "Logs, data, history, report and chart (emptied first; default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--port", defaultValue = "6866", description = "XC port (default: ${DEFAULT-VALUE}).")
    int clientPort;

    @Option(names = "--internal-port", defaultValue = "6881", description = "Internal port (default: ${DEFAULT-VALUE}).")
    int internalPort;

    @Option(names = "--raft-port", defaultValue = "7950", description = "Raft port; FD_SOCK2 uses +100 and +101 "
            + "(default: ${DEFAULT-VALUE}).")
    int raftPort;

    @Option(names = "--heap", defaultValue = "-Xms64m -Xmx192m",
            description = "JVM heap flags of every process (default: ${DEFAULT-VALUE}).")
    String heap;

    @Option(names = "--classpath", description = "Class path of the child JVMs (default: this JVM's).")
    String classPath;

    private final PrintStream out;

    public SubclusterChaosCommand() {
        this(System.out);
    }

    public SubclusterChaosCommand(PrintStream out) {
        this.out = out;
    }

    /** A schedule: its duration (seconds) and faults. */
    record Schedule(int seconds, List<SubclusterDemo.GroupFault> faults) {
    }

    static Schedule parse(List<String> lines) {
        int seconds = -1;
        List<SubclusterDemo.GroupFault> faults = new ArrayList<>();
        for (int n = 1; n <= lines.size(); n++) {
            String line = lines.get(n - 1).replaceAll("#.*", "").trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] w = line.split("\\s+");
            try {
                if (w[0].equals("duration") && w.length == 2) {
                    seconds = (int) Math.ceil(seconds(w[1]));
                } else if (w[0].equals("at") && (w.length == 4 || w.length == 5)) {
                    boolean pause = w[2].equals("pause-leader");
                    if (pause != (w.length == 5)) {
                        throw new IllegalArgumentException(pause ? "pause-leader needs a length" : "only pause-leader takes a length");
                    }
                    faults.add(new SubclusterDemo.GroupFault(seconds(w[1]), w[3], w[2], pause ? seconds(w[4]) : 0));
                } else {
                    throw new IllegalArgumentException("expected 'duration T' or 'at T FAULT GROUP [LENGTH]'");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("schedule line " + n + ": " + e.getMessage() + ": " + lines.get(n - 1));
            }
        }
        faults.sort((a, b) -> Double.compare(a.atSeconds(), b.atSeconds()));
        if (seconds < 0) {
            seconds = (int) Math.ceil((faults.isEmpty() ? 0 : faults.get(faults.size() - 1).atSeconds()) + 10);
        }
        return new Schedule(seconds, faults);
    }

    /** {@code 1500ms}, {@code 8s} or {@code 2m}. */
    static double seconds(String t) {
        if (t.endsWith("ms")) {
            return Double.parseDouble(t.substring(0, t.length() - 2)) / 1000;
        } else if (t.endsWith("s")) {
            return Double.parseDouble(t.substring(0, t.length() - 1));
        } else if (t.endsWith("m")) {
            return Double.parseDouble(t.substring(0, t.length() - 1)) * 60;
        }
        throw new IllegalArgumentException("a time takes ms, s or m: " + t);
    }

    @Override
    public Integer call() throws Exception {
        Schedule schedule;
        try {
            schedule = parse(Files.readAllLines(scheduleFile));
        } catch (IOException | IllegalArgumentException e) {
            out.println("mgtm subcluster-chaos: " + e.getMessage());
            return 2;
        }
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream both = new PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                captured.write(b);
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                captured.write(b, off, len);
                out.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8);
        both.printf(Locale.ROOT, "== schedule %s: %d s, %d faults%n", scheduleFile, schedule.seconds(),
                schedule.faults().size());
        SubclusterDemo run = new SubclusterDemo(new SubclusterDemo.Settings(classPath != null ? classPath
                : LocalProcess.ownClassPath(), subclusters, dir, schedule.seconds(), localClients, crossClients, 3,
                schedule.faults(), rangeSize, new int[] {clientPort, internalPort, raftPort}, List.of(heap.split("\\s+")),
                SubclusterLab.LOADED_MACHINE_TIMINGS), both);
        int rc;
        try {
            rc = run.run();
        } catch (IOException | IllegalStateException e) {
            both.println("mgtm subcluster-chaos: the run could not be carried out: " + e);
            return 2;
        }
        Files.writeString(dir.resolve("report.txt"), captured.toString(StandardCharsets.UTF_8) + "verdict: "
                + (rc == 0 ? "PASS" : "FAIL") + "\n");
        return rc;
    }
}
