package org.mgtm.lab;

import java.util.List;

/**
 * The figures of one real-XC run, for the benchmark's CSV and tables ({@link XcBenchTable}).
 *
 * @param label             the GTM setup (the chart's series)
 * @param clients           pgbench clients per coordinator
 * @param tpsPerCoordinator after the warm-up, in coordinator order
 * @param warmupTps         all coordinators together during the warm-up, NaN without one
 * @param errors            pgbench clients that aborted (TPC-B clients; the transfer client's are failures)
 * @param longestGap        seconds, the longest gap between completed transactions of a coordinator
 * @param race              the race experiment, or null
 * @param audit             the capture's verdict in a few words, or null without a capture
 * @param failures          the checks that failed (empty: the run passed)
 */
record XcRunResult(String label, int clients, int seconds, int warmupSeconds, List<Double> tpsPerCoordinator,
                   double warmupTps, long errors, double longestGap, boolean balancesConsistent, RaceSummary race,
                   String audit, List<String> failures) {
    double tps() {
        return tpsPerCoordinator.stream().mapToDouble(Double::doubleValue).sum();
    }

    boolean passed() {
        return failures.isEmpty();
    }
}
