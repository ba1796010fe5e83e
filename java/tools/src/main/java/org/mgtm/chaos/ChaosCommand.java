package org.mgtm.chaos;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.mgtm.lab.WallClock;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.mgtm.bench.BenchResult;
import org.mgtm.bench.BenchRun;
import org.mgtm.bench.BenchSettings;
import org.mgtm.check.CheckResult;
import org.mgtm.check.Checker;
import org.mgtm.check.HistoryReader;
import org.mgtm.check.InvariantSummary;
import org.mgtm.lab.LocalCluster;
import org.mgtm.lab.LocalProcess;
import org.mgtm.protocol.WireFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mgtm chaos SCHEDULE} (bin/mgtm-chaos): runs a replica group and two mgtm_proxy processes on
 * loopback under bench load through both proxies, recording a history per proxy, while it applies the
 * schedule's faults (kill -9, SIGSTOP/SIGCONT, iptables partitions, full restarts). Then it heals
 * everything, checks both histories (invariants 1-8, and no GXID granted twice across both), and writes
 * a text report and a PNG timeline. Exit status 0: no violation and the cluster recovered; 1: a
 * violation (or no recovery); 2: the run could not be carried out. See docs/chaos.md.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = "Fault injection on loopback: replicas and 2 proxies under recorded bench load, a schedule of "
                + "kills, pauses, partitions and full restarts, then a history check and a report.")
public final class ChaosCommand implements Callable<Integer> {
    static final String SECRET = "mgtm-chaos-secret";

    @Parameters(index = "0", description = "The fault schedule (benchmarks/chaos/ci.schedule, docs/chaos.md).")
    Path scheduleFile;

    @Option(names = {"-r", "--replicas"}, defaultValue = "3", description = "Replicas: 3 or 5 (default: ${DEFAULT-VALUE}).")
    int replicaCount;

    @Option(names = {"-c", "--clients"}, defaultValue = "8", description = "Backends per proxy (default: ${DEFAULT-VALUE}).")
    int clientsPerProxy;

    @Option(names = "--snapshots", defaultValue = "5", description = "Snapshots per transaction (default: ${DEFAULT-VALUE}).")
    int snapshots;

    @Option(names = "--settle", defaultValue = "10", description = "Seconds of load after the schedule's duration, on "
            + "the healed cluster (default: ${DEFAULT-VALUE}).")
    int settleSeconds;

    @Option(names = "--dir", defaultValue = "run/chaos", description = "Logs, data, histories, report and chart "
            + "(emptied first; default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--port", defaultValue = "6766", description = "XC port of replicas and proxies (default: ${DEFAULT-VALUE}).")
    int clientPort;

    @Option(names = "--internal-port", defaultValue = "6781", description = "Internal port (default: ${DEFAULT-VALUE}).")
    int internalPort;

    @Option(names = "--raft-port", defaultValue = "7850", description = "Raft port; FD_SOCK2 uses +100 and +101 "
            + "(default: ${DEFAULT-VALUE}).")
    int raftPort;

    @Option(names = "--replica-hosts-from", defaultValue = "11", description = "Replicas on 127.0.0.N, N+1, ... "
            + "(default: ${DEFAULT-VALUE}).")
    int replicaOctet;

    @Option(names = "--proxy-hosts-from", defaultValue = "31", description = "The two proxies on 127.0.0.N and N+1 "
            + "(default: ${DEFAULT-VALUE}).")
    int proxyOctet;

    @Option(names = "--tls", defaultValue = "true", arity = "1", description = "Replication between the replicas "
            + "over TLS, with a key store made for the run in DIR/tls (default: ${DEFAULT-VALUE}).")
    boolean tls;

    @Option(names = "--disk-size", defaultValue = "0", description = "Give each replica's data directory a tmpfs of "
            + "this many MiB (needs root), for the disk-full, corrupt-log and truncate-log faults (default: none).")
    int diskMegabytes;

    @Option(names = "--proxy-deadline-ms", defaultValue = "30000", description = "The proxies' --deadline-ms "
            + "(default: ${DEFAULT-VALUE}).")
    long proxyDeadlineMs;

    @Option(names = "--seed", description = "Seed for the random choices (default: time).")
    Long seed;

    @Option(names = "--classpath", description = "Class path of the child JVMs (default: this JVM's).")
    String classPath;

    @Spec
    CommandSpec spec;

    private final PrintStream out;

    public ChaosCommand() {
        this(System.out);
    }

    public ChaosCommand(PrintStream out) {
        this.out = out;
    }

    /** What happened to one scheduled fault: times in ms since the load started. */
    record Applied(FaultSchedule.Fault fault, long startMs, long endMs, String detail, boolean skipped) {
    }

