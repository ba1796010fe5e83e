package org.mgtm.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long history is checked in a streaming way: time and memory grow with the number of events
 * and transactions, not quadratically. The default size keeps the suite quick; run with
 * {@code -Dmgtm.check.scaleEvents=10000000} for the ten-million-event measurement.
 */
class CheckerScaleTest {
    @Test
    void longSyntheticHistoryIsCheckedInLinearTime(@TempDir Path dir) throws Exception {
        long events = Long.getLong("mgtm.check.scaleEvents", 1_000_000);
        Path file = dir.resolve("long.jsonl");
        long t0 = System.nanoTime();
        long written = SyntheticHistory.write(file, events, 64, 5, 42);
        long t1 = System.nanoTime();
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long heapBefore = rt.totalMemory() - rt.freeMemory();
        CheckResult r = Checker.checkFile(file);
        long t2 = System.nanoTime();
        long heapAfter = rt.totalMemory() - rt.freeMemory();
        System.out.printf(Locale.ROOT, "scale: %d events (%d MB) written in %.1f s, checked in %.1f s "
                        + "(%.0f events/s), heap after %d MB (before %d MB)%n",
                written, Files.size(file) >> 20, (t1 - t0) / 1e9, (t2 - t1) / 1e9, written / ((t2 - t1) / 1e9),
                heapAfter >> 20, heapBefore >> 20);
        assertTrue(r.valid(), Histories.describe(r));
        assertEquals(written, r.events());
        assertTrue(r.invariant(3).checked() > written / 4, "most events are snapshots");
    }
}
