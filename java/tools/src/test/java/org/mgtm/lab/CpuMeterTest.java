package org.mgtm.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** CPU accounting from /proc: the parsing, and a busy grandchild counted under the process we hold. */
class CpuMeterTest {
    @Test
    void statFieldsAreCountedAfterTheCommandName() {
        // a command name with spaces and a parenthesis: fields are counted from the last ')'
        String line = "4242 (gtm (x) 1) S 17 4242 4242 0 -1 4194560 100 0 0 0 250 75 3 4 20 0 2 0 1 0 0";
        assertArrayEquals(new long[] {17, 325}, CpuMeter.parseStat(line));
    }

    @Test
    void machineBusyLeavesOutIdleAndIowait() {
        assertEquals(10 + 1 + 5 + 2 + 3 + 4, CpuMeter.parseMachineBusy("cpu  10 1 5 1000 77 2 3 4 0 0"));
    }

    @Test
    void aBusyDescendantCountsForTheProcessHeld() throws Exception {
        Process outer = new ProcessBuilder("sh", "-c", "sh -c 'while :; do :; done'; true").start();
        try {
            CpuMeter meter = new CpuMeter(Map.of("outer", outer.pid()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            CpuMeter.Figures figures;
            do {
                TimeUnit.MILLISECONDS.sleep(50);   // polls the condition below
                figures = meter.stop();
            } while (figures.counted() < 0.3 && System.nanoTime() < deadline);
            assertTrue(figures.counted() >= 0.3, "the busy grandchild's CPU was not counted: " + figures);
            assertTrue(figures.machineBusySeconds() >= figures.counted() - 0.05, figures.toString());
            assertEquals(1, figures.processes().size());
        } finally {
            outer.descendants().forEach(ProcessHandle::destroyForcibly);
            outer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
