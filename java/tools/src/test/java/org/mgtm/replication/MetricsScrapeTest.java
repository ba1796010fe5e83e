package org.mgtm.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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

/**
 * Scrapes the Prometheus endpoints of a real 3-replica group (child processes started with
 * --metrics-port) and of an mgtm_proxy in front of it, before and after load and a leader kill: the
 * endpoints answer in the text format, and the figures an operator alerts on move.
 */
class MetricsScrapeTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void replicaAndProxyMetricsMoveUnderLoadAndFailover() throws Exception {
        int metricsPort = freePort("127.0.0.11", "127.0.0.12", "127.0.0.13", "127.0.0.31");
        EventLoopGroup upstream = Transport.newGroup(1, "metrics-test-upstream");
        try (ReplicaGroupProcess group = ReplicaGroupProcess.start("metrics", 3, "--metrics-port", "" + metricsPort)) {
            int leader = group.awaitLeader(30_000);
            String before = scrape(group.member(leader).host, metricsPort);
            assertEquals(1, value(before, "mgtm_raft_is_leader"), before);
            assertTrue(value(before, "mgtm_raft_term") >= 1, before);

            LeaderClient session = group.leaderClient(upstream, 30_000, "metrics-proxy");
            ProxyMetrics proxyMetrics = new ProxyMetrics();
            proxyMetrics.watch(session);
            proxyMetrics.serve("127.0.0.31", metricsPort);
            ProxyServer proxy = ProxyServer.start("127.0.0.31", 0, WireFormat.DEFAULT,
                    ClientAllowlist.parse(ClientAllowlist.LOOPBACK), 1, session::submit, upstream.next(), proxyMetrics);
            try {
                String proxyBefore = scrape("127.0.0.31", metricsPort);
                BenchResult load = bench(proxy, 3);
                assertTrue(load.transactions() > 0 && load.errors() == 0, "load ran: " + load.transactions());

                String after = scrape(group.member(leader).host, metricsPort);
                assertTrue(value(after, "mgtm_gxids_granted_total") >= load.transactions(), after);
                assertTrue(value(after, "mgtm_requests_total{outcome=\"ok\",type=\"TXN_BEGIN_GETGXID_MULTI\"}")
                        > value(before, "mgtm_requests_total{outcome=\"ok\",type=\"TXN_BEGIN_GETGXID_MULTI\"}"), after);
                assertTrue(value(after, "mgtm_answer_seconds_count") > value(before, "mgtm_answer_seconds_count"), after);
                assertTrue(value(after, "mgtm_raft_commit_seconds_count") > 0, after);
                assertTrue(value(after, "mgtm_raft_commands_per_entry_count") > 0, after);
                assertTrue(value(after, "mgtm_raft_log_append_seconds_count") > 0, after);
                assertTrue(value(after, "mgtm_sessions") >= 1, after);
                assertTrue(value(after, "mgtm_applied_commands_total") > value(before, "mgtm_applied_commands_total"));
                String follower = scrape(group.member((leader + 1) % 3).host, metricsPort);
                assertEquals(0, value(follower, "mgtm_raft_is_leader"), follower);
                assertTrue(value(follower, "mgtm_raft_log_append_seconds_count") > 0, "followers append too: " + follower);

                String proxyAfter = scrape("127.0.0.31", metricsPort);
                assertTrue(value(proxyAfter, "mgtm_proxy_rounds_total") > value(proxyBefore, "mgtm_proxy_rounds_total"));
                assertTrue(value(proxyAfter, "mgtm_proxy_requests_total{outcome=\"ok\",type=\"TXN_BEGIN_GETGXID\"}")
                        >= load.transactions(), proxyAfter);
                assertTrue(value(proxyAfter, "mgtm_proxy_answer_seconds_count") > 0, proxyAfter);
                assertTrue(value(proxyAfter, "mgtm_proxy_backend_requests_per_round_count") > 0, proxyAfter);
                assertEquals(1, value(proxyAfter, "mgtm_proxy_leader_connected"), proxyAfter);

                // A failover: the new leader counts its role change and a new term, the proxy reconnects.
                group.kill9(leader);
                int next = group.awaitLeader(30_000, leader);
                BenchResult afterKill = bench(proxy, 2);
                assertEquals(0, afterKill.errors());
                String newLeader = scrape(group.member(next).host, metricsPort);
                assertEquals(1, value(newLeader, "mgtm_raft_is_leader"), newLeader);
                assertTrue(value(newLeader, "mgtm_raft_role_changes_total{role=\"Leader\"}") >= 1, newLeader);
                assertTrue(value(newLeader, "mgtm_raft_term") > value(before, "mgtm_raft_term"), newLeader);
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

    /** A port free on every one of these addresses (taken by us, then released). */
    private static int freePort(String... hosts) throws Exception {
        for (int attempt = 0; attempt < 20; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(hosts[0]))) {
                port = s.getLocalPort();
            }
            boolean free = true;
            for (String h : hosts) {
                try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(h))) {
                    s.getLocalPort();
                } catch (java.io.IOException e) {
                    free = false;
                }
            }
            if (free) {
                return port;
            }
        }
        throw new IllegalStateException("no port free on all of " + String.join(",", hosts));
    }
}
