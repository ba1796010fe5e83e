package org.mgtm.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultScheduleTest {
    @Test
    void readsEveryKindOfLine() {
        FaultSchedule s = FaultSchedule.parse("""
                # comment
                duration 100s
                at 5s kill-leader          # trailing comment
                at 12s kill-random
                at 20s pause-leader 2s
                at 30s partition isolate-leader 5s
                at 40s partition majority-minority 500ms
                at 50s partition bridge 5s
                at 60s restart-all
                every 10s from 65s until 90s kill-leader
                every 1m count 2 pause-random 1.5s
                """);
        assertEquals(100_000, s.durationMillis());
        List<FaultSchedule.Fault> f = s.faults();
        assertEquals(7 + 3 + 2, f.size());
        assertEquals(new FaultSchedule.Fault(5_000, FaultSchedule.Kind.KILL_LEADER, 0, 3), f.get(0));
        assertEquals(FaultSchedule.Kind.MAJORITY_MINORITY, f.get(4).kind());
        assertEquals(500, f.get(4).lengthMillis());
        assertEquals(List.of(60_000L, 60_000L, 65_000L, 75_000L, 85_000L, 120_000L),
                f.subList(6, 12).stream().map(FaultSchedule.Fault::atMillis).toList());
        assertEquals(1500, f.get(7).lengthMillis());
        assertEquals("pause-random 1500ms", f.get(7).toString());
        for (int i = 1; i < f.size(); i++) {
            assertTrue(f.get(i - 1).atMillis() <= f.get(i).atMillis());
        }
    }

    @Test
    void durationDefaultsToTenSecondsAfterTheLastFault() {
        assertEquals(40_000, FaultSchedule.parse("at 30s restart-all").durationMillis());
    }

    @Test
    void refusesBadLines() {
        for (String bad : List.of("at 5 kill-leader", "at 5s kill-everyone", "at 5s pause-leader",
                "at 5s kill-leader 2s", "at 5s partition", "every 10s kill-leader", "sometimes kill-leader",
                "every 0s count 3 kill-leader")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FaultSchedule.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("schedule line 1"), e.getMessage());
        }
    }

    @Test
    void theShippedSchedulesHaveWhatTheyPromise() throws Exception {
        FaultSchedule ci = FaultSchedule.read(Path.of("../../benchmarks/chaos/ci.schedule"));
        assertTrue(ci.faults().stream().filter(f -> f.kind() == FaultSchedule.Kind.KILL_LEADER).count() >= 3);
        assertTrue(ci.faults().stream().anyMatch(f -> f.kind().isPartition()));
        assertTrue(ci.faults().stream().anyMatch(f -> f.kind() == FaultSchedule.Kind.RESTART_ALL));
        FaultSchedule longRun = FaultSchedule.read(Path.of("../../benchmarks/chaos/long.schedule"));
        assertEquals(100, longRun.faults().stream().filter(f -> f.kind() == FaultSchedule.Kind.KILL_LEADER).count());
        assertEquals(50, longRun.faults().stream().filter(f -> f.kind().isPartition()).count());
        assertEquals(20, longRun.faults().stream().filter(f -> f.kind() == FaultSchedule.Kind.RESTART_ALL).count());
        assertTrue(longRun.faults().stream().anyMatch(f -> f.kind().isPause()));
        assertTrue(longRun.faults().stream().allMatch(f -> f.atMillis() < longRun.durationMillis()));
    }
}
