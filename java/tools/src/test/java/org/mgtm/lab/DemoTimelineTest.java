package org.mgtm.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mgtm.chart.FailoverChart;

/** The demo's pause is measured from the samples after each kill, and the chart marks kill and pause. */
class DemoTimelineTest {
    /** 30 s of 100 ms samples at 100 transactions each, stalled for {@code stall} samples after sample 101. */
    private static DemoTimeline stalled(int stall) {
        DemoTimeline t = new DemoTimeline(100, 5000); // 5000 done during the warm-up: not counted
        long done = 5000;
        for (int i = 1; i <= 300; i++) {
            if (i <= 101 || i > 101 + stall) {
                done += 100;
            }
            t.sample(done);
            if (i == 100) {
                t.kill(10.0);
            }
        }
        return t;
    }

    @Test
    void pauseIsTheLongestStallAfterTheKill() {
        DemoTimeline t = stalled(5);
        List<FailoverChart.Pause> pauses = t.pauses();
        assertEquals(1, pauses.size());
        assertEquals(0.5, pauses.get(0).seconds(), 1e-9);
        assertEquals(10.1, pauses.get(0).fromSeconds(), 1e-9);
        assertEquals(0.5, t.longestPause(), 1e-9);
        assertEquals(295 * 100, t.transactions(), "the warm-up's transactions are not counted");
    }

    @Test
    void rateShowsThePauseAsADip() {
        List<double[]> rate = stalled(5).rate(2);
        assertEquals(150, rate.size());
        assertEquals(1000, rate.get(0)[1], 1e-9);
        assertTrue(rate.stream().anyMatch(p -> p[1] == 0), "a 200 ms window without any transaction");
    }

    @Test
    void noKillNoPause() {
        DemoTimeline t = new DemoTimeline(100, 0);
        t.sample(10);
        assertEquals(0, t.longestPause());
        assertTrue(t.pauses().isEmpty());
    }

    @Test
    void chartIsWritten() throws Exception {
        DemoTimeline t = stalled(5);
        Path png = Path.of("target/demo-timeline-test.png");
        Files.createDirectories(png.getParent());
        FailoverChart.write(png, Map.of("transactions/s over 200 ms", t.rate(2)),
                List.of(new FailoverChart.Kill(1, 10.0, "kill -9 of the leader at 10.0 s")), t.pauses(),
                "demo chart test", "seconds since the clock started (after 3 s of warm-up load, not shown)");
        assertTrue(Files.size(png) > 10_000);
    }
}
