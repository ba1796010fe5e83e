package org.mgtm.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What a run measured: totals, transaction latency percentiles (milliseconds) and the per-second
 * timeline, where a failover shows as a dip. {@code historyEvents}: events recorded with
 * {@code --history} (0 without).
 */
public record BenchResult(BenchSettings settings, long transactions, long errors, double elapsedSeconds,
                          double p50Millis, double p99Millis, double p999Millis, double maxMillis,
                          List<Second> timeline, double requestsPerRound, long historyEvents) {

    /** One second of the run. */
    public record Second(int second, long transactions, long errors, double p50Millis, double p99Millis,
                         double p999Millis) {
        String line() {
            return String.format(Locale.ROOT, "%4d s  tps %8d  p50 %7.3f ms  p99 %7.3f ms  errors %d",
                    second, transactions, p50Millis, p99Millis, errors);
        }
    }

    public double tps() {
        return transactions / elapsedSeconds;
    }

    public double requestsPerSecond() {
        return tps() * settings.requestsPerTxn();
    }

    public void printSummary(PrintStream out) {
        out.printf(Locale.ROOT, "transactions: %d in %.1f s = %.0f tps (%.0f GTM requests/s), errors: %d%n",
                transactions, elapsedSeconds, tps(), requestsPerSecond(), errors);
        out.printf(Locale.ROOT, "latency per transaction: p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms%n",
                p50Millis, p99Millis, p999Millis, maxMillis);
        if (settings.proxyFraming()) {
            out.printf(Locale.ROOT, "grouping: %.2f backend requests per MULTI request%n", requestsPerRound);
        }
    }

    /** Per-second CSV: second, transactions, errors, p50_ms, p99_ms, p999_ms. */
    public void writeCsv(Path file) throws IOException {
        StringBuilder sb = new StringBuilder("second,transactions,errors,p50_ms,p99_ms,p999_ms\n");
        for (Second s : timeline) {
            sb.append(String.format(Locale.ROOT, "%d,%d,%d,%.3f,%.3f,%.3f%n", s.second, s.transactions, s.errors,
                    s.p50Millis, s.p99Millis, s.p999Millis));
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, sb);
    }
}
