package org.mgtm.lab;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.mgtm.bench.BenchResult;
import org.mgtm.bench.BenchRun;
import org.mgtm.bench.BenchSettings;
import org.mgtm.chart.FailoverChart;
import org.mgtm.protocol.WireFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mgtm demo} (bin/mgtm-demo): the local lab's failover demo. Starts 3 replicas on
 * 127.0.0.11-13 and 2 mgtm_proxy processes on 127.0.0.31-32, runs the pgbench-shaped load through both
 * proxies with a live line per second, kills the leader with SIGKILL, and reports the failover pause,
 * the totals, whether any backend saw an error, and a PNG chart. Stops everything it started. With
 * {@code --pgxc-home} (or PGXC_HOME) the same on a real Postgres-XC 0.9.2 cluster ({@link #runOnXc}).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Failover demo on loopback: 3 mgtm replicas, 2 mgtm_proxy, load through both, kill the leader.",
                "With --pgxc-home (or PGXC_HOME): a real Postgres-XC 0.9.2 datanode and coordinator on each node, "
                        + "pgbench through both coordinators."})
public final class DemoCommand implements Callable<Integer> {
    private static final long SAMPLE_MILLIS = 100;

    @Option(names = {"-T", "--duration"}, defaultValue = "30", description = "Seconds of load (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--kill-at", defaultValue = "10", split = ",",
            description = "Seconds after the clock started at which the leader is killed; several: 10,20 "
                    + "(default: ${DEFAULT-VALUE}).")
    List<Integer> killAt;

    @Option(names = "--warmup", defaultValue = "3",
            description = "Seconds of load before the clock starts, so that the JVMs' warm-up (class loading, JIT) "
                    + "does not dominate the chart; not counted in the totals (default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(names = {"-c", "--clients"}, defaultValue = "16",
            description = "Backends per proxy; with --pgxc-home pgbench clients per coordinator (default: ${DEFAULT-VALUE}).")
    int clientsPerProxy;

    @Option(names = "--dir", description = "Where logs, CSV and chart go; emptied first (default: run/demo, "
            + "with --pgxc-home run/demo-xc).")
    Path dir;

    @Mixin
    LabOptions lab;

    @Option(names = "--subclusters", defaultValue = "0",
            description = "Sub-cluster demo (docs/subclusters.md): the G-GTM x3 on 127.0.0.111-113 and this many "
                    + "sub-cluster groups x3 (A on .114-.116, B on .117-.119) with an mgtm_proxy each (.121, .122), "
                    + "mixed local and cross-sub-cluster load, the leaders of --kill-groups killed at --kill-at, the "
                    + "history checked across sub-clusters (default: ${DEFAULT-VALUE}, the classic demo).")
    int subclusters;

    @Option(names = "--kill-groups", split = ",", defaultValue = "ggtm,A",
            description = "With --subclusters: whose leader each kill of --kill-at hits, in turn (default: ${DEFAULT-VALUE}).")
    List<String> killGroups;

    @Option(names = "--cross-clients", defaultValue = "4",
            description = "With --subclusters: cross-sub-cluster clients (default: ${DEFAULT-VALUE}).")
    int crossClients;

    @Option(names = "--range-size", defaultValue = "10000",
            description = "With --subclusters: GXIDs per range the groups ask for (default: ${DEFAULT-VALUE}).")
    int rangeSize;

    @Override
    public Integer call() throws Exception {
        if (lab.hasPgxcHome()) {
            try {
                return runOnXc(dir != null ? dir : Path.of("run/demo-xc"));
            } catch (java.io.IOException | IllegalStateException | IllegalArgumentException e) {
                // what failed and where its log is: a stack trace would only hide it
                System.err.println("mgtm demo: " + e.getMessage());
                return 1;
            }
        }
        if (subclusters > 0) {
            return subclusterDemo(lab.classPath());
        }
        Path runDir = dir != null ? dir : Path.of("run/demo");
        deleteTree(runDir);
        Files.createDirectories(runDir);
        try (LabCluster cluster = LabCluster.start(lab.classPath(), lab.replicaHosts, lab.nodeHosts, runDir, runDir,
                1000)) {
            return runLoad(cluster, runDir);
        } finally {
            System.out.println("== stopped everything the demo started; logs in " + runDir);
        }
    }

