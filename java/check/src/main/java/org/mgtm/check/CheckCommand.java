package org.mgtm.check;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.mgtm.check.pcap.PcapAudit;
import org.mgtm.check.pcap.TcpSegment;
import org.mgtm.protocol.WireFormat;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mgtm check HISTORY} (bin/mgtm-check): checks a recorded history against the invariants of
 * docs/invariants.md; {@code mgtm check --pcap FILE --port N[,N...]} checks captured XC GTM traffic instead
 * (docs/checker.md, "Auditing captured traffic").
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Checks a history (mgtm-history JSON Lines, as written by mgtm bench --history), or the GTM "
                + "traffic of a capture (--pcap), against invariants 1-8: prints each violation with its events and "
                + "a summary line per invariant. Exit status: 0 no violation, 1 violations, 2 unreadable input.")
public final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "HISTORY", description = "The history file.")
    Path history;

    @Option(names = "--pcap", paramLabel = "FILE",
            description = "Audit a capture (libpcap or pcapng, e.g. tcpdump -w) of XC GTM traffic instead of a history.")
    Path pcap;

    @Option(names = "--port", split = ",", paramLabel = "N",
            description = "With --pcap: the server port(s) of the GTM connections to audit (gtm's, or the proxies' "
                    + "XC ports); every connection to them is a client of one GTM.")
    List<Integer> ports;

    @Option(names = "--host", paramLabel = "ADDR",
            description = "With --pcap: only connections to this server IPv4 address (default: any).")
    String host;

    @Option(names = "--write-history", paramLabel = "FILE",
            description = "With --pcap: also write the history made of the capture (mgtm-history format).")
    Path writeHistory;

    @Option(names = "--show", defaultValue = "" + Checker.DEFAULT_KEPT,
            description = "Violations shown per invariant (all are counted; default: ${DEFAULT-VALUE}).")
    int show;

    @Override
    public Integer call() throws Exception {
        if ((history == null) == (pcap == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give either a HISTORY file or --pcap FILE");
        }
        if (pcap == null && (ports != null || host != null || writeHistory != null)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--port, --host and --write-history go with --pcap");
        }
        return pcap != null ? auditCapture() : checkHistory();
    }

    private int checkHistory() throws IOException {
        HistoryReader source = new HistoryReader(history);
        long started = System.nanoTime();
        // A history of several sub-clusters (it has process lines) is checked per sub-cluster and across them.
        SubclusterChecker.Result result;
        try {
            result = new SubclusterChecker(show).check(source);
        } catch (HistoryFormatException e) {
            System.err.println("mgtm check: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            String why = e instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.getMessage();
            System.err.println("mgtm check: cannot read " + history + ": " + why);
            return 2;
        }
        result.print(System.out, source);
        System.out.printf(Locale.ROOT, "checked in %.1f s%n", (System.nanoTime() - started) / 1e9);
        return result.valid() ? 0 : 1;
    }

    private int auditCapture() throws IOException {
        if (ports == null || ports.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--pcap needs --port N[,N...]");
        }
        for (int port : ports) {
            if (port < 1 || port > 65535) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--port " + port + " is not a TCP port");
            }
        }
        Integer address;
        try {
            address = host == null ? null : TcpSegment.parseAddress(host);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--host: " + e.getMessage());
        }
        long started = System.nanoTime();
        PcapAudit.Result audit;
        CheckResult result;
        try {
            audit = PcapAudit.read(pcap, Set.copyOf(ports), address, WireFormat.DEFAULT);
            result = new Checker(show).check(audit.source());
        } catch (HistoryFormatException e) {
            System.err.println("mgtm check: the history made of " + pcap + " is not valid (a bug of the audit): "
                    + e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("mgtm check: cannot audit " + pcap + ": " + e.getMessage());
            return 2;
        }
        audit.report().forEach(System.out::println);
        if (writeHistory != null) {
            audit.history().write(writeHistory);
            System.out.println("history written to " + writeHistory);
        }
        result.print(System.out, audit.source());
        System.out.printf(Locale.ROOT, "audited in %.1f s%n", (System.nanoTime() - started) / 1e9);
        return result.valid() ? 0 : 1;
    }
}
