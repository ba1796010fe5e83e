package org.mgtm.lab;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.mgtm.bench.SubclusterLoad;
import org.mgtm.chart.FailoverChart;
import org.mgtm.check.HistoryReader;
import org.mgtm.check.HistoryRecorder;
import org.mgtm.check.InvariantSummary;
import org.mgtm.check.SubclusterChecker;

/**
 * {@code mgtm demo --subclusters N} (bin/mgtm-demo --subclusters 2): the sub-cluster lab on loopback
 * ({@link SubclusterLab}: the G-GTM x3, N sub-cluster groups x3, an mgtm_proxy each) under mixed load (local
 * backends through each proxy, cross-sub-cluster clients), the G-GTM's leader killed, then a sub-cluster's; a
 * live line per second, a chart, every request recorded and the history checked across sub-clusters. Exit
 * status 0 only with no client error and no violation. The same run drives the CI process test.
 */
public final class SubclusterDemo {
    /**
     * @param classPath       what the processes run
     * @param subclusters     how many sub-clusters (1 or 2 on the loopback plan)
     * @param dir             logs, data, history, chart (emptied first)
     * @param seconds         seconds of load
     * @param localClients    local backends per sub-cluster
     * @param crossClients    cross-sub-cluster clients
     * @param snapshots       snapshots per transaction
     * @param kills           what to kill when: seconds into the load and group name ("ggtm", "A", ...)
     * @param rangeSize       GXIDs per range
     * @param ports           {client, internal, raft}
     * @param jvmFlags        flags for every process after the usual ones
     * @param replicaArgs     more replica options
     */
    public record Settings(String classPath, int subclusters, Path dir, int seconds, int localClients, int crossClients,
                           int snapshots, List<Map.Entry<Double, String>> kills, int rangeSize, int[] ports,
                           List<String> jvmFlags, List<String> replicaArgs) {
    }

    /** What the run came to. */
    public record Outcome(SubclusterLoad.Result load, SubclusterChecker.Result check, String convergence,
                          List<String> killLines, Path history, Path chart) {
        public boolean ok() {
            return load.errors() == 0 && load.local() > 0 && load.cross() > 0 && check.valid()
                    && !convergence.startsWith("DIVERGED");
        }
    }

    static final String SECRET = "mgtm-subcluster-demo";
    private static final long SAMPLE_MILLIS = 100;

    private final Settings settings;
    private final PrintStream out;

