package org.mgtm.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The points of benchmarks/tps-clients.sh's CSV: a header naming the columns, then one row per series
 * and backend count. Only {@code series}, {@code backends} and {@code tps} are needed, found by name,
 * so the script may add columns without breaking the chart. Labels never hold commas (the script
 * refuses them), which is why a plain split is enough here.
 */
public final class TpsCsv {
    static final List<String> REQUIRED = List.of("series", "backends", "tps");

    /** One measured point of a series. */
    public record Point(int backends, double tps) {
    }

    /** A CSV that cannot be charted, named by file and line, so a hand-edited file is easy to fix. */
    public static final class FormatException extends RuntimeException {
        FormatException(Path file, int line, String message) {
            super(file + (line > 0 ? ":" + line : "") + ": " + message);
        }
    }

    private TpsCsv() {
    }

    /** Series in the order they first appear in the file, each with its points by ascending backends. */
    public static Map<String, List<Point>> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        int headerLine = firstNonBlank(lines);
        if (headerLine < 0) {
            throw new FormatException(file, 0, "empty file, expected a header with columns " + REQUIRED);
        }
        List<String> header = fields(lines.get(headerLine));
        int[] column = new int[REQUIRED.size()];
        for (int i = 0; i < column.length; i++) {
            column[i] = header.indexOf(REQUIRED.get(i));
            if (column[i] < 0) {
                throw new FormatException(file, headerLine + 1, "no column '" + REQUIRED.get(i)
                        + "' in the header " + header + " (needed: " + REQUIRED + ")");
            }
        }
        Map<String, List<Point>> series = new LinkedHashMap<>();
        Map<String, Integer> seenAt = new HashMap<>();
        for (int i = headerLine + 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            int lineNo = i + 1;
            List<String> row = fields(lines.get(i));
            if (row.size() != header.size()) {
                throw new FormatException(file, lineNo, row.size() + " fields where the header has " + header.size());
            }
            String name = row.get(column[0]);
            if (name.isEmpty()) {
                throw new FormatException(file, lineNo, "empty series name");
            }
            int backends = parseBackends(file, lineNo, row.get(column[1]));
            double tps = parseTps(file, lineNo, row.get(column[2]));
            Integer earlier = seenAt.putIfAbsent(name + "\u0000" + backends, lineNo);
            if (earlier != null) {
                throw new FormatException(file, lineNo, "series '" + name + "' has " + backends
                        + " backends already on line " + earlier);
            }
            series.computeIfAbsent(name, k -> new ArrayList<>()).add(new Point(backends, tps));
        }
        if (series.isEmpty()) {
            throw new FormatException(file, 0, "no data rows after the header");
        }
        series.values().forEach(points -> points.sort(Comparator.comparingInt(Point::backends)));
        return series;
    }

    private static int firstNonBlank(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                return i;
            }
        }
        return -1;
    }

    private static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        for (String f : line.split(",", -1)) {
            out.add(f.strip());
        }
        return out;
    }

    private static int parseBackends(Path file, int line, String text) {
        try {
            int n = Integer.parseInt(text);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below, with the value
        }
        throw new FormatException(file, line, "backends '" + text + "' is not a whole number >= 1");
    }

    private static double parseTps(Path file, int line, String text) {
        try {
            double v = Double.parseDouble(text);
            if (Double.isFinite(v) && v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below, with the value
        }
        throw new FormatException(file, line, "tps '" + text + "' is not a number >= 0");
    }
}
