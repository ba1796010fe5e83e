package org.mgtm.bench;

import java.io.PrintStream;
import java.util.Locale;

/**
 * What a grants run measured. The rate counts GXIDs whose begin answer arrived inside the window;
 * the totals cover the whole run (warm-up and drain included), which is what tests compare with
 * the server's state.
 *
 * @param windowGrants      GXIDs granted inside the measured window
 * @param windowSeconds     the window's length as measured
 * @param granted           GXIDs granted over the whole run
 * @param ended             of those, ended with status OK (committed or rolled back)
 * @param endFailures       entries of COMMIT/ROLLBACK_MULTI answered with status -1, or of an ending
 *                          request answered with an error: still open on the server, or never were
 * @param errorAnswers      'E' answers (begins and endings)
 * @param firstError        the first of them, or null
 * @param lostLinks         links that failed (connection lost, request deadline passed)
 * @param beginP50Millis    begin round trip in the window, median
 * @param beginP99Millis    and 99th percentile
 */
public record GrantsResult(GrantsSettings settings, long windowGrants, double windowSeconds, long granted, long ended,
                           long endFailures, long errorAnswers, String firstError, int lostLinks,
                           double beginP50Millis, double beginP99Millis) {

    public double grantsPerSecond() {
        return windowSeconds <= 0 ? 0 : windowGrants / windowSeconds;
    }

    /** Begin requests per second: grants divided by the batch size. */
    public double beginsPerSecond() {
        return grantsPerSecond() / settings.batch();
    }

    public boolean clean() {
        return endFailures == 0 && errorAnswers == 0 && lostLinks == 0 && ended == granted;
    }

    /** A human line, then one {@code key=value} line for scripts (benchmarks/grants.sh reads it). */
    public void print(PrintStream out) {
        out.printf(Locale.ROOT, "%s, %d connections, batch %d, depth %d: %.0f grants/s (%d in %.2f s), "
                        + "%.0f begins/s, begin p50 %.3f ms p99 %.3f ms; granted %d, ended %d, errors %d%s%n",
                settings.target().describe(), settings.connections(), settings.batch(), settings.depth(),
                grantsPerSecond(), windowGrants, windowSeconds, beginsPerSecond(), beginP50Millis, beginP99Millis,
                granted, ended, errorAnswers + endFailures + lostLinks,
                firstError == null ? "" : " (first: " + firstError + ")");
        out.printf(Locale.ROOT, "result protocol=%s connections=%d batch=%d depth=%d grants_per_s=%.0f "
                        + "begins_per_s=%.0f begin_p50_ms=%.3f begin_p99_ms=%.3f granted=%d ended=%d "
                        + "end_failures=%d error_answers=%d lost_links=%d%n",
                settings.target().protocol().name().toLowerCase(Locale.ROOT), settings.connections(),
                settings.batch(), settings.depth(), grantsPerSecond(), beginsPerSecond(), beginP50Millis,
                beginP99Millis, granted, ended, endFailures, errorAnswers, lostLinks);
    }
}
