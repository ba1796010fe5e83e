package org.mgtm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mgtm.protocol.WireFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mgtm bench}: the pgbench-shaped GTM load generator (bin/mgtm-bench), with the chart, grants and
 * open-transactions tools as subcommands.
 */
@Command(name = "bench",
        description = "pgbench-shaped load over the Postgres-XC 0.9.2 GTM protocol: each client loops "
                + "begin + GXID, k snapshots, commit. Works against mgtm, an XC gtm or an XC gtm_proxy. "
                + "Subcommands: chart (TPS by backends, PNG), grants (peak GXID grants/s), open-transactions "
                + "(hold N open), relay (added latency), xc (real Postgres-XC pgbench through a GTM setup).",
        subcommands = {ChartCommand.class, GrantsCommand.class, OpenTransactionsCommand.class, RelayCommand.class,
                org.mgtm.lab.XcBenchCommand.class})
public final class BenchCommand implements Callable<Integer> {
    // -h is the host here (as in pgbench and gtm_proxy), so help is --help only.
    @Option(names = "--help", usageHelp = true, description = "Show this help message and exit.")
    boolean helpRequested;

    @Option(names = {"-h", "--host"}, defaultValue = "127.0.0.1", description = "GTM host (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = {"-p", "--port"}, defaultValue = "6666", description = "GTM port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = {"-c", "--clients"}, defaultValue = "8", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = {"-T", "--duration"}, defaultValue = "10", description = "Seconds to run (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = {"-k", "--snapshots"}, defaultValue = "5",
            description = "Snapshots per transaction (default: ${DEFAULT-VALUE}, as pgbench TPC-B through XC).")
    int snapshots;

    @Option(names = "--proxy-framing",
            description = "Connect as gtm_proxy workers (isproxy=1) and send the clients' requests grouped in MULTI "
                    + "requests, as gtm_proxy does.")
    boolean proxyFraming;

    @Option(names = "--proxy-connections", defaultValue = "2",
            description = "Proxy-framed connections the clients share (gtm_proxy -n; default: ${DEFAULT-VALUE}).")
    int proxyConnections;

    @Option(names = "--host-order", defaultValue = "little", description = "Host byte order of the GTM: little or big.")
    String hostOrder;

    @Option(names = "--csv", description = "Write the per-second timeline to this CSV file.")
    Path csv;

    @Option(names = "--history", paramLabel = "FILE",
            description = "Record every begin, snapshot and commit of every client (invoke and outcome, with "
                    + "monotonic times) to FILE, for bin/mgtm-check.")
    Path history;

    @Option(names = {"-q", "--quiet"}, description = "No per-second lines.")
    boolean quiet;

    @Option(names = "--group", paramLabel = "MEMBERS",
            description = "The replicated group behind the endpoint (id@host:raft_port,...): also print its leader's "
                    + "log entries, commands per entry, reads per check round and backend requests per request over "
                    + "the run (needs --secret).")
    String group;

    @Option(names = "--secret", description = "The group's shared secret (with --group).")
    String secret;

    @Option(names = "--internal-port", defaultValue = "6680",
            description = "The group's internal port (with --group; default: ${DEFAULT-VALUE}).")
    int internalPort;

    @Override
    public Integer call() throws Exception {
        ByteOrder order = WireFormat.parseHostOrder(hostOrder);
        BenchSettings settings = new BenchSettings(new InetSocketAddress(host, port), clients, seconds, snapshots,
                proxyFraming, proxyConnections, new WireFormat(order, WireFormat.DEFAULT_MAX_FRAME_LENGTH), !quiet,
                history);
        System.out.printf(Locale.ROOT, "mgtm-bench: %s:%d, %d clients, %s, %d snapshots per transaction, %d s%n",
                host, port, clients, proxyFraming ? "proxy framing on " + proxyConnections + " connections" : "direct",
                snapshots, seconds);
        GroupCounters counters = null;
        JsonNode before = null;
        if (group != null) {
            if (secret == null) {
                throw new IllegalArgumentException("--group needs --secret");
            }
            counters = new GroupCounters(group, internalPort, secret);
            before = counters.leader();
        }
        BenchResult result = new BenchRun(settings, System.out).run();
        result.printSummary(System.out);
        if (counters != null) {
            GroupCounters.print(System.out, before, counters.leader());
        }
        if (csv != null) {
            result.writeCsv(csv);
            System.out.println("timeline written to " + csv);
        }
        if (history != null) {
            System.out.println("history written to " + history + " (" + result.historyEvents() + " events)");
        }
        return result.transactions() > 0 ? 0 : 1;
    }
}