    public SubclusterDemo(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    /** Runs the demo and prints as it goes; exit status 0 iff {@link Outcome#ok()}. */
    public int run() throws Exception {
        Outcome o = execute();
        out.println("== result");
        out.println("   " + o.load().summary());
        o.killLines().forEach(l -> out.println("   " + l));
        for (Map.Entry<String, org.mgtm.check.CheckResult> e : o.check().perSubcluster().entrySet()) {
            out.println("   sub-cluster " + e.getKey() + ": " + verdict(e.getValue()));
        }
        out.println("   across sub-clusters: " + verdict(o.check().across()));
        out.println("   " + o.check().figures().line());
        out.println("   replicas: " + o.convergence());
        out.println("   " + (o.load().errors() == 0 ? "no client saw an error" : "CLIENTS SAW ERRORS"));
        out.println("   history: " + o.history() + " (bin/mgtm-check " + o.history() + ")");
        out.println("   chart: " + o.chart());
        out.println(o.ok() ? "== demo OK" : "== demo FAILED");
        return o.ok() ? 0 : 1;
    }

    private static String verdict(org.mgtm.check.CheckResult r) {
        List<String> parts = new ArrayList<>();
        for (InvariantSummary s : r.invariants()) {
            parts.add(s.invariant() + (s.wasChecked() ? ":" + s.violations() : ":-"));
        }
        return (r.valid() ? "OK" : r.totalViolations() + " VIOLATIONS") + " (invariant:violations " + String.join(" ", parts)
                + ")";
    }

    /** Starts the lab, runs the load with the kills, checks; stops everything it started. */
    public Outcome execute() throws Exception {
        Path dir = settings.dir().toAbsolutePath();
        DemoCommand.deleteTree(dir);
        Files.createDirectories(dir);
        int[] ports = settings.ports();
        SubclusterLab.Layout layout = SubclusterLab.Layout.standard(settings.subclusters(), ports[0], ports[1], ports[2],
                SECRET, settings.rangeSize(), settings.replicaArgs(), settings.jvmFlags());
        try (SubclusterLab lab = new SubclusterLab(dir, dir, settings.classPath(), layout)) {
            out.println("== starting the G-GTM on " + String.join(", ", layout.ggtmHosts()) + " and sub-clusters "
                    + layout.groupHosts() + ", proxies " + layout.proxyHosts());
            lab.start();
            out.printf(Locale.ROOT, "== load: %d local backends per sub-cluster, %d cross-sub-cluster clients, %d s%n",
                    settings.localClients(), settings.crossClients(), settings.seconds());
            return load(lab, dir);
        } finally {
            out.println("== stopped everything the demo started; logs in " + dir);
        }
    }

    private Outcome load(SubclusterLab lab, Path dir) throws Exception {
        Path history = dir.resolve("history.jsonl");
        HistoryRecorder recorder = HistoryRecorder.toFile(history);
        Map<String, java.net.InetSocketAddress> proxies = new LinkedHashMap<>();
        Map<String, List<java.net.InetSocketAddress>> groups = new LinkedHashMap<>();
        for (String sc : lab.subclusters()) {
            proxies.put(sc, lab.proxyAddress(sc));
            groups.put(sc, lab.internalAddresses(sc));
        }
        SubclusterLoad load = new SubclusterLoad(new SubclusterLoad.Settings(proxies, groups, lab.ggtmAddresses(), SECRET,
                settings.localClients(), settings.crossClients(), settings.snapshots(), settings.seconds()), recorder);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<SubclusterLoad.Result> running = pool.submit(load::run);
        List<double[]> localPerSecond = new ArrayList<>();
        List<double[]> crossPerSecond = new ArrayList<>();
        List<FailoverChart.Kill> kills = new ArrayList<>();
        List<String> killLines = new ArrayList<>();
        Map<LocalProcess, Long> toRestart = new LinkedHashMap<>();
        long start = System.nanoTime();
        long[] last = new long[3];
        int nextKill = 0;
        for (int sample = 1; sample <= settings.seconds() * 1000 / SAMPLE_MILLIS; sample++) {
            long wait = start + TimeUnit.MILLISECONDS.toNanos(sample * SAMPLE_MILLIS) - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            double at = sample * SAMPLE_MILLIS / 1000.0;
            if (nextKill < settings.kills().size() && at >= settings.kills().get(nextKill).getKey()) {
                String group = settings.kills().get(nextKill++).getValue();
                LocalProcess victim = lab.killLeader(group);
                if (victim != null) {
                    kills.add(new FailoverChart.Kill(kills.size() + 1, at, "#" + (kills.size() + 1) + " " + group));
                    killLines.add(String.format(Locale.ROOT, "%5.1f s: kill -9 of the leader of %s (%s)", at, group,
                            victim.name));
                    out.println("   " + killLines.get(killLines.size() - 1));
                    toRestart.put(victim, System.nanoTime());
                }
            }
            restartAfterAWhile(toRestart);
            if (sample % (1000 / SAMPLE_MILLIS) == 0) {
                long l = load.localTransactions();
                long c = load.crossTransactions();
                long e = load.errors();
                localPerSecond.add(new double[] {at, l - last[0]});
                crossPerSecond.add(new double[] {at, (c - last[1]) * 10.0});
                out.printf(Locale.ROOT, "   %3.0f s  local %6d tps  cross %5d tps  errors %d%n", at, l - last[0],
                        c - last[1], e);
                last[0] = l;
                last[1] = c;
                last[2] = e;
            }
        }
        SubclusterLoad.Result result = running.get(120, TimeUnit.SECONDS);
        pool.shutdown();
        for (LocalProcess p : toRestart.keySet()) {
            if (!p.alive()) {
                p.start(90_000);
            }
        }
        recordLayout(lab, recorder);
        recorder.close();
        String convergence = lab.convergence(30_000);
        Path png = dir.resolve("subclusters-timeline.png");
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        series.put("local transactions/s (all sub-clusters)", localPerSecond);
        series.put("cross-sub-cluster transactions/s (x10)", crossPerSecond);
        FailoverChart.write(png, series, kills, "mgtm sub-clusters: G-GTM x3, " + lab.subclusters().size()
                + " sub-cluster groups x3, mixed local and cross-sub-cluster load");
        out.println("== checking the history across sub-clusters");
        SubclusterChecker.Result check = new SubclusterChecker(20).check(new HistoryReader(history));
        if (!check.valid()) {
            check.print(out, new HistoryReader(history));
        }
        return new Outcome(result, check, convergence, killLines, history, png);
    }

    /** A killed replica is started again 2 s later (its group has elected a new leader by then), as an operator would. */
    private static void restartAfterAWhile(Map<LocalProcess, Long> killed) throws Exception {
        for (Map.Entry<LocalProcess, Long> k : killed.entrySet()) {
            if (!k.getKey().alive() && System.nanoTime() - k.getValue() > TimeUnit.SECONDS.toNanos(2)) {
                k.getKey().launch();
            }
        }
    }

    /** The ranges the G-GTM granted and which replica is in which group, into the history. */
    private static void recordLayout(SubclusterLab lab, HistoryRecorder recorder) throws InterruptedException {
        lab.members().forEach(recorder::member);
        JsonNode g = lab.ggtmStatus();
        if (g == null) {
            return;
        }
        for (JsonNode r : g.path("ggtm").path("recentGrants")) {
            recorder.range(r.path("subcluster").asText(), (int) r.path("first").asLong(), (int) r.path("last").asLong());
        }
    }
}
