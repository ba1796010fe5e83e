package org.mgtm.lab;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.mgtm.check.CheckResult;
import org.mgtm.check.Checker;
import org.mgtm.check.HistoryFormatException;
import org.mgtm.check.pcap.PcapAudit;
import org.mgtm.protocol.WireFormat;

/**
 * tcpdump on {@code lo} for the connections whose server side is a node host's proxy port — what
 * the XC backends asked and were answered — but not the proxies' own connections to the GTM behind
 * them, which use the same port number on the GTM's host: audited together, every GXID would be seen
 * twice. After the run the capture is audited in this process ({@link PcapAudit} and the
 * {@link Checker}, docs/checker.md "Auditing captured traffic").
 */
final class TrafficCapture {
    /** The invariants a capture of XC traffic speaks to (6 needs leadership records, 7 bad inputs). */
    static final List<Integer> AUDITED_INVARIANTS = List.of(1, 2, 3, 4, 5, 8);
    private static final long START_MILLIS = 10_000;

    /**
     * The audit's outcome: {@code passed} when the capture was read and no invariant was violated;
     * {@code verdict} in a few words for tables; {@code lines} for the run's report.
     */
    record Verdict(boolean passed, String verdict, List<String> lines) {
    }

    private final LocalProcess tcpdump;
    private final Path pcap;
    private final int port;

    private TrafficCapture(LocalProcess tcpdump, Path pcap, int port) {
        this.tcpdump = tcpdump;
        this.pcap = pcap;
        this.port = port;
    }

    /** The filter: both directions of the connections to {@code port} on one of {@code hosts}. */
    static String filter(List<String> hosts, int port) {
        return hosts.stream().map(h -> "(dst host " + h + " and dst port " + port + ") or (src host " + h
                + " and src port " + port + ")").collect(Collectors.joining(" or "));
    }

    /** Starts tcpdump writing {@code dir/capture.pcap} and waits until it captures. */
    static TrafficCapture start(XcLabSession session, Path dir, List<String> hosts, int port)
            throws IOException, InterruptedException {
        String tcpdump = onPath("tcpdump");
        if (tcpdump == null) {
            throw new IOException("--capture needs tcpdump, which is not installed (apt-get install -y tcpdump)");
        }
        Path pcap = dir.resolve("capture.pcap");
        Path log = dir.resolve("tcpdump.log");
        // -Z root: tcpdump would otherwise write as user tcpdump; -B: a larger kernel buffer, so that
        // a busy machine drops fewer packets (a dropped packet is a hole the audit must skip).
        LocalProcess p = session.track(LocalProcess.program("tcpdump", log, List.of(tcpdump, "-i", "lo", "-n", "-s",
                "0", "-B", "16384", "-Z", "root", "-w", pcap.toString(), filter(hosts, port)), Map.of(), null));
        p.launch();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_MILLIS);
        while (!p.output().contains("listening on")) {
            if (!p.alive() || System.nanoTime() > deadline) {
                p.stop();
                throw new IOException("tcpdump did not start capturing: " + p.output().strip());
            }
            Thread.sleep(50);
        }
        System.out.println("   capturing " + String.join(", ", hosts) + " port " + port + " on lo into " + pcap);
        return new TrafficCapture(p, pcap, port);
    }

    /** Stops tcpdump (SIGTERM: it writes out what it buffered) and what it said at the end. */
    List<String> stop() throws IOException, InterruptedException {
        tcpdump.stop();
        return tcpdump.output().lines().filter(l -> l.contains("packets")).toList();
    }

    /**
     * Audits the capture against the checker's invariants. The full report (capture statistics,
     * skipped connections, every violation kept) goes to {@code dir/audit.txt}.
     */
    Verdict audit(Path dir, List<String> tcpdumpSaid) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("   capture: " + String.join("; ", tcpdumpSaid));
        PcapAudit.Result audit;
        CheckResult result;
        try {
            audit = PcapAudit.read(pcap, Set.of(port), null, WireFormat.DEFAULT);
            result = new Checker().check(audit.source());
        } catch (HistoryFormatException | IOException e) {
            lines.add("   audit: the capture could not be audited: " + e.getMessage());
            return new Verdict(false, "not audited", lines);
        }
        Path report = dir.resolve("audit.txt");
        try (PrintStream out = new PrintStream(report.toFile(), StandardCharsets.UTF_8)) {
            audit.report().forEach(out::println);
            result.print(out, audit.source());
        }
        lines.add(String.format(Locale.ROOT, "   audit: %d connections audited (%d skipped: open before the"
                + " capture), %d GXIDs granted, %d snapshots answered (%s)", audit.connectionsAudited(),
                audit.connectionsSkipped(), audit.gxidsGranted(), audit.snapshotsAnswered(), report));
        for (int n : AUDITED_INVARIANTS) {
            lines.add("      " + result.invariant(n).line());
        }
        long violations = result.totalViolations();
        lines.add(violations == 0 ? "   audit: no violation" : "   audit: " + violations + " VIOLATIONS (see " + report + ")");
        return new Verdict(violations == 0, violations == 0 ? "no violation" : violations + " violations", lines);
    }

    /** The program's path on $PATH, or null. */
    private static String onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin").split(File.pathSeparator)) {
            File f = new File(d, program);
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        return null;
    }
}
