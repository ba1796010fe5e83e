package org.mgtm.chaos;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.mgtm.lab.WallClock;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.mgtm.chaos.ChaosCommand.Applied;
import org.mgtm.lab.LocalCluster;
import org.mgtm.lab.LocalProcess;

/** Applies the faults one after another (a fault that overruns delays the next), on its own thread. */
final class FaultRunner {
    private final LocalCluster cluster;
    private final Iptables iptables;
    private final DiskFaults disks;
    /** When each replica last printed "I'm LEADER!!!!" (nanoTime), as its log watcher saw the line. */
    private final java.util.Map<String, Long> leaderLines = new java.util.concurrent.ConcurrentHashMap<>();
    private final Random random;
    private final long loadStart;
    private final PrintStream out;

    FaultRunner(LocalCluster cluster, Iptables iptables, DiskFaults disks, Random random, long loadStart,
                PrintStream out) {
        for (LocalProcess r : cluster.replicas) {
            r.onLine(line -> {
                if (line.contains("I'm LEADER!!!!")) {
                    leaderLines.put(r.name, System.nanoTime());
                }
            });
        }
        this.disks = disks;
        this.cluster = cluster;
        this.iptables = iptables;
        this.random = random;
        this.loadStart = loadStart;
        this.out = out;
    }

