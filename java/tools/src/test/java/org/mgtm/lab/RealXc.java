package org.mgtm.lab;

import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * What the real-XC tests (RealXcDemoTest, RealXcBenchTest) share: they run only when PGXC_HOME names a
 * Postgres-XC 0.9.2 installation (surefire passes the environment on; the project never builds XC, so CI
 * skips them, loudly), and at the lab's addresses unless MGTM_DEMO_REPLICA_HOSTS / MGTM_DEMO_NODE_HOSTS
 * name others (e.g. when another lab uses 127.0.0.11-13 and .31-.32 on this machine).
 */
final class RealXc {
    private RealXc() {
    }

    /** $PGXC_HOME; skips the test, saying so on stderr, when it is not set. */
    static String homeOrSkip(String what, String testClass) {
        String home = System.getenv("PGXC_HOME");
        if (home == null || home.isBlank()) {
            String why = "NOT TESTED: " + what + " was skipped: PGXC_HOME is not set. To run it: "
                    + "PGXC_HOME=/path/to/pgxc-0.9.2 mvn test -pl tools -am -Dtest=" + testClass
                    + " -Dsurefire.failIfNoSpecifiedTests=false";
            System.err.println(why);
            Assumptions.assumeTrue(false, why);
        }
        return home;
    }

    /** Adds --replica-hosts and --node-hosts when MGTM_DEMO_REPLICA_HOSTS / MGTM_DEMO_NODE_HOSTS are set. */
    static void addHosts(List<String> args) {
        addHost(args, "--replica-hosts", "MGTM_DEMO_REPLICA_HOSTS");
        addHost(args, "--node-hosts", "MGTM_DEMO_NODE_HOSTS");
    }

    private static void addHost(List<String> args, String option, String variable) {
        String hosts = System.getenv(variable);
        if (hosts != null && !hosts.isBlank()) {
            args.addAll(List.of(option, hosts));
        }
    }
}