    @Override
    public Integer call() throws Exception {
        try {
            return run();
        } catch (IllegalArgumentException | IOException | java.util.concurrent.ExecutionException
                 | java.util.concurrent.TimeoutException e) {
            out.println("mgtm chaos: the run could not be carried out: " + e);
            e.printStackTrace(out);
            return 2;
        }
    }

    private int run() throws Exception {
        if (replicaCount != 3 && replicaCount != 5) {
            throw new IllegalArgumentException("--replicas must be 3 or 5");
        }
        if (replicaOctet < 2 || replicaOctet + replicaCount > 255 || proxyOctet < 2 || proxyOctet + 2 > 255) {
            throw new IllegalArgumentException("--replica-hosts-from and --proxy-hosts-from must leave the hosts in 127.0.0.2-254");
        }
        FaultSchedule schedule = FaultSchedule.read(scheduleFile);
        long chosenSeed = seed != null ? seed : System.nanoTime();
        Random random = new Random(chosenSeed);
        boolean needIptables = schedule.faults().stream().anyMatch(f -> f.kind().isPartition());
        if (needIptables) {
            Iptables.require();
        }
        boolean needDisks = schedule.faults().stream().anyMatch(f -> f.kind().isDisk());
        if (needDisks && diskMegabytes <= 0) {
            throw new IllegalArgumentException("the schedule has disk faults: give --disk-size MiB");
        }
        if (diskMegabytes > 0) {
            Tmpfs.require(dir.toAbsolutePath().getParent());
        }
        String cp = classPath != null ? classPath : LocalProcess.ownClassPath();
        Tmpfs.unmountUnder(dir);
        deleteTree(dir);
        Files.createDirectories(dir);
        int loadSeconds = (int) ((schedule.durationMillis() + 999) / 1000) + settleSeconds;
        String started = Instant.now().toString();
        out.printf(Locale.ROOT, "== mgtm chaos: %s, %d faults over %d s (+%d s settle), %d replicas, 2 proxies x %d "
                        + "backends, seed %d, dir %s%n", scheduleFile, schedule.faults().size(),
                schedule.durationMillis() / 1000, settleSeconds, replicaCount, clientsPerProxy, chosenSeed, dir);
        List<Applied> applied = new CopyOnWriteArrayList<>();
        List<long[]> samples = new ArrayList<>(); // per second: completed, failed (cumulative)
        List<BenchResult> results = new ArrayList<>();
        List<Path> histories = List.of(dir.resolve("history-proxy1.jsonl"), dir.resolve("history-proxy2.jsonl"));
        long[] healedAtMs = {-1};
        boolean[] healFailed = {false};
        LocalCluster.Convergence[] convergence = {null};
        List<String> replicaArgs = new ArrayList<>(List.of("-x", "1000", "--io-threads", "1"));
        if (tls) {
            Path store = new org.mgtm.net.TlsKeys(dir.toAbsolutePath().resolve("tls"), SECRET, 30).shared();
            replicaArgs.addAll(List.of("--tls-keystore", store.toString()));
        } else {
            replicaArgs.addAll(List.of("--tls", "off"));
        }
        LocalCluster.Layout layout = new LocalCluster.Layout(LocalCluster.Layout.hosts(replicaCount, replicaOctet),
                LocalCluster.Layout.hosts(2, proxyOctet), clientPort, internalPort, raftPort, SECRET, replicaArgs,
                List.of("--deadline-ms", Long.toString(proxyDeadlineMs), "--io-threads", "1"));
        try (Tmpfs tmpfs = new Tmpfs();
             LocalCluster cluster = new LocalCluster(dir.toAbsolutePath(), cp, layout);
             Iptables iptables = new Iptables()) {
            DiskFaults disks = null;
            if (diskMegabytes > 0) {
                for (LocalProcess r : cluster.replicas) {
                    tmpfs.mount(dir.toAbsolutePath().resolve(r.name), diskMegabytes);
                }
                disks = new DiskFaults(cluster, dir.toAbsolutePath());
            }
            out.println("== " + WallClock.now() + " starting " + replicaCount + " replicas and 2 proxies");
            cluster.startReplicas();
            cluster.startProxies();
            out.println("   " + cluster.statusLine());
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                List<BenchRun> runs = new ArrayList<>();
                List<Future<BenchResult>> futures = new ArrayList<>();
                PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
                for (int i = 0; i < 2; i++) {
                    BenchSettings s = new BenchSettings(cluster.proxyAddress(i), clientsPerProxy, loadSeconds, snapshots,
                            false, 1, WireFormat.DEFAULT, false).withHistory(histories.get(i));
                    BenchRun run = new BenchRun(s, quiet);
                    runs.add(run);
                    futures.add(pool.submit(run::run));
                }
                long loadStart = System.nanoTime();
                FaultRunner runner = new FaultRunner(cluster, iptables, disks, random, loadStart, out);
                Future<?> faults = pool.submit(() -> {
                    try {
                        runner.runAll(schedule, applied);
                    } finally {
                        healedAtMs[0] = runner.healEverything(healFailed);
                    }
                    return null;
                });
                for (int sec = 1; sec <= loadSeconds; sec++) {
                    long wait = loadStart + TimeUnit.SECONDS.toNanos(sec) - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    long done = runs.stream().mapToLong(BenchRun::completedTransactions).sum();
                    long failed = runs.stream().mapToLong(BenchRun::failedTransactions).sum();
                    samples.add(new long[] {done, failed});
                    long prevDone = sec > 1 ? samples.get(sec - 2)[0] : 0;
                    long prevFailed = sec > 1 ? samples.get(sec - 2)[1] : 0;
                    if (sec % 5 == 0 || done == prevDone || failed > prevFailed) {
                        out.printf(Locale.ROOT, "   %s %4d s  %6d tps  errors %d%n", WallClock.now(), sec, done - prevDone,
                                failed - prevFailed);
                    }
                }
                for (Future<BenchResult> f : futures) {
                    results.add(f.get(proxyDeadlineMs / 1000 + 120, TimeUnit.SECONDS));
                }
                faults.get(30, TimeUnit.MINUTES);
                convergence[0] = cluster.awaitConvergence(30_000);
            } finally {
                pool.shutdownNow();
                pool.awaitTermination(30, TimeUnit.SECONDS);
            }
            out.println("== " + WallClock.now() + " stopping everything the run started");
        }
        return report(schedule, chosenSeed, started, applied, samples, results, histories, healedAtMs[0], healFailed[0],
                loadSeconds, convergence[0]);
    }

    private int report(FaultSchedule schedule, long chosenSeed, String started, List<Applied> applied,
                       List<long[]> samples, List<BenchResult> results, List<Path> histories, long healedAtMs,
                       boolean healFailed, int loadSeconds, LocalCluster.Convergence convergence) throws IOException {
        StringBuilder r = new StringBuilder();
        r.append("mgtm chaos report\n");
        r.append(String.format(Locale.ROOT, "started %s on %s (%d cpus), schedule %s, seed %d%n", started, hostName(),
                Runtime.getRuntime().availableProcessors(), scheduleFile, chosenSeed));
        if (spec != null && spec.commandLine().getParseResult() != null) {
            // originalArgs are the whole command line's: from the top command's arguments on, "chaos" included
            List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
            if (!args.isEmpty() && args.get(0).equals(spec.name())) {
                args.remove(0);
            }
            r.append("command: mgtm chaos ").append(String.join(" ", args)).append('\n');
        }
        r.append(String.format(Locale.ROOT, "cluster: %d replicas (127.0.0.%d-%d%s), 2 proxies (127.0.0.%d-%d, deadline "
                        + "%d ms), %d backends per proxy, %d snapshots per transaction, load %d s%n", replicaCount,
                replicaOctet, replicaOctet + replicaCount - 1, tls ? ", replication over TLS" : "", proxyOctet, proxyOctet + 1, proxyDeadlineMs, clientsPerProxy, snapshots, loadSeconds));
        r.append("\nfaults (ms since the load started: scheduled, applied, ended)\n");
        int done = 0;
        int skipped = 0;
        java.util.Map<String, Integer> byKind = new java.util.TreeMap<>();
        int noLeader = 0;
        for (Applied a : applied) {
            if (a.skipped()) {
                skipped++;
            } else if (a.detail().startsWith("no leader to")) {
                noLeader++; // the group had no leader then: nothing was done
            } else {
                done++;
                byKind.merge(a.fault().kind().text, 1, Integer::sum);
            }
            r.append(String.format(Locale.ROOT, "  %8d %8d %8d  %-36s %s%n", a.fault().atMillis(), a.startMs(), a.endMs(),
                    a.fault(), (a.skipped() ? "SKIPPED: " : "") + a.detail()));
        }
        r.append(String.format(Locale.ROOT, "faults applied: %d (%s), skipped: %d, not applicable (the group had no "
                + "leader to act on): %d; everything healed at %d ms%s%n", done, byKind, skipped, noLeader, healedAtMs,
                healFailed ? " (HEALING FAILED)" : ""));
        long transactions = results.stream().mapToLong(BenchResult::transactions).sum();
        long errors = results.stream().mapToLong(BenchResult::errors).sum();
        r.append(String.format(Locale.ROOT, "%ntransactions: %d (%.0f tps on average), failed transactions (backend "
                + "errors): %d%n", transactions, transactions / (double) loadSeconds, errors));
        long violations = 0;
        List<HistoryStats> stats = new ArrayList<>();
        for (Path h : histories) {
            HistoryStats s = HistoryStats.scan(h, stats.size());
            stats.add(s);
            CheckResult c = new Checker().check(new HistoryReader(h));
            violations += c.totalViolations();
            r.append("\nhistory ").append(h.getFileName()).append(": ").append(s.summary()).append('\n');
            for (InvariantSummary inv : c.invariants()) {
                r.append("  ").append(inv.line()).append('\n');
            }
            ByteArrayPrint shown = new ByteArrayPrint();
            if (!c.valid()) {
                c.print(shown.stream, new HistoryReader(h));
                r.append(shown.text());
            }
        }
        long crossDuplicates = HistoryStats.duplicateGxids(stats);
        violations += crossDuplicates;
        r.append(String.format(Locale.ROOT, "%nGXIDs granted across both histories: %d, granted twice: %d%n",
                stats.stream().mapToLong(HistoryStats::gxidCount).sum(), crossDuplicates));
        long afterHeal = 0;
        int healedSecond = (int) ((healedAtMs + 999) / 1000);
        for (int s = Math.max(1, healedSecond + 1); s <= samples.size(); s++) {
            afterHeal += samples.get(s - 1)[0] - (s >= 2 ? samples.get(s - 2)[0] : 0);
        }
        boolean judged = healedAtMs >= 0 && samples.size() - healedSecond >= 5;
        boolean recovered = !healFailed && (!judged || afterHeal > 0);
        r.append(String.format(Locale.ROOT, "transactions after healing: %d%s%n", afterHeal,
                judged ? "" : " (too little load left after healing to judge recovery)"));
        // Replicas in different states at the same log position: the log or its application went wrong somewhere.
        boolean converged = convergence != null && convergence.sameIndex();
        if (converged && !convergence.sameState()) {
            violations++;
        }
        r.append(String.format(Locale.ROOT, "replica states after the load: %s (%s)%n", !converged
                ? "NOT at the same log position within 30 s" : convergence.sameState() ? "identical"
                : "VIOLATION: different states at the same log position", convergence == null ? "not checked"
                : convergence.detail()));
        recovered &= converged;
        boolean ok = violations == 0 && recovered && transactions > 0;
        r.append(String.format(Locale.ROOT, "%nverdict: %s (violations %d; errors are reported, not failures: see "
                + "docs/chaos.md)%n", ok ? "PASS" : "FAIL" + (violations > 0 ? "" : recovered ? " (no transaction)"
                : " (the cluster did not recover)"), violations));
        Files.writeString(dir.resolve("report.txt"), r);
        writeTimeline(samples, applied, healedAtMs);
        out.print(r);
        out.println("report: " + dir.resolve("report.txt") + ", timeline: " + dir.resolve("timeline.png"));
        return ok ? 0 : 1;
    }

    private void writeTimeline(List<long[]> samples, List<Applied> applied, long healedAtMs) throws IOException {
        List<double[]> perSecond = new ArrayList<>();
        StringBuilder csv = new StringBuilder("second,transactions,errors\n");
        long[] prev = {0, 0};
        for (int i = 0; i < samples.size(); i++) {
            long[] s = samples.get(i);
            perSecond.add(new double[] {i + 1, s[0] - prev[0], s[1] - prev[1]});
            csv.append(i + 1).append(',').append(s[0] - prev[0]).append(',').append(s[1] - prev[1]).append('\n');
            prev = s;
        }
        Files.writeString(dir.resolve("timeline.csv"), csv);
        StringBuilder faults = new StringBuilder("scheduled_ms,start_ms,end_ms,fault,skipped,detail\n");
        for (Applied a : applied) {
            faults.append(a.fault().atMillis()).append(',').append(a.startMs()).append(',').append(a.endMs()).append(',')
                    .append(a.fault()).append(',').append(a.skipped()).append(",\"")
                    .append(a.detail().replace('"', '\'')).append("\"\n");
        }
        Files.writeString(dir.resolve("faults.csv"), faults);
        ChaosChart.write(dir.resolve("timeline.png"), perSecond, applied.stream().filter(a -> !a.skipped()).toList(),
                "mgtm chaos: " + scheduleFile.getFileName() + ", " + replicaCount + " replicas, 2 proxies x "
                        + clientsPerProxy + " backends");
    }


    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "?";
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static final class ByteArrayPrint {
        final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
