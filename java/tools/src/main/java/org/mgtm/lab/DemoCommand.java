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
import picocli.CommandLine.Option;

/**
 * {@code mgtm demo} (bin/mgtm-demo): the local lab's failover demo. Starts 3 replicas on
 * 127.0.0.11-13 and 2 mgtm_proxy processes on 127.0.0.31-32, runs the pgbench-shaped load through both
 * proxies with a live line per second, kills the leader with SIGKILL, and reports the failover pause,
 * the totals, whether any backend saw an error, and a PNG chart. Stops everything it started. With
 * {@code --pgxc-home} (or PGXC_HOME) the same on a real Postgres-XC 0.9.2 cluster: {@link XcDemo}.
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
            description = "Seconds into the load at which the leader is killed; several: 10,20 (default: ${DEFAULT-VALUE}).")
    List<Integer> killAt;

    @Option(names = {"-c", "--clients"}, defaultValue = "16",
            description = "Backends per proxy; with --pgxc-home pgbench clients per coordinator (default: ${DEFAULT-VALUE}).")
    int clientsPerProxy;

    @Option(names = "--dir", description = "Where logs, CSV and chart go; emptied first (default: run/demo, "
            + "with --pgxc-home run/demo-xc).")
    Path dir;

    @Option(names = "--replica-hosts", split = ",", defaultValue = "127.0.0.11,127.0.0.12,127.0.0.13",
            description = "The mgtm replicas' addresses (default: ${DEFAULT-VALUE}).")
    List<String> replicaHosts;

    @Option(names = "--node-hosts", split = ",", defaultValue = "127.0.0.31,127.0.0.32",
            description = "The XC nodes' addresses: an mgtm_proxy on each, with --pgxc-home also an XC datanode and "
                    + "coordinator (default: ${DEFAULT-VALUE}).")
    List<String> nodeHosts;

    @Option(names = "--pgxc-home", defaultValue = "${env:PGXC_HOME}",
            description = "An existing Postgres-XC 0.9.2 installation: run the demo on real XC (default: $PGXC_HOME).")
    Path pgxcHome;

    @Option(names = "--pgxc-user", description = "The user XC runs as (default: postgres when root, else the current user).")
    String pgxcUser;

    @Option(names = {"-s", "--scale"}, defaultValue = "10",
            description = "pgbench scale of the XC lab's database (default: ${DEFAULT-VALUE}).")
    int scale;

    @Option(names = "--lab-dir", defaultValue = "run/xc-lab",
            description = "The XC lab: data directories and mgtm's data, created on first use and kept "
                    + "(default: ${DEFAULT-VALUE}).")
    Path labDir;

    @Option(names = "--jar", description = "The mgtm jar to start the processes from (default: this one's class path).")
    Path jar;

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
        String classPath = jar != null ? jar.toAbsolutePath().toString() : LocalProcess.ownClassPath();
        if (pgxcHome != null && !pgxcHome.toString().isEmpty()) {
            String user = pgxcUser != null ? pgxcUser : XcInstallation.defaultUser();
            try {
                return new XcDemo(new XcInstallation(pgxcHome, user), new XcDemo.Settings(classPath, replicaHosts,
                        nodeHosts, labDir, dir != null ? dir : Path.of("run/demo-xc"), scale, clientsPerProxy, seconds,
                        killAt)).run();
            } catch (java.io.IOException | IllegalStateException e) {
                // what failed and where its log is: a stack trace would only hide it
                System.err.println("mgtm demo: " + e.getMessage());
                return 1;
            }
        }
        if (subclusters > 0) {
            return subclusterDemo(classPath);
        }
        Path runDir = dir != null ? dir : Path.of("run/demo");
        deleteTree(runDir);
        Files.createDirectories(runDir);
        try (LabCluster cluster = LabCluster.start(classPath, replicaHosts, nodeHosts, runDir, runDir, 1000)) {
            return runLoad(cluster, runDir);
        } finally {
            System.out.println("== stopped everything the demo started; logs in " + runDir);
        }
    }

    private int runLoad(LabCluster cluster, Path runDir) throws Exception {
        System.out.printf(Locale.ROOT, "== load: %d backends on each proxy, %d s; killing the leader at %s s%n",
                clientsPerProxy, seconds, killAt);
        List<BenchRun> runs = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(nodeHosts.size());
        List<Future<BenchResult>> results = new ArrayList<>();
        PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
        for (String host : nodeHosts) {
            BenchRun run = new BenchRun(new BenchSettings(new InetSocketAddress(host, LabCluster.CLIENT_PORT), clientsPerProxy,
                    seconds, 5, false, 1, WireFormat.DEFAULT, false), quiet);
            runs.add(run);
            results.add(pool.submit(run::run));
        }
        long start = System.nanoTime();
        List<double[]> perSecond = new ArrayList<>();
        List<Double> kills = new ArrayList<>();
        List<Long> completions = new ArrayList<>();  // total completed at each sample
        long lastSecondTotal = 0;
        int nextKill = 0;
        for (int sample = 1; sample <= seconds * 1000 / SAMPLE_MILLIS; sample++) {
            long due = start + TimeUnit.MILLISECONDS.toNanos(sample * SAMPLE_MILLIS);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            completions.add(runs.stream().mapToLong(BenchRun::completedTransactions).sum());
            double at = sample * SAMPLE_MILLIS / 1000.0;
            if (nextKill < killAt.size() && at >= killAt.get(nextKill)) {
                nextKill++;
                LocalProcess victim = cluster.killLeader();
                if (victim != null) {
                    kills.add(at);
                    System.out.printf(Locale.ROOT, "   %5.1f s  kill -9 of the leader %s%n", at, victim);
                }
            }
            if (sample % (1000 / SAMPLE_MILLIS) == 0) {
                long total = completions.get(completions.size() - 1);
                long errors = runs.stream().mapToLong(BenchRun::failedTransactions).sum();
                String leader = cluster.leader(200);
                perSecond.add(new double[] {at, total - lastSecondTotal});
                System.out.printf(Locale.ROOT, "   %3.0f s  %7d tps  errors %d  leader %s%n", at, total - lastSecondTotal,
                        errors, leader == null ? "(none)" : leader);
                lastSecondTotal = total;
            }
        }
        long transactions = 0;
        long errors = 0;
        for (Future<BenchResult> f : results) {
            BenchResult r = f.get(60, TimeUnit.SECONDS);
            transactions += r.transactions();
            errors += r.errors();
        }
        pool.shutdown();
        double pause = longestPauseAfter(completions, kills);
        Path png = runDir.resolve("demo-timeline.png");
        FailoverChart.write(png, Map.of("transactions/s (both proxies)", perSecond), FailoverChart.numbered(kills),
                "mgtm failover demo: "
                + replicaHosts.size() + " replicas, " + nodeHosts.size() + " proxies, "
                + (nodeHosts.size() * clientsPerProxy) + " backends");
        writeCsv(runDir.resolve("demo-timeline.csv"), perSecond);
        System.out.println("== result");
        System.out.printf(Locale.ROOT, "   transactions: %d (%.0f tps on average), backend errors: %d%n", transactions,
                transactions / (double) seconds, errors);
        System.out.printf(Locale.ROOT, "   failover pause (longest stretch without a completed transaction after a kill): "
                + "%.1f s%n", pause);
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

    /** The longest run of samples without progress that starts at or after a kill, in seconds. */
    static double longestPauseAfter(List<Long> completions, List<Double> kills) {
        if (kills.isEmpty()) {
            return 0;
        }
        int firstKillSample = (int) Math.round(kills.get(0) * 1000 / SAMPLE_MILLIS) - 1;
        int longest = 0;
        int current = 0;
        for (int i = Math.max(1, firstKillSample); i < completions.size(); i++) {
            if (completions.get(i).equals(completions.get(i - 1))) {
                current++;
                longest = Math.max(longest, current);
            } else {
                current = 0;
            }
        }
        return longest * SAMPLE_MILLIS / 1000.0;
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
