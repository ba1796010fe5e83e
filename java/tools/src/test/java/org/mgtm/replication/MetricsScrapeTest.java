package org.mgtm.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mgtm.bench.BenchResult;
import org.mgtm.bench.BenchRun;
import org.mgtm.bench.BenchSettings;
import org.mgtm.client.LeaderClient;
import org.mgtm.net.ClientAllowlist;
import org.mgtm.net.Transport;
import org.mgtm.protocol.WireFormat;
import org.mgtm.proxy.ProxyMetrics;
import org.mgtm.proxy.ProxyServer;
import org.mgtm.testing.FreePorts;

/**
 * Scrapes the Prometheus endpoints of a real 3-replica group (child processes started with
 * --metrics-port) and of an mgtm_proxy in front of it, before and after load and a leader kill: the
 * endpoints answer in the text format, and the figures an operator alerts on move.
 */
class MetricsScrapeTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void replicaAndProxyMetricsMoveUnderLoadAndFailover() throws Exception {
        int metricsPort = FreePorts.pick(List.of("127.0.0.11", "127.0.0.12", "127.0.0.13", "127.0.0.31"));
        EventLoopGroup upstream = Transport.newGroup(1, "metrics-test-upstream");
        try (ReplicaGroupProcess group = ReplicaGroupProcess.start("metrics", 3, "--metrics-port", "" + metricsPort)) {
            // Summed over the replicas: on a loaded machine the leadership may move during the test, and each
            // replica counts what it did while leader.
            List<String> before = awaitOneLeader(group, metricsPort);
            assertTrue(sum(before, "mgtm_raft_term") >= 3, before::toString);

            LeaderClient session = group.leaderClient(upstream, 30_000, "metrics-proxy");
            ProxyMetrics proxyMetrics = new ProxyMetrics();
            proxyMetrics.watch(session);
            proxyMetrics.serve("127.0.0.31", metricsPort);
            ProxyServer proxy = ProxyServer.start("127.0.0.31", 0, WireFormat.DEFAULT,
                    ClientAllowlist.parse(ClientAllowlist.LOOPBACK), 1, session::submit, upstream.next(),
                    org.mgtm.proxy.Grouper.DEFAULT_MAX_ROUNDS_OUT, ProxyServer.DEFAULT_MAX_CONNECTIONS, proxyMetrics);
            try {
                String proxyBefore = scrape("127.0.0.31", metricsPort);
                BenchResult load = bench(proxy, 3);
                assertTrue(load.transactions() > 0 && load.errors() == 0, "load ran: " + load.transactions());

                List<String> after = awaitOneLeader(group, metricsPort);
                String shown = after.toString();
                assertTrue(sum(after, "mgtm_gxids_granted_total") >= load.transactions(), shown);
                String multiBegins = "mgtm_requests_total{outcome=\"ok\",type=\"TXN_BEGIN_GETGXID_MULTI\"}";
                assertTrue(sum(after, multiBegins) > sum(before, multiBegins), shown);
                assertTrue(sum(after, "mgtm_answer_seconds_count") > sum(before, "mgtm_answer_seconds_count"), shown);
                assertTrue(sum(after, "mgtm_raft_commit_seconds_count") > 0, shown);
                assertTrue(sum(after, "mgtm_raft_commands_per_entry_count") > 0, shown);
                assertTrue(sum(after, "mgtm_sessions") >= 3, "every replica knows the proxy's session: " + shown);
                for (String replica : after) {
                    assertTrue(value(replica, "mgtm_raft_log_append_seconds_count") > 0, "every replica appends: "
                            + replica);
                    assertTrue(value(replica, "mgtm_applied_commands_total") > 0, replica);
                }

                String proxyAfter = scrape("127.0.0.31", metricsPort);
                assertTrue(value(proxyAfter, "mgtm_proxy_rounds_total") > value(proxyBefore, "mgtm_proxy_rounds_total"));
                assertTrue(value(proxyAfter, "mgtm_proxy_requests_total{outcome=\"ok\",type=\"TXN_BEGIN_GETGXID\"}")
                        >= load.transactions(), proxyAfter);
                assertTrue(value(proxyAfter, "mgtm_proxy_answer_seconds_count") > 0, proxyAfter);
                assertTrue(value(proxyAfter, "mgtm_proxy_backend_requests_per_round_count") > 0, proxyAfter);
                assertEquals(1, value(proxyAfter, "mgtm_proxy_leader_connected"), proxyAfter);

                // A failover: a new leader in a new term, one more role change to Leader in the group, and the
                // proxy reconnects.
                int leader = group.awaitLeader(30_000);
                group.kill9(leader);
                group.awaitLeader(30_000, leader);
                BenchResult afterKill = bench(proxy, 2);
                assertEquals(0, afterKill.errors());
                List<String> failover = awaitOneLeader(group, metricsPort);
                String leaders = "mgtm_raft_role_changes_total{role=\"Leader\"}";
                assertTrue(failover.stream().mapToDouble(t -> value(t, "mgtm_raft_term")).max().orElse(0)
                        > before.stream().mapToDouble(t -> value(t, "mgtm_raft_term")).max().orElse(0), failover::toString);
                assertTrue(sum(failover, leaders) >= 1, failover::toString);
                String proxyFailover = scrape("127.0.0.31", metricsPort);
                assertTrue(value(proxyFailover, "mgtm_proxy_reconnects_total") >= 1, proxyFailover);
                assertTrue(proxyFailover.contains("mgtm_proxy_failover_resubmits_total "), proxyFailover);
            } finally {
                proxy.close();
                session.close();
            }
        } finally {
            upstream.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /**
     * The live replicas' metrics, scraped until exactly one of them reports itself leader (30 s at most):
     * a scrape in the middle of an election shows none.
     */
    private List<String> awaitOneLeader(ReplicaGroupProcess group, int port) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<String> texts;
        do {
            texts = new ArrayList<>();
            for (ReplicaGroupProcess.Member m : group.members()) {
                if (m.alive()) {
                    texts.add(scrape(m.host, port));
                }
            }
            if (sum(texts, "mgtm_raft_is_leader") == 1) {
                return texts;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < end);
        throw new AssertionError("no single leader in the replicas' metrics within 30 s: " + texts);
    }

    private static double sum(List<String> texts, String series) {
        return texts.stream().mapToDouble(t -> value(t, series)).sum();
    }

    private static BenchResult bench(ProxyServer proxy, int seconds) throws Exception {
        BenchSettings settings = new BenchSettings(proxy.boundAddress(), 4, seconds, 2, false, 1, WireFormat.DEFAULT,
                false);
        return new BenchRun(settings, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run();
    }

    private String scrape(String host, int port) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/metrics"))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    /** The sum of the samples whose name (with labels, as written) is {@code series}; 0 when absent. */
    static double value(String text, String series) {
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ") || (!series.contains("{") && line.startsWith(series + "{"))) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
