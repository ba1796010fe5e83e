package org.mgtm.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When one pgbench's transactions completed, from its {@code -l} log (pgbench 8.4 writes
 * {@code client_id transaction_no time_us file_no time_epoch time_us} per transaction into
 * pgbench_log.PID), plus what its output said: clients that aborted and its own tps figure. The
 * per-second timeline and the gaps between completed transactions come from these instants.
 */
final class PgbenchLog {
    private static final Pattern ABORTED = Pattern.compile("(?m)^Client \\d+ aborted.*$");
    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(excluding");

    private final long[] completedMicros; // sorted, epoch microseconds

    private PgbenchLog(long[] completedMicros) {
        this.completedMicros = completedMicros;
        Arrays.sort(this.completedMicros);
    }

    /** Reads every pgbench_log.* file in {@code dir} (one per pgbench process). */
    static PgbenchLog readDir(Path dir) throws IOException {
        List<String> lines = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("pgbench_log.")).toList()) {
                lines.addAll(Files.readAllLines(f));
            }
        }
        return parse(lines);
    }

    static PgbenchLog parse(List<String> lines) {
        long[] times = new long[lines.size()];
        int n = 0;
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 6) {
                times[n++] = Long.parseLong(f[4]) * 1_000_000 + Long.parseLong(f[5]);
            }
        }
        return new PgbenchLog(Arrays.copyOf(times, n));
    }

    /** Both coordinators' transactions as one stream: the cluster's view. */
    static PgbenchLog merge(List<PgbenchLog> logs) {
        return new PgbenchLog(logs.stream().flatMapToLong(l -> Arrays.stream(l.completedMicros)).toArray());
    }

    /** The lines of pgbench's output saying a client aborted (each an error a backend saw). */
    static List<String> abortedClients(String pgbenchOutput) {
        List<String> out = new ArrayList<>();
        Matcher m = ABORTED.matcher(pgbenchOutput);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** pgbench's own "tps = X (excluding connections establishing)", or -1 when it printed none. */
    static double reportedTps(String pgbenchOutput) {
        Matcher m = TPS.matcher(pgbenchOutput);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    int transactions() {
        return completedMicros.length;
    }

    /** Transactions completed at or after {@code micros}. */
    int completedSince(long micros) {
        int i = Arrays.binarySearch(completedMicros, micros);
        int first = i >= 0 ? i : -i - 1;
        while (first > 0 && completedMicros[first - 1] == micros) {
            first--;
        }
        return completedMicros.length - first;
    }

    /** {second, transactions} for seconds 1..seconds after {@code startMicros}: those completed in (s-1, s]. */
    List<double[]> perSecond(long startMicros, int seconds) {
        long[] counts = new long[seconds + 1];
        for (long t : completedMicros) {
            long s = (long) Math.ceil((t - startMicros) / 1e6);
            if (s >= 1 && s <= seconds) {
                counts[(int) s]++;
            }
        }
        List<double[]> out = new ArrayList<>();
        for (int s = 1; s <= seconds; s++) {
            out.add(new double[] {s, counts[s]});
        }
        return out;
    }

    /**
     * The longest time, in seconds, between two consecutive completed transactions where the later one
     * comes at or after {@code fromMicros} and the earlier one at or before {@code toMicros}: the
     * longest stall that overlaps that window. When nothing completed after {@code fromMicros}, the
     * stall lasts until {@code endMicros}.
     */
    double longestGap(long fromMicros, long toMicros, long endMicros) {
        long longest = 0;
        long previous = Long.MIN_VALUE;
        for (long t : completedMicros) {
            if (previous != Long.MIN_VALUE && t >= fromMicros && previous <= toMicros) {
                longest = Math.max(longest, t - previous);
            }
            previous = t;
        }
        if (previous != Long.MIN_VALUE && previous < fromMicros) {
            longest = Math.max(longest, endMicros - previous);
        }
        return longest / 1e6;
    }
}
