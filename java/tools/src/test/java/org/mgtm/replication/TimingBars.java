package org.mgtm.replication;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * The failover and catch-up bars of the process tests (decision 0003: a killed leader replaced within a
 * second, a restarted follower caught up within two) are figures of a machine that gives the replicas
 * their CPU. On a machine loaded far beyond its cores (the shared development machine reached a load
 * average of 40 on 2 cores) the same code takes several times longer, and the bar says nothing about
 * the code. So a bar is held when the machine is not overloaded, and otherwise the figure is printed
 * with a loud WARNING instead; the tests' correctness checks (no error, invariants, convergence) are
 * held in every case.
 */
public final class TimingBars {
    /** Runnable threads per core (1-minute load average) above which the machine counts as overloaded. */
    static final double OVERLOAD_PER_CORE = 4.0;

    private TimingBars() {
    }

    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    public static boolean overloaded() {
        return loadAverage() > OVERLOAD_PER_CORE * cores();
    }

    /** Holds {@code measuredMillis <= barMillis}, unless the machine is overloaded (then warns). */
    public static void assertWithin(long measuredMillis, long barMillis, String what) {
        if (measuredMillis <= barMillis) {
            return;
        }
        String figure = what + " took " + measuredMillis + " ms, over the bar of " + barMillis + " ms";
        if (overloaded()) {
            System.err.printf(Locale.ROOT, "WARNING: TIMING BAR NOT HELD: %s; the load average is %.1f on %d cores "
                    + "(over %.0f per core), too loaded for the bar to mean anything%n", figure, loadAverage(), cores(),
                    OVERLOAD_PER_CORE);
            return;
        }
        fail(figure + String.format(Locale.ROOT, " (load average %.1f on %d cores)", loadAverage(), cores()));
    }

    /**
     * How long to wait for something that normally takes well under {@code millis}: that, or six times it
     * on an overloaded machine. The wait ends as soon as the condition holds, so only failures wait longer.
     */
    public static long deadline(long millis) {
        return overloaded() ? 6 * millis : millis;
    }
}
