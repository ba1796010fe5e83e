package org.mgtm.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's CSV and markdown table: one row per run (setup and clients), appended, so that the
 * benchmark scripts collect several invocations — one per GTM setup — in one file. The CSV's
 * {@code series}, {@code backends} (pgbench clients per coordinator: each is a coordinator backend)
 * and {@code tps} (all coordinators, after the warm-up) are what {@code mgtm bench chart} draws.
 * Labels never hold commas (the setup refuses them), so a plain split reads the CSV back.
 */
final class XcBenchTable {
    static final String CSV_HEADER = "series,backends,tps,tps_per_coordinator,warmup_tps,seconds,warmup_s,errors,"
            + "longest_gap_s,balances,race_samples,race_readings,doubled,doubled_with_pattern,missing,other,"
            + "inconsistent_per_reading,transfers,inconsistent_per_1000_transfers,audit,passed";
    static final String MARKDOWN_HEADER = """
            | GTM setup | clients per coordinator | TPS per coordinator | warm-up TPS | errors | longest gap (s) \
            | balances | race samples | doubled (b in xip, c not) / missing / other | inconsistent per reading \
            | per 1,000 transfers | audit | checks |
            |---|--:|--:|--:|--:|--:|---|--:|---|--:|--:|---|---|
            """;

    private XcBenchTable() {
    }

    static String csvRow(XcRunResult r) {
        RaceSummary race = r.race();
        return String.join(",", r.label(), Integer.toString(r.clients()), number(r.tps(), 1), perCoordinator(r),
                Double.isNaN(r.warmupTps()) ? "" : number(r.warmupTps(), 1), Integer.toString(r.seconds()),
                Integer.toString(r.warmupSeconds()), Long.toString(r.errors()), number(r.longestGap(), 2),
                r.balancesConsistent() ? "consistent" : "INCONSISTENT",
                race == null ? "" : Integer.toString(race.samples().size()),
                race == null ? "" : Long.toString(race.readings()),
                race == null ? "" : Long.toString(race.count(RaceSample.Kind.DOUBLED)),
                race == null ? "" : Long.toString(race.doubledWithPattern()),
                race == null ? "" : Long.toString(race.count(RaceSample.Kind.MISSING)),
                race == null ? "" : Long.toString(race.count(RaceSample.Kind.OTHER)),
                race == null ? "" : number(race.perSample(), 5),
                race == null ? "" : Long.toString(race.transfers()),
                race == null || race.transfers() == 0 ? "" : number(race.perThousandTransfers(), 3),
                r.audit() == null ? "" : r.audit(), r.passed() ? "yes" : "no");
    }

    static String markdownRow(XcRunResult r) {
        RaceSummary race = r.race();
        String none = "—";
        return "| " + String.join(" | ", r.label(), Integer.toString(r.clients()),
                String.join(" / ", r.tpsPerCoordinator().stream().map(t -> number(t, 0)).toList()),
                Double.isNaN(r.warmupTps()) ? none : number(r.warmupTps(), 0), Long.toString(r.errors()),
                number(r.longestGap(), 2), r.balancesConsistent() ? "consistent" : "**INCONSISTENT**",
                race == null ? none : Long.toString(race.readings()), race == null ? none : race.classes(),
                race == null ? none : String.format(Locale.ROOT, "%.2f%%", 100 * race.perSample()),
                race == null ? none : race.perThousand(), r.audit() == null ? none : r.audit(),
                r.passed() ? "passed" : "**" + String.join("; ", r.failures()).replace("|", "/") + "**") + " |";
    }

    /** Appends a row, writing the header first into a new (or empty) file; refuses a file of other columns. */
    static void appendCsv(Path file, XcRunResult r) throws IOException {
        append(file, CSV_HEADER + "\n", csvRow(r) + "\n");
    }

    static void appendMarkdown(Path file, XcRunResult r) throws IOException {
        append(file, MARKDOWN_HEADER, markdownRow(r) + "\n");
    }

    private static void append(Path file, String header, String row) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!Files.exists(file) || Files.size(file) == 0) {
            Files.writeString(file, header + row);
            return;
        }
        String firstLine = Files.readAllLines(file).get(0);
        if (!header.startsWith(firstLine + "\n")) {
            throw new IOException(file + " holds another table (its first line is not this one's header): name a new file");
        }
        Files.writeString(file, row, StandardOpenOption.APPEND);
    }

    /**
     * Fails before a run whose row the CSV already holds ({@code mgtm bench chart} would refuse the file):
     * a sweep that was run again goes to a new file.
     */
    static void checkNotInCsv(Path file, String label, int clients) throws IOException {
        if (file == null || !Files.exists(file)) {
            return;
        }
        List<String> lines = Files.readAllLines(file);
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.split(",", -1);
            if (f.length > 1 && f[0].equals(label) && f[1].equals(Integer.toString(clients))) {
                throw new IOException(file + " already has a row for '" + label + "' at " + clients
                        + " clients: name a new --csv file (or remove that row)");
            }
        }
    }

    private static String perCoordinator(XcRunResult r) {
        return String.join("/", r.tpsPerCoordinator().stream().map(t -> number(t, 1)).toList());
    }

    private static String number(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