    long nowMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - loadStart);
    }

    void runAll(FaultSchedule schedule, List<Applied> applied) throws Exception {
        for (FaultSchedule.Fault f : schedule.faults()) {
            long wait = f.atMillis() - nowMs();
            if (wait > 0) {
                Thread.sleep(wait);
            }
            long start = nowMs();
            if (start >= schedule.durationMillis()) {
                applied.add(new Applied(f, start, start, "the previous faults ran past the duration", true));
                continue;
            }
            String detail;
            try {
                detail = apply(f);
            } catch (Exception e) {
                detail = "could not be applied: " + e;
                applied.add(new Applied(f, start, nowMs(), detail, false));
                out.printf(Locale.ROOT, "   %s %6.1f s  %s: %s%n", WallClock.now(), start / 1000.0, f, detail);
                continue;
            }
            long end = nowMs();
            applied.add(new Applied(f, start, end, detail, false));
            out.printf(Locale.ROOT, "   %s %6.1f s  %s: %s (%.1f s)%n", WallClock.now(), start / 1000.0, f, detail,
                    (end - start) / 1000.0);
        }
    }

    private String apply(FaultSchedule.Fault f) throws Exception {
        long t0 = System.nanoTime();
        switch (f.kind()) {
            case KILL_LEADER, KILL_RANDOM -> {
                boolean leader = f.kind() == FaultSchedule.Kind.KILL_LEADER;
                LocalCluster.Leadership before = leader ? cluster.awaitLeadership(15_000) : null;
                LocalProcess victim = leader ? (before == null ? null : before.process()) : pick(cluster.replicas);
                if (victim == null) {
                    return "no leader to kill (" + cluster.statusLine() + ")";
                }
                String what = victim.toString();
                victim.kill9();
                long killed = System.nanoTime();
                // After a leader's kill only a leader of a later term counts: a member cut off a moment ago may
                // still call itself leader of an older one.
                LocalProcess next;
                if (leader) {
                    LocalCluster.Leadership after = cluster.awaitLeaderAbove(30_000, before.term());
                    next = after == null ? null : after.process();
                } else {
                    next = cluster.awaitLeader(30_000, null);
                }
                double elected = secondsSince(killed);
                Long line = next == null ? null : leaderLines.get(next.name);
                String announced = line == null || line < killed ? "" : String.format(Locale.ROOT,
                        "; it announced its leadership %.2f s after the kill", (line - killed) / 1e9);
                victim.start(90_000);
                return String.format(Locale.ROOT, "kill -9 %s; leader %s after %.2f s; restarted after %.1f s%s",
                        what, next == null ? "NONE" : next.name, elected, secondsSince(t0), announced);
            }
            case PAUSE_LEADER, PAUSE_RANDOM -> {
                LocalProcess victim = f.kind() == FaultSchedule.Kind.PAUSE_LEADER
                        ? cluster.awaitLeader(15_000, null) : pick(cluster.replicas);
                if (victim == null) {
                    return "no leader to pause";
                }
                victim.pause();
                try {
                    Thread.sleep(f.lengthMillis());
                } finally {
                    victim.resume();
                }
                LocalProcess l = cluster.awaitLeader(30_000, null);
                return "SIGSTOP/SIGCONT " + victim + "; leader then " + (l == null ? "NONE" : l.name);
            }
            case ISOLATE_LEADER, MAJORITY_MINORITY, BRIDGE -> {
                List<List<LocalProcess>> cut = sides(f.kind());
                if (cut == null) {
                    return "no leader to isolate";
                }
                iptables.cut(hosts(cut.get(0)), hosts(cut.get(1)), cluster.groupPorts());
                try {
                    Thread.sleep(f.lengthMillis());
                } finally {
                    iptables.healAll();
                }
                LocalProcess l = cluster.awaitLeader(30_000, null);
                String mid = cut.size() > 2 ? " bridged by " + names(cut.get(2)) : "";
                return "cut " + names(cut.get(0)) + " | " + names(cut.get(1)) + mid + "; healed; leader then "
                        + (l == null ? "NONE" : l.name);
            }
            case RESTART_ALL -> {
                for (LocalProcess n : cluster.replicas) {
                    n.kill9();
                }
                double down = secondsSince(t0);
                cluster.startAll(cluster.replicas);
                double running = secondsSince(t0);
                LocalProcess l = cluster.awaitLeader(60_000, null);
                return String.format(Locale.ROOT, "kill -9 of every replica in %.1f s; all running after %.1f s, "
                        + "leader %s after %.1f s", down, running, l == null ? "NONE" : l.name, secondsSince(t0));
            }
            case DISK_FULL, CORRUPT_LOG, TRUNCATE_LOG -> {
                if (disks == null) {
                    throw new IllegalStateException(f.kind().text + " needs --disk-size");
                }
                LocalProcess victim = pick(cluster.replicas);
                if (victim == null) {
                    return "no replica running";
                }
                return f.kind() == FaultSchedule.Kind.DISK_FULL ? disks.fill(victim, f.lengthMillis())
                        : disks.damage(victim, f.kind() == FaultSchedule.Kind.TRUNCATE_LOG);
            }
            default -> throw new IllegalStateException(f.kind().toString());
        }
    }

    /** side 0 | side 1 (cut from each other), and for a bridge the bridging node as side 2. */
    private List<List<LocalProcess>> sides(FaultSchedule.Kind kind) throws InterruptedException {
        List<LocalProcess> all = new ArrayList<>(cluster.replicas);
        Collections.shuffle(all, random);
        int n = all.size();
        switch (kind) {
            case ISOLATE_LEADER -> {
                LocalProcess l = cluster.awaitLeader(15_000, null);
                if (l == null) {
                    return null;
                }
                all.remove(l);
                return List.of(List.of(l), all);
            }
            case MAJORITY_MINORITY -> {
                return List.of(all.subList(0, n / 2), all.subList(n / 2, n));
            }
            default -> { // bridge: two halves, the middle node talks to both
                return List.of(all.subList(0, n / 2), all.subList(n / 2 + 1, n), all.subList(n / 2, n / 2 + 1));
            }
        }
    }

    private LocalProcess pick(List<LocalProcess> nodes) {
        List<LocalProcess> alive = nodes.stream().filter(LocalProcess::alive).toList();
        return alive.isEmpty() ? null : alive.get(random.nextInt(alive.size()));
    }

    /** Removes every rule, resumes every paused replica, restarts every dead one; returns when (ms). */
    long healEverything(boolean[] failed) {
        try {
            iptables.healAll();
            for (LocalProcess n : cluster.replicas) {
                n.resume();
            }
            List<LocalProcess> dead = cluster.replicas.stream().filter(n -> !n.alive()).toList();
            if (!dead.isEmpty()) {
                cluster.startAll(dead);
            }
            if (cluster.awaitLeader(60_000, null) == null) {
                failed[0] = true;
                out.println("   no leader after healing: " + cluster.statusLine());
            }
        } catch (Exception e) {
            failed[0] = true;
            out.println("   healing failed: " + e);
        }
        long at = nowMs();
        out.printf(Locale.ROOT, "   %s %6.1f s  healed everything: %s%n", WallClock.now(), at / 1000.0, cluster.statusLine());
        return at;
    }

    private static List<String> hosts(List<LocalProcess> nodes) {
        return nodes.stream().map(n -> n.host).toList();
    }

    private static String names(List<LocalProcess> nodes) {
        return String.join(",", nodes.stream().map(n -> n.name).toList());
    }

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
