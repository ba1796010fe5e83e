package org.mgtm.lab;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mgtm.bench.TpsChart;
import org.mgtm.bench.TpsCsv;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mgtm bench xc}: real Postgres-XC 0.9.2 pgbench through one GTM setup ({@link XcSetup}), in
 * the kept lab of the real-XC demo, at one or more client counts (and relay delays): per run the
 * figures and checks of {@link XcRunReport}, a CSV row and a markdown row appended ({@link
 * XcBenchTable}), and with {@code --chart} TPS against clients for every setup in the CSV. Exit
 * status 0 when every run passed its checks, 1 when one did not, 2 for options that cannot run.
 */
@Command(name = "xc", mixinStandardHelpOptions = true,
        description = {"Real Postgres-XC 0.9.2 pgbench (2 coordinators + 2 datanodes, the kept lab of mgtm demo "
                + "--pgxc-home) through one GTM setup: the original gtm or mgtm server behind the original gtm_proxy "
                + "or mgtm_proxy, or an mgtm group of 1-3 replicas behind mgtm_proxy.",
                "Per run: TPS per coordinator, errors, longest gap, balances; with --race XC's inconsistent-read "
                        + "race measured; with --capture the proxies' traffic audited against the checker's "
                        + "invariants."})
public final class XcBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LabOptions lab;

    @Option(names = "--gtm", defaultValue = "group", paramLabel = "original|server|group",
            description = "The GTM: the original gtm, a standalone mgtm server, or an mgtm group (default: ${DEFAULT-VALUE}).")
    String gtm;

    @Option(names = "--replicas", defaultValue = "3", description = "With --gtm group: 1, 2 or 3 replicas "
            + "(default: ${DEFAULT-VALUE}).")
    int replicas;

    @Option(names = "--proxy", defaultValue = "mgtm", paramLabel = "original|mgtm",
            description = "The proxy on each node: the original gtm_proxy, or mgtm_proxy (--upstream-xc in front of a "
                    + "single GTM; default: ${DEFAULT-VALUE}).")
    String proxy;

    @Option(names = "--kill-at", split = ",", paramLabel = "S",
            description = "Seconds into the load at which the leader is killed (-9); a group of 3 only.")
    List<Integer> killAt = new ArrayList<>();

    @Option(names = {"-c", "--clients"}, split = ",", defaultValue = "4", paramLabel = "N",
            description = "pgbench clients per coordinator; several (1,2,4,8,16,32): one run each (default: ${DEFAULT-VALUE}).")
    List<Integer> clients;

    @Option(names = {"-T", "--duration"}, defaultValue = "30", description = "Seconds of load per run (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup", defaultValue = "5",
            description = "First seconds of each run reported apart, not in its TPS (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--relay-us", split = ",", paramLabel = "US",
            description = "A relay between the proxies and a single GTM adding this delay each way (0: the relay "
                    + "without delay); several: one series each.")
    List<Long> relayMicros;

    @Option(names = "--race", description = "Also a transfer client on coordinator 1 and the race reader on the last "
            + "coordinator (every 0.2 s), each sample classified consistent, doubled, missing or other.")
    boolean race;

    @Option(names = "--capture", description = "tcpdump the proxies' XC port on the node hosts during the run and "
            + "audit it (invariants 1-5 and 8); a violation fails the run.")
    boolean capture;

    @Option(names = "--csv", description = "Append a row per run to this CSV (created with its header).")
    Path csv;

    @Option(names = "--table", description = "Append a row per run to this markdown table (created with its header).")
    Path table;

    @Option(names = "--chart", description = "After the runs, draw TPS against clients for every series of --csv (PNG).")
    Path chart;

    @Option(names = "--dir", defaultValue = "run/bench-xc",
            description = "Where each run's logs, timeline and captures go, a directory per run, emptied first "
                    + "(default: ${DEFAULT-VALUE}).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        XcSetup setup;
        try {
            setup = setup();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        List<XcSetup> series = new ArrayList<>();
        for (Long relay : relayMicros == null ? Arrays.asList((Long) null) : relayMicros) {
            series.add(setup.withRelay(relay));
        }
        List<XcRunResult> results = new ArrayList<>();
        try {
            for (XcSetup s : series) {
                for (int c : clients) {
                    XcBenchTable.checkNotInCsv(csv, s.label(), c);
                }
            }
            XcInstallation xc = lab.installation();
            try (XcLabSession session = XcLabSession.open(xc, lab.lab(xc), dir)) {
                for (XcSetup s : series) {
                    for (int c : clients) {
                        Path runDir = session.runDir.resolve(s.slug() + "-c" + c);
                        DemoCommand.deleteTree(runDir);
                        XcRunResult r = XcRun.run(session, s, lab.classPath(), lab.replicaHosts,
                                new XcRun.Options(c, seconds, warmup, race, capture, "xc-bench"), runDir);
                        results.add(r);
                        if (csv != null) {
                            XcBenchTable.appendCsv(csv, r);
                        }
                        if (table != null) {
                            XcBenchTable.appendMarkdown(table, r);
                        }
                    }
                }
            }
            if (chart != null) {
                TpsChart.write(TpsCsv.read(csv), chart, "Postgres-XC 0.9.2 pgbench through each GTM setup",
                        "pgbench clients per coordinator", 1000, 600, true);
                System.out.println("chart of " + csv + " written to " + chart);
            }
        } catch (IOException | IllegalStateException | TpsCsv.FormatException e) {
            // what failed and where its log is: a stack trace would only hide it
            System.err.println("mgtm bench xc: " + e.getMessage());
            return 1;
        }
        printSideBySide(results);
        return results.stream().allMatch(XcRunResult::passed) ? 0 : 1;
    }

    /** The setup the options name; refuses what cannot run before anything starts. */
    private XcSetup setup() {
        if (!lab.hasPgxcHome()) {
            throw new IllegalArgumentException("give --pgxc-home DIR (or set PGXC_HOME): a Postgres-XC 0.9.2 installation");
        }
        XcSetup.Gtm server = switch (gtm) {
            case "original" -> XcSetup.Gtm.ORIGINAL;
            case "server" -> XcSetup.Gtm.SERVER;
            case "group" -> XcSetup.Gtm.GROUP;
            default -> throw new IllegalArgumentException("--gtm must be original, server or group, not '" + gtm + "'");
        };
        SingleGtm.Proxy front = switch (proxy) {
            case "original" -> SingleGtm.Proxy.ORIGINAL;
            case "mgtm" -> SingleGtm.Proxy.MGTM;
            default -> throw new IllegalArgumentException("--proxy must be original or mgtm, not '" + proxy + "'");
        };
        if (seconds < 2 || warmup < 0 || warmup >= seconds) {
            throw new IllegalArgumentException("-T must be at least 2 s and --warmup shorter than it");
        }
        if (clients.stream().anyMatch(c -> c < 1)) {
            throw new IllegalArgumentException("-c: every client count must be at least 1");
        }
        if (killAt.stream().anyMatch(k -> k < 1 || k >= seconds)) {
            throw new IllegalArgumentException("--kill-at: every kill must fall inside the run (1 to " + (seconds - 1) + " s)");
        }
        if (chart != null && csv == null) {
            throw new IllegalArgumentException("--chart draws the series of --csv: give --csv too");
        }
        if (relayMicros != null && server == XcSetup.Gtm.GROUP) {
            throw new IllegalArgumentException("--relay-us goes with a single GTM (--gtm original or server), not with "
                    + "a group");
        }
        int size = server == XcSetup.Gtm.GROUP ? replicas : 1;
        if (size > lab.replicaHosts.size()) {
            throw new IllegalArgumentException(size + " replicas need " + size + " --replica-hosts");
        }
        return new XcSetup(server, size, front, null, killAt);
    }

    private static void printSideBySide(List<XcRunResult> results) {
        if (results.isEmpty()) {
            return;
        }
        System.out.println("== runs side by side");
        System.out.print(XcBenchTable.MARKDOWN_HEADER);
        results.forEach(r -> System.out.println(XcBenchTable.markdownRow(r)));
        long failed = results.stream().filter(r -> !r.passed()).count();
        System.out.println(String.format(Locale.ROOT, "%d run%s, %s", results.size(), results.size() == 1 ? "" : "s",
                failed == 0 ? "every check passed" : failed + " with failed checks"));
    }
}
