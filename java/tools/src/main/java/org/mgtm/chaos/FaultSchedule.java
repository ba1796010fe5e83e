package org.mgtm.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A fault schedule, read from a small text file (docs/chaos.md). One entry a line; {@code #} starts a
 * comment:
 *
 * <pre>
 * duration 180s                          # load duration (faults after it are skipped)
 * at 5s kill-leader
 * at 12s kill-random
 * at 20s pause-leader 2s                 # SIGSTOP, then SIGCONT after 2 s
 * at 30s partition isolate-leader 5s
 * at 40s partition majority-minority 5s
 * at 50s partition bridge 5s
 * at 60s restart-all
 * every 10s from 5s until 100s kill-leader
 * every 20s from 7s count 100 kill-leader
 * at 70s disk-full 5s                    # a random replica's disk full for 5 s (needs --disk-size)
 * at 80s corrupt-log                     # a random replica's log damaged while it is down (needs --disk-size)
 * at 90s truncate-log                    # a random replica's log cut short while it is down (needs --disk-size)
 * </pre>
 *
 * Times take {@code ms}, {@code s} or {@code m}. {@code every} without {@code until}/{@code count}
 * repeats until the duration.
 */
public final class FaultSchedule {
    /** What a fault does. */
    public enum Kind {
        KILL_LEADER("kill-leader", false),
        KILL_RANDOM("kill-random", false),
        PAUSE_LEADER("pause-leader", true),
        PAUSE_RANDOM("pause-random", true),
        ISOLATE_LEADER("partition isolate-leader", true),
        MAJORITY_MINORITY("partition majority-minority", true),
        BRIDGE("partition bridge", true),
        RESTART_ALL("restart-all", false),
        /** A random replica's disk (its tmpfs, mgtm chaos --disk-size) filled up for LENGTH, then freed. */
        DISK_FULL("disk-full", true),
        /** A random replica killed, bytes in the middle of its log flipped, started again (it must refuse). */
        CORRUPT_LOG("corrupt-log", false),
        /** A random replica killed, its log cut short, started again (it must refuse). */
        TRUNCATE_LOG("truncate-log", false);

        public final String text;
        final boolean needsLength;

        Kind(String text, boolean needsLength) {
            this.text = text;
            this.needsLength = needsLength;
        }

        public boolean isPartition() {
            return this == ISOLATE_LEADER || this == MAJORITY_MINORITY || this == BRIDGE;
        }

        public boolean isPause() {
            return this == PAUSE_LEADER || this == PAUSE_RANDOM;
        }

        public boolean isKill() {
            return this == KILL_LEADER || this == KILL_RANDOM;
        }

        /** Needs the replicas' data on their own size-limited file systems. */
        public boolean isDisk() {
            return this == DISK_FULL || this == CORRUPT_LOG || this == TRUNCATE_LOG;
        }
    }

    /** One fault to apply {@code atMillis} after the load started, lasting {@code lengthMillis} (0: instantaneous). */
    public record Fault(long atMillis, Kind kind, long lengthMillis, int line) {
        @Override
        public String toString() {
            return kind.text + (lengthMillis > 0 ? " " + formatMillis(lengthMillis) : "");
        }
    }

    private final List<Fault> faults;
    private final long durationMillis;

    private FaultSchedule(List<Fault> faults, long durationMillis) {
        this.faults = List.copyOf(faults);
        this.durationMillis = durationMillis;
    }

    /** The faults, in time order. */
    public List<Fault> faults() {
        return faults;
    }

    /** The load duration: the {@code duration} line, else 10 s after the last fault started. */
    public long durationMillis() {
        return durationMillis;
    }

    public static FaultSchedule read(Path file) throws IOException {
        return parse(Files.readAllLines(file));
    }

    public static FaultSchedule parse(String text) {
        return parse(text.lines().toList());
    }

    public static FaultSchedule parse(List<String> lines) {
        List<Fault> faults = new ArrayList<>();
        long duration = -1;
        List<String[]> repeats = new ArrayList<>();
        List<Integer> repeatLines = new ArrayList<>();
        for (int n = 1; n <= lines.size(); n++) {
            String line = lines.get(n - 1);
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            String[] w = line.trim().toLowerCase(Locale.ROOT).split("\\s+");
            if (w.length == 0 || w[0].isEmpty()) {
                continue;
            }
            try {
                switch (w[0]) {
                    case "duration" -> {
                        if (w.length != 2) {
                            throw new IllegalArgumentException("duration takes one time");
                        }
                        duration = parseMillis(w[1]);
                    }
                    case "at" -> {
                        if (w.length < 3) {
                            throw new IllegalArgumentException("at TIME FAULT [LENGTH]");
                        }
                        faults.add(fault(parseMillis(w[1]), w, 2, n));
                    }
                    case "every" -> {
                        repeats.add(w);
                        repeatLines.add(n);
                    }
                    default -> throw new IllegalArgumentException("a line starts with at, every or duration");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("schedule line " + n + " (" + lines.get(n - 1).trim() + "): "
                        + e.getMessage(), e);
            }
        }
        long lastAt = faults.stream().mapToLong(Fault::atMillis).max().orElse(0);
        for (int r = 0; r < repeats.size(); r++) {
            String[] w = repeats.get(r);
            int n = repeatLines.get(r);
            try {
                if (w.length < 3) {
                    throw new IllegalArgumentException("every PERIOD [from T] [until T | count N] FAULT [LENGTH]");
                }
                long period = parseMillis(w[1]);
                if (period <= 0) {
                    throw new IllegalArgumentException("the period must be positive");
                }
                long from = period;
                long until = Long.MAX_VALUE;
                long count = Long.MAX_VALUE;
                int i = 2;
                while (i + 1 < w.length && (w[i].equals("from") || w[i].equals("until") || w[i].equals("count"))) {
                    switch (w[i]) {
                        case "from" -> from = parseMillis(w[i + 1]);
                        case "until" -> until = parseMillis(w[i + 1]);
                        default -> count = Long.parseLong(w[i + 1]);
                    }
                    i += 2;
                }
                if (until == Long.MAX_VALUE && count == Long.MAX_VALUE) {
                    if (duration < 0) {
                        throw new IllegalArgumentException("an every without until or count needs a duration line");
                    }
                    until = duration;
                }
                long k = 0;
                for (long t = from; t <= until && k < count; t += period, k++) {
                    faults.add(fault(t, w, i, n));
                    lastAt = Math.max(lastAt, t);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("schedule line " + n + ": " + e.getMessage(), e);
            }
        }
        faults.sort(Comparator.comparingLong(Fault::atMillis).thenComparingInt(Fault::line));
        if (duration < 0) {
            duration = lastAt + 10_000;
        }
        return new FaultSchedule(faults, duration);
    }

    private static Fault fault(long at, String[] w, int i, int line) {
        String name = w[i];
        int next = i + 1;
        if (name.equals("partition")) {
            if (w.length <= next) {
                throw new IllegalArgumentException("partition isolate-leader|majority-minority|bridge LENGTH");
            }
            name = "partition " + w[next];
            next++;
        }
        for (Kind k : Kind.values()) {
            if (k.text.equals(name)) {
                long length = 0;
                if (k.needsLength) {
                    if (w.length != next + 1) {
                        throw new IllegalArgumentException(k.text + " takes a length, e.g. 5s");
                    }
                    length = parseMillis(w[next]);
                } else if (w.length != next) {
                    throw new IllegalArgumentException(k.text + " takes no argument");
                }
                return new Fault(at, k, length, line);
            }
        }
        throw new IllegalArgumentException("unknown fault '" + name + "'");
    }

    /** {@code 500ms}, {@code 5s}, {@code 1.5s}, {@code 2m}. */
    static long parseMillis(String s) {
        double factor;
        String number;
        if (s.endsWith("ms")) {
            factor = 1;
            number = s.substring(0, s.length() - 2);
        } else if (s.endsWith("s")) {
            factor = 1000;
            number = s.substring(0, s.length() - 1);
        } else if (s.endsWith("m")) {
            factor = 60_000;
            number = s.substring(0, s.length() - 1);
        } else {
            throw new IllegalArgumentException("a time needs a unit (ms, s, m): '" + s + "'");
        }
        try {
            double v = Double.parseDouble(number) * factor;
            if (v < 0) {
                throw new IllegalArgumentException("negative time '" + s + "'");
            }
            return Math.round(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad time '" + s + "'");
        }
    }

    static String formatMillis(long ms) {
        return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
    }
}
