package org.mgtm.replication.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Measurements for docs/decisions/0003 (not a regression test; skipped unless {@code -Dmgtm.raft.figures=true}):
 * <pre>
 * mvn -q -B test -Dtest=RaftFiguresTest -Dmgtm.raft.figures=true [-Dmgtm.raft.figures.size=64] \
 *     [-Dmgtm.raft.figures.trials=5]
 * </pre>
 * Each prints lines starting with {@code FIGURE}.
 */
@EnabledIfSystemProperty(named = "mgtm.raft.figures", matches = "true")
class RaftFiguresTest {

    static final int TRIALS = Integer.getInteger("mgtm.raft.figures.trials", 5);

    static final Map<String, String> TUNED = Map.of(
            "raft.fd_timeout_ms", "600", "raft.fd_interval_ms", "100", "raft.verify_suspect_ms", "100");
    /** JGroups 5.4 defaults: FD_ALL3 timeout 40 s / interval 8 s, VERIFY_SUSPECT2 1 s, ELECTION vote 600 ms. */
    static final Map<String, String> DEFAULTS = Map.of(
            "raft.fd_timeout_ms", "40000", "raft.fd_interval_ms", "8000", "raft.verify_suspect_ms", "1000",
            "raft.vote_timeout_ms", "600");

    static RaftProcessCluster cluster(String name, Map<String, String> conf) throws Exception {
        Path dir = Path.of("target", "raft-figures", name + "-" + System.currentTimeMillis()).toAbsolutePath();
        return new RaftProcessCluster(dir, 3,
                with(conf, "raft.catchup", System.getProperty("mgtm.raft.catchup", "true")));
    }

    static Map<String, String> with(Map<String, String> base, String... kv) {
        Map<String, String> m = new HashMap<>(base);
        for (int i = 0; i < kv.length; i += 2)
            m.put(kv[i], kv[i + 1]);
        return m;
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void throughputWithFsyncAt64InFlight() throws Exception {
        for (String size : System.getProperty("mgtm.raft.figures.size", "64,4096").split(",")) {
            try (RaftProcessCluster c = cluster("bench-" + size, Map.of(
                    "raft.fsync", System.getProperty("mgtm.raft.figures.fsync", "true"),
                    "node.bench_inflight", "64", "node.bench_ms", "5000", "node.entry_size", size))) {
                for (int i = 0; i < 3; i++)
                    c.start(i);
                boolean done = c.await(() -> c.nodes().stream()
                        .anyMatch(n -> n.firstEvent("BENCH", 0, e -> true).isPresent()), 60_000);
                assertTrue(done, "no BENCH line; see " + c.baseDir());
                RaftProcessCluster.Event b = c.nodes().stream()
                        .map(n -> n.firstEvent("BENCH", 0, e -> true)).flatMap(Optional::stream)
                        .findFirst().orElseThrow();
                System.out.printf("FIGURE throughput fsync=%s command=%s B in-flight=64: %s entries/s (%s entries"
                                + " in %s ms, failed %s)%n", System.getProperty("mgtm.raft.figures.fsync", "true"),
                        size, b.get("rate"), b.get("entries"), b.get("ms"), b.get("failed"));
                Thread.sleep(200);
                for (RaftProcessCluster.Node n : c.nodes())
                    System.out.printf("FIGURE   %s %s%n", n.id(), n.lastStat().fields());
            }
        }
    }

    @Test
    @Timeout(value = 170, unit = TimeUnit.SECONDS)
    void crashFailoverTuned() throws Exception {
        failover("crash-tuned", TUNED, false);
    }

    @Test
    @Timeout(value = 170, unit = TimeUnit.SECONDS)
    void crashFailoverTunedWithoutFdSock() throws Exception {
        failover("crash-tuned-nofdsock", with(TUNED, "raft.fd_sock", "false"), false);
    }

    @Test
    @Timeout(value = 170, unit = TimeUnit.SECONDS)
    void crashFailoverJGroupsDefaults() throws Exception {
        failover("crash-defaults", DEFAULTS, false);
    }

    @Test
    @Timeout(value = 170, unit = TimeUnit.SECONDS)
    void hungLeaderFailoverTuned() throws Exception {
        failover("sigstop-tuned", TUNED, true);
    }

    /** Kills (or SIGSTOPs) the leader under 600 writes/s, TRIALS times; time from signal to the new leader's first commit. */
    void failover(String name, Map<String, String> conf, boolean hang) throws Exception {
        List<Long> times = new ArrayList<>();
        try (RaftProcessCluster c = cluster(name, with(conf, "node.load_rate", "600",
                "node.load_max_inflight", "100000"))) {
            for (int i = 0; i < 3; i++)
                c.start(i);
            for (int trial = 0; trial < TRIALS; trial++) {
                assertTrue(c.await(() -> {
                    int l = c.leader();
                    if (l < 0) return false;
                    long lc = c.node(l).lastStat().num("commit");
                    return lc > 300 && c.nodes().stream().allMatch(n -> n.alive() && n.lastStat() != null
                            && "3".equals(n.lastStat().get("view")) && n.lastStat().num("commit") >= lc - 300);
                }, 30_000), "group not settled; see " + c.baseDir());
                Thread.sleep(500);
                int leader = c.leader();
                String old = c.node(leader).id();
                long t0 = hang ? c.suspend(leader) : c.kill(leader);
                c.await(() -> CatchUpReproducerTest.firstCommitOfNewLeader(c, old, t0).isPresent(), 60_000);
                Optional<RaftProcessCluster.Event> first = CatchUpReproducerTest.firstCommitOfNewLeader(c, old, t0);
                String what = first.map(e -> (e.time() - t0) + " ms").orElse("none within 60 s");
                System.out.printf("FIGURE failover %s trial %d: %s%n", name, trial + 1, what);
                c.log("FIGURE " + name + " " + what);
                first.ifPresent(e -> times.add(e.time() - t0));
                if (hang)
                    c.kill(leader);
                c.start(leader);
            }
        }
        times.sort(null);
        System.out.printf("FIGURE failover %s: %d trials, ms sorted %s%n", name, times.size(), times);
    }
}
