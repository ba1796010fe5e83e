package org.mgtm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mgtm.check.HistoryReader;
import org.mgtm.check.HistoryRecorder;
import org.mgtm.check.SubclusterChecker;
import org.mgtm.lab.LocalProcess;
import org.mgtm.lab.SubclusterLab;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mgtm subcluster-bench} (benchmarks/subclusters.sh): the cost of the global step. On the sub-cluster lab
 * (G-GTM x3, two sub-cluster groups x3, a proxy each; no faults) it runs three phases of the same length: local
 * transactions only, cross-sub-cluster transactions only, and both mixed (recorded and checked); and reports
 * transactions per second and latency of each kind, the GXIDs the horizon rule skipped per cross transaction, the
 * G-GTM's grants, and the visibility figures of the mixed phase (2PC window, commit skew, observed lag).
 */
@Command(name = "subcluster-bench", mixinStandardHelpOptions = true,
        description = "Local vs cross-sub-cluster transactions per second and the visibility lag between sub-clusters, "
                + "on the loopback sub-cluster lab.")
public final class SubclusterBenchCommand implements Callable<Integer> {
    static final String SECRET = "mgtm-subcluster-bench";

    @Option(names = {"-T", "--duration"}, defaultValue = "20", description = "Seconds per phase (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = {"-c", "--clients"}, defaultValue = "16",
            description = "Local backends per sub-cluster (default: ${DEFAULT-VALUE}).")
    int localClients;

    @Option(names = "--cross-clients", defaultValue = "8", description = "Cross clients (default: ${DEFAULT-VALUE}).")
    int crossClients;

    @Option(names = "--snapshots", defaultValue = "3", description = "Snapshots per transaction (default: ${DEFAULT-VALUE}).")
    int snapshots;

    @Option(names = "--range-size", defaultValue = "10000", description = "GXIDs per range (default: ${DEFAULT-VALUE}).")
    int rangeSize;

    @Option(names = "--dir", defaultValue = "run/subcluster-bench", description = "Logs, data, histories, report.md "
            + "(emptied first; default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--heap", defaultValue = "-Xms64m -Xmx256m", description = "Heap flags of every process "
            + "(default: ${DEFAULT-VALUE}).")
    String heap;

    private final StringBuilder probes = new StringBuilder();

    @Override
    public Integer call() throws Exception {
        Path run = dir.toAbsolutePath();
        org.mgtm.lab.SubclusterLab.deleteTree(run);
        Files.createDirectories(run);
        SubclusterLab.Layout layout = SubclusterLab.Layout.standard(2, 6666, 6680, 7800, SECRET, rangeSize,
                SubclusterLab.LOADED_MACHINE_TIMINGS, List.of(heap.split("\\s+")));
        StringBuilder report = new StringBuilder();
        try (SubclusterLab lab = new SubclusterLab(run, run, LocalProcess.ownClassPath(), layout)) {
            System.out.println("== starting the sub-cluster lab (G-GTM x3, A x3, B x3, 2 proxies)");
            lab.start();
            report.append(String.format(Locale.ROOT, "| phase | local tps | local p50 / p99 ms | cross tps | cross p50 / "
                    + "p99 ms | errors | GXIDs skipped per cross txn | ranges granted |%n|---|---|---|---|---|---|---|---|%n"));
            phase(lab, run, "local only", localClients, 0, false, report);
            phase(lab, run, "cross only", 0, crossClients, false, report);
            SubclusterChecker.Result check = phase(lab, run, "mixed", localClients, crossClients, true, report);
            report.append('\n').append(probes);
            report.append("mixed, from the history: ").append(check.figures().line()).append('\n');
            report.append("\nhistory check of the mixed phase: ").append(check.valid() ? "OK" : "INVALID (" + check
                    .totalViolations() + " violations)").append('\n');
        }
        Files.writeString(run.resolve("report.md"), report);
        System.out.println(report);
        return 0;
    }

    private SubclusterChecker.Result phase(SubclusterLab lab, Path run, String name, int local, int cross, boolean record,
                                           StringBuilder report) throws Exception {
        System.out.printf(Locale.ROOT, "== %s: %d local backends per sub-cluster, %d cross clients, %d s%n", name, local,
                cross, seconds);
        Map<String, InetSocketAddress> proxies = new LinkedHashMap<>();
        Map<String, List<InetSocketAddress>> groups = new LinkedHashMap<>();
        for (String sc : lab.subclusters()) {
            proxies.put(sc, lab.proxyAddress(sc));
            groups.put(sc, lab.internalAddresses(sc));
        }
        long skippedBefore = skipped(lab);
        int grantsBefore = grants(lab);
        Path history = run.resolve(name.replace(' ', '-') + ".jsonl");
        HistoryRecorder recorder = record ? HistoryRecorder.toFile(history) : null;
        SubclusterLoad.Result r = new SubclusterLoad(new SubclusterLoad.Settings(proxies, groups, lab.ggtmAddresses(),
                SECRET, local, cross, snapshots, seconds), recorder).run();
        SubclusterChecker.Result check = null;
        if (recorder != null) {
            lab.members().forEach(recorder::member);
            JsonNode g = lab.ggtmStatus();
            if (g != null) {
                for (JsonNode gr : g.path("ggtm").path("recentGrants")) {
                    recorder.range(gr.path("subcluster").asText(), (int) gr.path("first").asLong(),
                            (int) gr.path("last").asLong());
                }
            }
            recorder.close();
            check = new SubclusterChecker(20).check(new HistoryReader(history));
        }
        long skippedGxids = skipped(lab) - skippedBefore;
        int grantsMade = grants(lab) - grantsBefore;
        System.out.println("   " + r.summary() + "; GXIDs skipped " + skippedGxids + ", ranges granted " + grantsMade);
        if (r.cross() > 0) {
            probes.append(name).append(": ").append(r.probeLine()).append("\n\n");
        }
        report.append(String.format(Locale.ROOT, "| %s | %.0f | %.2f / %.2f | %.1f | %.2f / %.2f | %d | %s | %d |%n",
                name, r.local() / r.seconds(), r.localP50(), r.localP99(), r.cross() / r.seconds(), r.crossP50(),
                r.crossP99(), r.errors(), r.cross() == 0 ? "-" : String.format(Locale.ROOT, "%.0f",
                        skippedGxids / (double) r.cross()), grantsMade));
        return check;
    }

    private static long skipped(SubclusterLab lab) throws InterruptedException {
        long sum = 0;
        for (String sc : lab.subclusters()) {
            JsonNode s = lab.leaderStatus(sc);
            sum += s == null ? 0 : s.path("subcluster").path("skippedGxids").asLong();
        }
        return sum;
    }

    private static int grants(SubclusterLab lab) throws InterruptedException {
        JsonNode g = lab.ggtmStatus();
        int n = 0;
        if (g != null) {
            for (JsonNode m : g.path("ggtm").path("subclusters")) {
                n += m.path("lastRequest").asInt();
            }
        }
        return n;
    }
}
