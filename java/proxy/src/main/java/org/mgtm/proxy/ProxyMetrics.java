package org.mgtm.proxy;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import org.mgtm.net.MetricsEndpoint;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import org.mgtm.client.LeaderClient;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;

/**
 * mgtm_proxy's Prometheus metrics (docs/operations.md lists them with what to alert on), served over
 * HTTP at {@code http://host:metrics_port/metrics} when a metrics port is set. The backend handler calls
 * {@link #answered} once per answer; rounds come from the grouper's statistics; the upstream session's
 * failover figures are read from its {@link LeaderClient} when scraped. One registry per proxy.
 */
public final class ProxyMetrics implements AutoCloseable {
    /** Backend answer latency: 100 us to 30 s (the default deadline is 30 s). */
    private static final double[] LATENCY_BUCKETS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
            0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests = Counter.builder().name("mgtm_proxy_requests_total")
            .help("Backend requests answered, by XC message type and outcome (ok, or error: the GTM refused it or "
                    + "no leader answered before the deadline)")
            .labelNames("type", "outcome").register(registry);
    private final Histogram answerSeconds = Histogram.builder().name("mgtm_proxy_answer_seconds")
            .help("Time from a backend's request to its answer, as the backend sees it, by XC message type")
            .classicOnly().classicUpperBounds(LATENCY_BUCKETS).labelNames("type").register(registry);
    private final Histogram requestsPerRound = Histogram.builder().name("mgtm_proxy_backend_requests_per_round")
            .help("Backend requests each round carried upstream: the grouping factor")
            .classicOnly().classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096).register(registry);
    private HTTPServer http;

    /** The grouper's statistics and the proxy's backends (slots), read when scraped. */
    void watch(ProxyStats stats, SlotPool slots) {
        stats.onRound(requestsPerRound::observe);
        CounterWithCallback.builder().name("mgtm_proxy_rounds").help("Rounds sent upstream")
                .callback(cb -> cb.call(stats.rounds())).register(registry);
        CounterWithCallback.builder().name("mgtm_proxy_multi_requests")
                .help("Grouped MULTI requests sent upstream (begins, commits, rollbacks, snapshots)")
                .callback(cb -> cb.call(stats.multiRequests())).register(registry);
        CounterWithCallback.builder().name("mgtm_proxy_forwarded_requests")
                .help("Backend requests forwarded one by one (sequences, prepares, autovacuum begins, ...)")
                .callback(cb -> cb.call(stats.forwardedRequests())).register(registry);
        CounterWithCallback.builder().name("mgtm_proxy_failed_requests")
                .help("Backend requests answered with an error because no leader answered in time")
                .callback(cb -> cb.call(stats.failedRequests())).register(registry);
        GaugeWithCallback.builder().name("mgtm_proxy_backends").help("Backends connected (coordinator and datanode "
                + "processes)").callback(cb -> cb.call(slots.inUse())).register(registry);
    }

    /** The upstream session of a proxy in front of a replicated group: its leader changes and resubmits. */
    public void watch(LeaderClient client) {
        CounterWithCallback.builder().name("mgtm_proxy_failover_resubmits")
                .help("Requests resubmitted to a new leader after a lost connection or NOT_LEADER (applied once)")
                .callback(cb -> cb.call(client.resubmitted())).register(registry);
        CounterWithCallback.builder().name("mgtm_proxy_reconnects")
                .help("Times the session connected to a leader again after losing it")
                .callback(cb -> cb.call(client.reconnects())).register(registry);
        CounterWithCallback.builder().name("mgtm_proxy_redirects")
                .help("NOT_LEADER answers that sent the session to another member")
                .callback(cb -> cb.call(client.redirects())).register(registry);
        GaugeWithCallback.builder().name("mgtm_proxy_leader_connected")
                .help("1 while the session is connected to a leader, else 0")
                .callback(cb -> cb.call(client.isConnected() ? 1 : 0)).register(registry);
    }

    /** Serves the metrics on {@code host:port} (port 0: no HTTP server). */
    public void serve(String host, int port) throws IOException {
        http = MetricsEndpoint.serve(registry, host, port);
    }

    /** The port the metrics are served on, or 0. */
    public int port() {
        return http == null ? 0 : http.getPort();
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** A backend's request of this type, received at {@code sinceNanos}, was answered. */
    void answered(Request request, Response response, long sinceNanos) {
        String type = request.type().name();
        requests.labelValues(type, response instanceof Response.Error ? "error" : "ok").inc();
        answerSeconds.labelValues(type).observe((System.nanoTime() - sinceNanos) / 1e9);
    }

    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
    }
}
