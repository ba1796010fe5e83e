package org.mgtm.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the race experiment of one run saw: the reader's samples by class, the transfers the transfer
 * client completed, and the rates — per sample (of the samples that were readings) and per 1,000
 * transfers, since the race needs a transfer to meet an update of the same branch and its rate moves
 * with the load as much as with the GTM's latency.
 */
record RaceSummary(List<RaceSample> samples, long transfers, int transferErrors) {
    /** Inconsistent samples printed in the report; all of them go to the samples file. */
    private static final int SHOWN = 5;

    long count(RaceSample.Kind kind) {
        return samples.stream().filter(s -> s.kind() == kind).count();
    }

    /** Samples that were readings (psql answered with one). */
    long readings() {
        return samples.size() - count(RaceSample.Kind.FAILED);
    }

    long inconsistent() {
        return samples.stream().filter(s -> s.kind().inconsistent()).count();
    }

    long doubledWithPattern() {
        return samples.stream().filter(RaceSample::racePattern).count();
    }

    /** Inconsistent samples per sample read, 0 without readings. */
    double perSample() {
        return readings() == 0 ? 0 : inconsistent() / (double) readings();
    }

    /** Inconsistent samples per 1,000 completed transfers, or NaN without transfers. */
    double perThousandTransfers() {
        return transfers == 0 ? Double.NaN : inconsistent() * 1000.0 / transfers;
    }

    /** "doubled (with the pattern) / missing / other", e.g. "3 (3) / 0 / 0". */
    String classes() {
        return count(RaceSample.Kind.DOUBLED) + " (" + doubledWithPattern() + ") / " + count(RaceSample.Kind.MISSING)
                + " / " + count(RaceSample.Kind.OTHER);
    }

    /** The report's lines: the counts, the rates, and the first inconsistent samples in full. */
    List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "   race reader: %d samples (%d readings, %d failed), %d inconsistent: "
                + "doubled %d (%d with b in xip, c not), missing %d, other %d", samples.size(), readings(),
                count(RaceSample.Kind.FAILED), inconsistent(), count(RaceSample.Kind.DOUBLED), doubledWithPattern(),
                count(RaceSample.Kind.MISSING), count(RaceSample.Kind.OTHER)));
        out.add(String.format(Locale.ROOT, "   transfers: %d (client errors %d); inconsistent %.2f%% of readings, "
                + "%s per 1,000 transfers", transfers, transferErrors, 100 * perSample(), perThousand()));
        samples.stream().filter(s -> s.kind().inconsistent()).limit(SHOWN)
                .forEach(s -> out.add("      " + s.kind().toString().toLowerCase(Locale.ROOT) + ": " + s.detail()));
        return out;
    }

    String perThousand() {
        double rate = perThousandTransfers();
        return Double.isNaN(rate) ? "-" : String.format(Locale.ROOT, "%.2f", rate);
    }

    /** Every sample that was not consistent, with what psql printed, for a closer look. */
    void write(Path file, long startMicros) throws IOException {
        StringBuilder sb = new StringBuilder("# race reader samples that were not consistent (" + inconsistent()
                + " inconsistent, " + count(RaceSample.Kind.FAILED) + " failed, of " + samples.size() + ")\n");
        for (RaceSample s : samples) {
            if (s.kind() != RaceSample.Kind.CONSISTENT) {
                sb.append(String.format(Locale.ROOT, "%n%.1f s: %s: %s%n", (s.atMicros() - startMicros) / 1e6,
                        s.kind(), s.detail()));
                s.output().lines().forEach(l -> sb.append("  | ").append(l).append('\n'));
            }
        }
        Files.writeString(file, sb);
    }
}
