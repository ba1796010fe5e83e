package org.mgtm.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The failover demo on a real Postgres-XC 0.9.2 (bin/mgtm-demo --pgxc-home), shortened: pgbench -s 2
 * -c 8 -T 20 through both coordinators, the leader killed at 8 s. Runs only when PGXC_HOME names an
 * installation, at the lab's addresses unless the environment names others ({@link RealXc}). The lab
 * is kept in target/xc-lab (made on the first run, about a minute).
 */
class RealXcDemoTest {
    private static final Pattern KILLED = Pattern.compile("kill -9 of the leader (mgtm\\d+)");
    private static final Pattern FINAL_LEADER = Pattern.compile("leader at the end: (mgtm\\d+)");

    @Test
    void leaderKilledUnderPgbenchThroughBothCoordinatorsWithoutErrorsOrLostMoney() throws Exception {
        String home = RealXc.homeOrSkip("the failover demo on a real Postgres-XC 0.9.2 (pgbench through 2 "
                + "coordinators, leader kill, balance check)", "RealXcDemoTest");
        Path dir = Path.of("target", "xc-demo");
        List<String> args = new ArrayList<>(List.of("--pgxc-home", home, "-s", "2", "-c", "8", "-T", "20",
                "--kill-at", "8", "--dir", dir.toString(), "--lab-dir", Path.of("target", "xc-lab").toString()));
        RealXc.addHosts(args);

        int rc = new CommandLine(new DemoCommand()).execute(args.toArray(String[]::new));

        String summary = Files.readString(dir.resolve("summary.txt"));
        assertEquals(0, rc, () -> "the real-XC demo failed:\n" + summary);
        assertTrue(summary.contains("pgbench errors: 0"), summary);
        assertTrue(summary.contains("balances: consistent, and every coordinator agrees"), summary);
        Matcher killed = KILLED.matcher(summary);
        Matcher leader = FINAL_LEADER.matcher(summary);
        assertTrue(killed.find(), () -> "no leader was killed:\n" + summary);
        assertTrue(leader.find(), () -> "no leader at the end:\n" + summary);
        assertNotEquals(killed.group(1), leader.group(1), summary);
        assertTrue(Files.size(dir.resolve("xc-demo-timeline.png")) > 0);
    }
}