    /**
     * The demo on a real Postgres-XC 0.9.2: a group of every replica host with an mgtm_proxy per node,
     * XC's datanode and coordinator on each node (bin/node-start), pgbench through every coordinator
     * with the leader killed at the kill times, the figures and checks ({@link XcRunReport}).
     */
    private int runOnXc(Path runDir) throws Exception {
        deleteTree(runDir);
        XcInstallation xc = lab.installation();
        XcSetup setup = new XcSetup(XcSetup.Gtm.GROUP, lab.replicaHosts.size(), SingleGtm.Proxy.MGTM, null, killAt);
        try (XcLabSession session = XcLabSession.open(xc, lab.lab(xc), runDir)) {
            XcRunResult result = XcRun.run(session, setup, lab.classPath(), lab.replicaHosts,
                    new XcRun.Options(clientsPerProxy, seconds, 0, false, false, "xc-demo"), session.runDir);
            return result.passed() ? 0 : 1;
        } finally {
            System.out.println("== stopped everything the demo started; logs in " + runDir.toAbsolutePath());
        }
    }

    private int runLoad(LabCluster cluster, Path runDir) throws Exception {
        System.out.printf(Locale.ROOT, "== %s load: %d backends on each proxy, %d s of warm-up, then %d s on the clock; "
                + "killing the leader at %s s%n", WallClock.now(), clientsPerProxy, warmupSeconds, seconds, killAt);
        List<BenchRun> runs = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(lab.nodeHosts.size());
        List<Future<BenchResult>> results = new ArrayList<>();
        PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
        for (String host : lab.nodeHosts) {
            BenchRun run = new BenchRun(new BenchSettings(new InetSocketAddress(host, LabCluster.CLIENT_PORT), clientsPerProxy,
                    warmupSeconds + seconds, 5, false, 1, WireFormat.DEFAULT, false), quiet);
            runs.add(run);
            results.add(pool.submit(run::run));
        }
        TimeUnit.SECONDS.sleep(warmupSeconds);
        long errorsBefore = runs.stream().mapToLong(BenchRun::failedTransactions).sum();
        long start = System.nanoTime();
        DemoTimeline timeline = new DemoTimeline(SAMPLE_MILLIS, runs.stream().mapToLong(BenchRun::completedTransactions).sum());
        System.out.printf(Locale.ROOT, "   %s  clock started after the warm-up%n", WallClock.now());
        long lastSecondTotal = timeline.transactions();
        int nextKill = 0;
        for (int sample = 1; sample <= seconds * 1000 / SAMPLE_MILLIS; sample++) {
            long due = start + TimeUnit.MILLISECONDS.toNanos(sample * SAMPLE_MILLIS);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            timeline.sample(runs.stream().mapToLong(BenchRun::completedTransactions).sum());
            double at = timeline.seconds(sample);
            if (nextKill < killAt.size() && at >= killAt.get(nextKill)) {
                nextKill++;
                LocalProcess victim = cluster.killLeader();
                if (victim != null) {
                    timeline.kill(at);
                    System.out.printf(Locale.ROOT, "   %s  %5.1f s  kill -9 of the leader %s%n", WallClock.now(), at, victim);
                }
            }
            if (sample % (1000 / SAMPLE_MILLIS) == 0) {
                long total = timeline.transactions();
                long errors = runs.stream().mapToLong(BenchRun::failedTransactions).sum() - errorsBefore;
                String leader = cluster.leader(200);
                System.out.printf(Locale.ROOT, "   %s  %5.0f s  %7d tps  errors %d  leader %s%n", WallClock.now(), at,
                        total - lastSecondTotal, errors, leader == null ? "(none)" : leader);
                lastSecondTotal = total;
            }
        }
        long errors = 0;
        for (Future<BenchResult> f : results) {
            errors += f.get(60, TimeUnit.SECONDS).errors();
        }
        pool.shutdown();
        long transactions = timeline.transactions();
        List<FailoverChart.Pause> pauses = timeline.pauses();
        List<FailoverChart.Kill> kills = new ArrayList<>();
        for (int i = 0; i < pauses.size(); i++) {
            kills.add(new FailoverChart.Kill(i + 1, timeline.kills().get(i), String.format(Locale.ROOT,
                    "kill -9 of the leader at %.1f s", timeline.kills().get(i))));
        }
        Path png = runDir.resolve("demo-timeline.png");
        // Rates over 200 ms windows: a half-second pause is a visible dip to zero, which per-second bars hide.
        FailoverChart.write(png, Map.of("transactions/s over 200 ms (both proxies)", timeline.rate(2)), kills, pauses,
                "mgtm failover demo: " + lab.replicaHosts.size() + " replicas, " + lab.nodeHosts.size() + " proxies, "
                        + (lab.nodeHosts.size() * clientsPerProxy) + " backends",
                "seconds since the clock started (after " + warmupSeconds + " s of warm-up load, not shown)");
        writeCsv(runDir.resolve("demo-timeline.csv"), timeline.rate(10));
        System.out.println("== " + WallClock.now() + " result");
        System.out.printf(Locale.ROOT, "   transactions: %d in %d s (%.0f tps on average), backend errors: %d%n",
                transactions, seconds, transactions / (double) seconds, errors);
        for (int i = 0; i < pauses.size(); i++) {
            FailoverChart.Pause p = pauses.get(i);
            System.out.printf(Locale.ROOT, "   failover pause after kill #%d (longest stretch without a completed "
                    + "transaction): %.1f s, from %.1f s to %.1f s%n", i + 1, p.seconds(), p.fromSeconds(),
                    p.fromSeconds() + p.seconds());
        }
        System.out.printf(Locale.ROOT, "   failover pause (longest stretch without a completed transaction after a kill): "
                + "%.1f s%n", timeline.longestPause());
        System.out.println("   " + (errors == 0 ? "no backend saw an error" : "BACKENDS SAW ERRORS"));
        System.out.println("   chart: " + png);
        return errors == 0 && transactions > 0 ? 0 : 1;
    }

