package org.mgtm.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mgtm.check.CheckResult;
import org.mgtm.check.Checker;
import org.mgtm.check.InvariantSummary;
import org.mgtm.check.pcap.PcapAudit;
import org.mgtm.protocol.WireFormat;

/**
 * Every pcap of the XC 0.9.2 capture set (the original gtm and gtm_proxy under real coordinators
 * and datanodes) audits clean, at gtm's port and at the proxies' XC ports. The audit's own figures
 * are compared with the capture set's {@code *.summary.txt}, written by a separate dissector: the
 * connections it audits and skips, the GXIDs granted and the snapshots answered on them.
 */
class PcapConformanceAuditTest {
    private static final Set<Integer> GTM_PORT = Set.of(26666);
    private static final Set<Integer> PROXY_PORTS = Set.of(26667, 26668);
    private static final Pattern STREAM = Pattern.compile("^== stream \\d+: .*\\(client port \\d+ -> (\\d+)\\)");
    private static final Pattern MULTI_COUNT = Pattern.compile("TXN_BEGIN_GETGXID_MULTI_RESULT count=(\\d+)");

    /** What the summary says about the connections to some ports. */
    private record Expected(int audited, int skipped, long gxids, long snapshots) {
    }

    static Stream<Arguments> audits() {
        Path dir = CaptureSet.dirOrNull();
        if (dir == null) {
            // One test that reports itself skipped (or failed, when required), rather than none at all.
            return Stream.of(Arguments.of(Named.of("XC 0.9.2 capture set missing", null), Set.of()));
        }
        List<Arguments> out = new ArrayList<>();
        for (Path sub : List.of(dir, dir.resolve("x86_64"))) {
            try (Stream<Path> files = Files.list(sub)) {
                for (Path pcap : files.filter(p -> p.toString().endsWith(".pcap")).sorted().toList()) {
                    String name = dir.relativize(pcap).toString();
                    out.add(Arguments.of(Named.of(name + " at gtm 26666", pcap), GTM_PORT));
                    out.add(Arguments.of(Named.of(name + " at proxies 26667,26668", pcap), PROXY_PORTS));
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot list " + sub, e);
            }
        }
        assertTrue(out.size() >= 2 * 18, "the capture set has 9 scenarios in two builds: " + out.size() / 2);
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("audits")
    void auditsClean(Path pcap, Set<Integer> ports) throws IOException {
        if (pcap == null) {
            CaptureSet.require("auditing the captured XC 0.9.2 traffic (.pcap files) with mgtm-check --pcap");
        }
        PcapAudit.Result audit = PcapAudit.read(pcap, ports, null, WireFormat.DEFAULT);
        CheckResult result = new Checker().check(audit.source());
        StringBuilder shown = new StringBuilder();
        audit.report().forEach(l -> shown.append(l).append('\n'));
        result.invariants().forEach(i -> shown.append(i.line()).append('\n'));
        result.violations().forEach(v -> shown.append("VIOLATION ").append(v).append('\n'));
        System.out.print(shown);
        assertTrue(result.valid(), shown::toString);

        Expected want = expected(pcap, ports);
        assertEquals(want.audited(), audit.connectionsAudited(), "connections audited\n" + shown);
        assertEquals(want.skipped(), audit.connectionsSkipped(), "connections skipped (opened before the capture)\n"
                + shown);
        assertEquals(want.gxids(), audit.gxidsGranted(), "GXIDs granted\n" + shown);
        assertEquals(want.snapshots(), audit.snapshotsAnswered(), "snapshots answered\n" + shown);
        // The checker saw them all: every grant, every snapshot.
        assertEquals(want.gxids(), result.invariant(1).checked(), shown::toString);
        assertEquals(want.snapshots(), result.invariant(3).checked(), shown::toString);
        if (want.snapshots() > 0) {
            InvariantSummary inv8 = result.invariant(8);
            assertTrue(inv8.wasChecked() || want.snapshots() < 3, "invariant 8 checked something: " + shown);
        }
    }

    /** Counts from the summary, for the streams to these ports; only connections whose SYN was captured count. */
    private static Expected expected(Path pcap, Set<Integer> ports) throws IOException {
        Path summary = pcap.resolveSibling(pcap.getFileName().toString().replace(".pcap", ".summary.txt"));
        int audited = 0;
        int skipped = 0;
        long gxids = 0;
        long snapshots = 0;
        boolean inScope = false;
        boolean complete = false;
        for (String line : Files.readAllLines(summary)) {
            Matcher stream = STREAM.matcher(line);
            if (stream.find()) {
                inScope = ports.contains(Integer.parseInt(stream.group(1)));
                complete = false;
                continue;
            }
            if (!inScope) {
                continue;
            }
            if (line.startsWith("   file ")) {
                complete = line.contains("syn=True");
                if (complete) {
                    audited++;
                } else {
                    skipped++;
                }
                continue;
            }
            if (!complete || !line.contains(" S->C S ")) {
                continue;
            }
            if (line.contains("SNAPSHOT_GET_RESULT") || line.contains("SNAPSHOT_GET_MULTI_RESULT")) {
                snapshots++;
            } else if (line.contains("TXN_BEGIN_GETGXID_RESULT") || line.contains("TXN_BEGIN_GETGXID_AUTOVACUUM_RESULT")) {
                gxids++;
            } else {
                Matcher m = MULTI_COUNT.matcher(line);
                if (m.find()) {
                    gxids += Integer.parseInt(m.group(1));
                }
            }
        }
        return new Expected(audited, skipped, gxids, snapshots);
    }
}
