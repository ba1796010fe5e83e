package org.mgtm.lab;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 * the totals, whether any backend saw an error, and a PNG chart. Stops everything it started.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Failover demo on loopback: 3 mgtm replicas, 2 mgtm_proxy, load through both, kill the leader.")
public final class DemoCommand implements Callable<Integer> {
    private static final String SECRET = "mgtm-demo-secret";
    private static final int RAFT_PORT = 7800;
    private static final int CLIENT_PORT = 6666;
    private static final int INTERNAL_PORT = 6680;
    private static final long SAMPLE_MILLIS = 100;

    @Option(names = {"-T", "--duration"}, defaultValue = "30", description = "Seconds of load (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--kill-at", defaultValue = "10", split = ",",
            description = "Seconds into the load at which the leader is killed; several: 10,20 (default: ${DEFAULT-VALUE}).")
    List<Integer> killAt;

    @Option(names = {"-c", "--clients"}, defaultValue = "16", description = "Backends per proxy (default: ${DEFAULT-VALUE}).")
    int clientsPerProxy;

    @Option(names = "--dir", defaultValue = "run/demo", description = "Where logs, data, CSV and chart go.")
    Path dir;

    @Option(names = "--jar", description = "The mgtm jar to start the processes from (default: this one).")
    Path jar;

    @Override
    public Integer call() throws Exception {
        String classPath = jar != null ? jar.toAbsolutePath().toString() : LocalProcess.ownClassPath();
        deleteTree(dir);
        Files.createDirectories(dir);
        LocalCluster.Layout layout = new LocalCluster.Layout(3, 2, CLIENT_PORT, INTERNAL_PORT, RAFT_PORT, SECRET,
                List.of("-x", "1000"), List.of());
        try (LocalCluster cluster = new LocalCluster(dir.toAbsolutePath(), classPath, layout)) {
            System.out.println("== starting 3 mgtm replicas on "
                    + String.join(", ", cluster.replicas.stream().map(p -> p.host).toList()));
            cluster.startReplicas();
            System.out.println("   leader: " + cluster.leader().name);
            System.out.println("== starting 2 mgtm_proxy on "
                    + String.join(", ", cluster.proxies.stream().map(p -> p.host).toList()));
            cluster.startProxies();
            return runLoad(cluster);
        } finally {
            System.out.println("== stopped everything the demo started; logs in " + dir);
        }
    }

    private int runLoad(LocalCluster cluster) throws Exception {
        System.out.printf(Locale.ROOT, "== load: %d backends on each proxy, %d s; killing the leader at %s s%n",
                clientsPerProxy, seconds, killAt);
        List<BenchRun> runs = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(cluster.proxies.size());
        List<Future<BenchResult>> results = new ArrayList<>();
        PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
        for (int i = 0; i < cluster.proxies.size(); i++) {
            BenchRun run = new BenchRun(new BenchSettings(cluster.proxyAddress(i), clientsPerProxy,
                    seconds, 5, false, 1, WireFormat.DEFAULT, false), quiet);
            runs.add(run);
            results.add(pool.submit(run::run));
        }
        long start = System.nanoTime();
        List<double[]> perSecond = new ArrayList<>();
        List<Double> kills = new ArrayList<>();
        long lastSecondErrors = 0;
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
                LocalProcess victim = cluster.leader();
                if (victim != null && victim.alive()) {
                    victim.kill9();
                    kills.add(at);
                    System.out.printf(Locale.ROOT, "   %5.1f s  kill -9 of the leader %s%n", at, victim);
                }
            }
            if (sample % (1000 / SAMPLE_MILLIS) == 0) {
                long total = completions.get(completions.size() - 1);
                long errors = runs.stream().mapToLong(BenchRun::failedTransactions).sum();
                LocalProcess leader = cluster.leader();
                perSecond.add(new double[] {at, total - lastSecondTotal, errors - lastSecondErrors});
                lastSecondErrors = errors;
                System.out.printf(Locale.ROOT, "   %3.0f s  %7d tps  errors %d  leader %s%n", at, total - lastSecondTotal,
                        errors, leader == null ? "(none)" : leader.name);
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
        Path png = dir.resolve("demo-timeline.png");
        List<FailoverChart.Kill> marks = new ArrayList<>();
        for (int i = 0; i < kills.size(); i++) {
            marks.add(new FailoverChart.Kill(i + 1, kills.get(i), "#" + (i + 1)));
        }
        FailoverChart.write(png, perSecond, marks, "mgtm failover demo: 3 replicas, 2 proxies, "
                + (2 * clientsPerProxy) + " backends");
        writeCsv(dir.resolve("demo-timeline.csv"), perSecond);
        System.out.println("== result");
        System.out.printf(Locale.ROOT, "   transactions: %d (%.0f tps on average), backend errors: %d%n", transactions,
                transactions / (double) seconds, errors);
        System.out.printf(Locale.ROOT, "   failover pause (longest stretch without a completed transaction after a kill): "
                + "%.1f s%n", pause);
        System.out.println("   " + (errors == 0 ? "no backend saw an error" : "BACKENDS SAW ERRORS"));
        System.out.println("   chart: " + png);
        return errors == 0 && transactions > 0 ? 0 : 1;
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

    private static void deleteTree(Path root) throws java.io.IOException {
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