    private int subclusterDemo(String classPath) throws Exception {
        // The classic demo kills once at 10 s; with sub-clusters the default is a G-GTM leader and then A's.
        List<Integer> at = killAt.equals(List.of(10)) ? List.of(10, 20) : killAt;
        List<SubclusterDemo.GroupFault> kills = new ArrayList<>();
        for (int i = 0; i < at.size(); i++) {
            kills.add(SubclusterDemo.GroupFault.kill(at.get(i), killGroups.get(i % killGroups.size())));
        }
        String opts = System.getenv("MGTM_JAVA_OPTS");
        List<String> flags = opts == null || opts.isBlank() ? List.of("-Xms64m", "-Xmx256m") : List.of();
        SubclusterDemo demo = new SubclusterDemo(new SubclusterDemo.Settings(classPath, subclusters,
                dir != null ? dir : Path.of("run/demo-subclusters"), seconds, clientsPerProxy, crossClients, 3, kills,
                rangeSize, new int[] {LabCluster.CLIENT_PORT, LabCluster.INTERNAL_PORT, LabCluster.RAFT_PORT}, flags,
                SubclusterLab.LOADED_MACHINE_TIMINGS), System.out);
        try {
            return demo.run();
        } catch (java.io.IOException | IllegalStateException | IllegalArgumentException e) {
            System.err.println("mgtm demo: " + e.getMessage());
            return 1;
        }
    }

    private static void writeCsv(Path file, List<double[]> perSecond) throws java.io.IOException {
        StringBuilder sb = new StringBuilder("second,transactions\n");
        for (double[] p : perSecond) {
            sb.append(String.format(Locale.ROOT, "%.0f,%.0f%n", p[0], p[1]));
        }
        Files.writeString(file, sb);
    }

    static void deleteTree(Path root) throws java.io.IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
