package org.mgtm.lab;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * CPU time (user + system) over an interval, from Linux's /proc: of the machine, and of each given
 * process together with its descendants. Descendants count because the original XC programs run
 * under {@code runuser}, whose pid is the one we hold. Issue 14 asks for CPU seconds per 1,000 XC
 * transactions per process: on a 2-core machine the GTM side competes with Postgres for the cores.
 */
final class CpuMeter {
    /** Linux reports process and machine times in USER_HZ ticks, 100 per second on every mainstream kernel. */
    static final double TICKS_PER_SECOND = 100;

    /** One process's CPU seconds; {@code ended} when it (its root) was gone at the end (killed): not counted. */
    record Use(String name, double seconds, boolean ended) {
    }

    /** The interval's figures. */
    record Figures(double wallSeconds, int cores, double machineBusySeconds, List<Use> processes) {
        double availableSeconds() {
            return wallSeconds * cores;
        }

        double counted() {
            return processes.stream().filter(u -> !u.ended()).mapToDouble(Use::seconds).sum();
        }
    }

    private final Map<String, Long> roots;
    private final Map<String, Long> startTicks;
    private final long startMachineBusy;
    private final long startNanos;

    /** Starts measuring the processes named here, by pid, and the machine. */
    CpuMeter(Map<String, Long> roots) throws IOException {
        this.roots = roots;
        this.startNanos = System.nanoTime();
        this.startMachineBusy = machineBusyTicks();
        Map<Long, List<Long>> children = children();
        this.startTicks = new HashMap<>();
        for (Map.Entry<String, Long> e : roots.entrySet()) {
            startTicks.put(e.getKey(), treeTicks(e.getValue(), children).orElse(0L));
        }
    }

    /** Starts measuring the running ones of {@code processes} (by name) and the machine. */
    static CpuMeter start(List<LocalProcess> processes) throws IOException {
        Map<String, Long> roots = new LinkedHashMap<>();
        for (LocalProcess p : processes) {
            if (p.alive()) {
                roots.put(p.name + (p.host == null ? "" : "@" + p.host), p.pid());
            }
        }
        return new CpuMeter(roots);
    }

    Figures stop() throws IOException {
        double wall = (System.nanoTime() - startNanos) / 1e9;
        long busy = machineBusyTicks() - startMachineBusy;
        Map<Long, List<Long>> children = children();
        List<Use> uses = new ArrayList<>();
        for (Map.Entry<String, Long> e : roots.entrySet()) {
            Optional<Long> now = treeTicks(e.getValue(), children);
            uses.add(now.map(t -> new Use(e.getKey(), (t - startTicks.get(e.getKey())) / TICKS_PER_SECOND, false))
                    .orElse(new Use(e.getKey(), 0, true)));
        }
        return new Figures(wall, Runtime.getRuntime().availableProcessors(), busy / TICKS_PER_SECOND, uses);
    }

    /** Ticks of {@code pid} and every descendant alive now; empty when {@code pid} is gone. */
    private static Optional<Long> treeTicks(long pid, Map<Long, List<Long>> children) {
        Optional<long[]> own = stat(pid);
        if (own.isEmpty()) {
            return Optional.empty();
        }
        long sum = own.get()[1];
        for (long child : children.getOrDefault(pid, List.of())) {
            sum += treeTicks(child, children).orElse(0L);
        }
        return Optional.of(sum);
    }

    /** Parent pid to child pids, over every process readable in /proc. */
    private static Map<Long, List<Long>> children() throws IOException {
        Map<Long, List<Long>> children = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path d : dirs) {
                long pid = Long.parseLong(d.getFileName().toString());
                stat(pid).ifPresent(s -> children.computeIfAbsent(s[0], k -> new ArrayList<>()).add(pid));
            }
        }
        return children;
    }

    /** {parent pid, utime + stime} of a process, from /proc/PID/stat; empty if it is gone. */
    static Optional<long[]> stat(long pid) {
        String line;
        try {
            line = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.of(parseStat(line));
    }

    /** The command name (field 2) is in parentheses and may hold spaces: fields are counted after its ')'. */
    static long[] parseStat(String line) {
        String[] f = line.substring(line.lastIndexOf(')') + 2).trim().split(" +");
        // after the name: state(3) ppid(4) ... utime(14) stime(15), so index = field - 3
        return new long[] {Long.parseLong(f[1]), Long.parseLong(f[11]) + Long.parseLong(f[12])};
    }

    /** Busy ticks of all cores: the first line of /proc/stat less idle and iowait. */
    private static long machineBusyTicks() throws IOException {
        return parseMachineBusy(Files.readAllLines(Path.of("/proc/stat")).get(0));
    }

    static long parseMachineBusy(String cpuLine) {
        String[] f = cpuLine.trim().split(" +");
        long busy = 0;
        for (int i = 1; i < f.length && i <= 8; i++) {   // user nice system idle iowait irq softirq steal
            if (i != 4 && i != 5) {
                busy += Long.parseLong(f[i]);
            }
        }
        return busy;
    }
}
