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
     * @param faults          what to do to which group when (kills of its leader by default)
     * @param rangeSize       GXIDs per range
     * @param ports           {client, internal, raft}
     * @param jvmFlags        flags for every process after the usual ones
     * @param replicaArgs     more replica options
     */
    public record Settings(String classPath, int subclusters, Path dir, int seconds, int localClients, int crossClients,
                           int snapshots, List<GroupFault> faults, int rangeSize, int[] ports,
                           List<String> jvmFlags, List<String> replicaArgs) {
    }

    /**
     * One fault: at {@code atSeconds} into the load, to group {@code group} ("ggtm", "A", ...): {@code kill-leader}
     * (SIGKILL, the replica started again 2 s later), {@code pause-leader} (SIGSTOP for {@code lengthSeconds},
     * then SIGCONT) or {@code restart-all} (SIGKILL of every replica of the group, then all started again).
     */
    public record GroupFault(double atSeconds, String group, String kind, double lengthSeconds) {
        public static final List<String> KINDS = List.of("kill-leader", "pause-leader", "restart-all");

        public GroupFault {
            if (!KINDS.contains(kind)) {
                throw new IllegalArgumentException("unknown fault '" + kind + "' (known: " + KINDS + ")");
            }
        }

        public static GroupFault kill(double atSeconds, String group) {
            return new GroupFault(atSeconds, group, "kill-leader", 0);
        }
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
        out.println("   " + o.load().probeLine());
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
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Future<SubclusterLoad.Result> running = pool.submit(load::run);
        long start = System.nanoTime();
        List<FailoverChart.Kill> kills = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> killLines = new java.util.concurrent.CopyOnWriteArrayList<>();
        Future<?> faults = pool.submit(() -> {
            runFaults(lab, start, kills, killLines);
            return null;
        });
        List<double[]> localPerSecond = new ArrayList<>();
        List<double[]> crossPerSecond = new ArrayList<>();
        long[] last = new long[3];
        for (int second = 1; second <= settings.seconds(); second++) {
            long wait = start + TimeUnit.SECONDS.toNanos(second) - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            long l = load.localTransactions();
            long c = load.crossTransactions();
            long e = load.errors();
            localPerSecond.add(new double[] {second, l - last[0]});
            crossPerSecond.add(new double[] {second, (c - last[1]) * 10.0});
            out.printf(Locale.ROOT, "   %3d s  local %6d tps  cross %5d tps  errors %d%n", second, l - last[0],
                    c - last[1], e);
            last[0] = l;
            last[1] = c;
            last[2] = e;
        }
        SubclusterLoad.Result result = running.get(120, TimeUnit.SECONDS);
        faults.get(180, TimeUnit.SECONDS);
        pool.shutdown();
        healEverything(lab);
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

    /** Applies the faults in time order (one that overruns delays the next), each logged with its time. */
    private void runFaults(SubclusterLab lab, long start, List<FailoverChart.Kill> kills, List<String> lines)
            throws Exception {
        for (GroupFault f : settings.faults()) {
            long wait = start + (long) (f.atSeconds() * 1e9) - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            double at = (System.nanoTime() - start) / 1e9;
            if (at >= settings.seconds()) {
                break;
            }
            String detail = apply(lab, f);
            kills.add(new FailoverChart.Kill(kills.size() + 1, at, "#" + (kills.size() + 1) + " " + f.group()));
            String line = String.format(Locale.ROOT, "%5.1f s: %s %s: %s", at, f.kind(), f.group(), detail);
            lines.add(line);
            out.println("   " + line);
        }
    }

    private static String apply(SubclusterLab lab, GroupFault f) throws Exception {
        LocalCluster group = lab.group(f.group());
        long t0 = System.nanoTime();
        switch (f.kind()) {
            case "kill-leader" -> {
                LocalProcess victim = lab.killLeader(f.group());
                if (victim == null) {
                    return "no leader to kill";
                }
                LocalProcess next = group.awaitLeader(30_000, victim);
                double elected = (System.nanoTime() - t0) / 1e9;
                // Started again as an operator would, once the group has a new leader (at least 2 s later).
                long rest = t0 + TimeUnit.SECONDS.toNanos(2) - System.nanoTime();
                if (rest > 0) {
                    TimeUnit.NANOSECONDS.sleep(rest);
                }
                victim.start(90_000);
                return String.format(Locale.ROOT, "kill -9 %s, new leader %s after %.1f s, %s running again after %.1f s",
                        victim.name, next == null ? "NONE" : next.name, elected, victim.name, (System.nanoTime() - t0) / 1e9);
            }
            case "pause-leader" -> {
                LocalProcess victim = group.awaitLeader(15_000, null);
                if (victim == null) {
                    return "no leader to pause";
                }
                victim.pause();
                try {
                    TimeUnit.MILLISECONDS.sleep((long) (f.lengthSeconds() * 1000));
                } finally {
                    victim.resume();
                }
                LocalProcess l = group.awaitLeader(30_000, null);
                return "SIGSTOP/SIGCONT " + victim.name + "; leader then " + (l == null ? "NONE" : l.name);
            }
            default -> {
                for (LocalProcess p : group.replicas) {
                    p.kill9();
                }
                group.startAll(group.replicas);
                LocalProcess l = group.awaitLeader(60_000, null);
                return String.format(Locale.ROOT, "kill -9 of every replica, all running again, leader %s after %.1f s",
                        l == null ? "NONE" : l.name, (System.nanoTime() - t0) / 1e9);
            }
        }
    }

    /** Resumes and restarts whatever a fault left paused or dead, in every group. */
    private static void healEverything(SubclusterLab lab) throws Exception {
        List<String> all = new ArrayList<>(List.of(SubclusterLab.GGTM));
        all.addAll(lab.subclusters());
        for (String g : all) {
            LocalCluster c = lab.group(g);
            for (LocalProcess p : c.replicas) {
                p.resume();
            }
            List<LocalProcess> dead = c.replicas.stream().filter(p -> !p.alive()).toList();
            if (!dead.isEmpty()) {
                c.startAll(dead);
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
