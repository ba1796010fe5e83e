package org.mgtm.replication;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import org.mgtm.net.MetricsEndpoint;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jgroups.protocols.raft.Role;
import org.mgtm.core.Command;
import org.mgtm.protocol.Response;
import org.mgtm.replication.engine.RaftMember;
import org.mgtm.replication.engine.DurableLog;

/**
 * A replica's Prometheus metrics (docs/operations.md lists them with what to alert on), served over HTTP
 * at {@code http://host:metrics_port/metrics} when a metrics port is set. Every hook is one call from
 * the place where the thing happens (the sequencer's answers and appends, the log, role changes); the
 * state's sizes are read when scraped. The registry is this replica's own, so that several replicas in
 * one JVM (tests) keep their figures apart.
 */
public final class ReplicaMetrics implements AutoCloseable {
    /** Answer and raft latencies: 100 us to 10 s. A healthy loopback group answers in about a millisecond. */
    static final double[] LATENCY_BUCKETS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
            0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter gxidsGranted = Counter.builder().name("mgtm_gxids_granted_total")
            .help("GXIDs handed out by this replica while leader (grouped begins count each GXID)").register(registry);
    private final Counter requests = Counter.builder().name("mgtm_requests_total")
            .help("Requests answered, by XC message type and outcome (ok, error: the GTM refused it, unconfirmed: "
                    + "not leader or not committed in time, outcome unknown)")
            .labelNames("type", "outcome").register(registry);
    private final Histogram answerSeconds = Histogram.builder().name("mgtm_answer_seconds")
            .help("Time from a decoded request to its answer (queueing, raft commit, apply), by XC message type")
            .classicOnly().classicUpperBounds(LATENCY_BUCKETS).labelNames("type").register(registry);
    private final Histogram commitSeconds = Histogram.builder().name("mgtm_raft_commit_seconds")
            .help("Time from appending a log entry on the leader to its commit by a majority and apply")
            .classicOnly().classicUpperBounds(LATENCY_BUCKETS).register(registry);
    private final Histogram logAppendSeconds = Histogram.builder().name("mgtm_raft_log_append_seconds")
            .help("Time to write entries to this replica's own raft log, fsync included (leader and followers)")
            .classicOnly().classicUpperBounds(LATENCY_BUCKETS).register(registry);
    private final Histogram commandsPerEntry = Histogram.builder().name("mgtm_raft_commands_per_entry")
            .help("Commands carried by each log entry the leader appends: the group-commit factor")
            .classicOnly().classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096).register(registry);
    // Leader changes of the group: the sum over the replicas of role="Leader" (each new leader counts one
    // there), and every change of mgtm_raft_term. A follower gets no event when the leader changes under it.
    private final Counter roleChanges = Counter.builder().name("mgtm_raft_role_changes_total")
            .help("Role changes of this replica, by the role it took (summed over the group, role=Leader counts "
                    + "the group's leader changes)").labelNames("role").register(registry);
    private HTTPServer http;

    /** What the scrape reads from the replica: its raft member (null while starting) and its state. */
    ReplicaMetrics(Supplier<RaftMember> member, ReplicatedCore core) {
        GaugeWithCallback.builder().name("mgtm_raft_is_leader").help("1 while this replica is the leader, else 0")
                .callback(cb -> cb.call(member.get() != null && member.get().isLeader() ? 1 : 0)).register(registry);
        GaugeWithCallback.builder().name("mgtm_raft_term").help("The raft term this replica is in")
                .callback(cb -> cb.call(member.get() == null ? 0 : member.get().term())).register(registry);
        GaugeWithCallback.builder().name("mgtm_raft_commit_index").help("The raft log's commit index on this replica")
                .callback(cb -> cb.call(member.get() == null ? 0 : member.get().raft().commitIndex())).register(registry);
        GaugeWithCallback.builder().name("mgtm_open_transactions")
                .help("Open transactions in the replicated state (prepared ones included)")
                .callback(cb -> cb.call(core.sizes().open())).register(registry);
        GaugeWithCallback.builder().name("mgtm_prepared_transactions")
                .help("Prepared transactions waiting for COMMIT/ROLLBACK PREPARED")
                .callback(cb -> cb.call(core.sizes().prepared())).register(registry);
        GaugeWithCallback.builder().name("mgtm_sessions")
                .help("Client sessions the replicated state knows (proxies and direct XC connections)")
                .callback(cb -> cb.call(core.sizes().sessions())).register(registry);
        CounterWithCallback.builder().name("mgtm_applied_commands")
                .help("Commands this replica's state machine has applied")
                .callback(cb -> cb.call(core.sizes().appliedCommands())).register(registry);
    }

    /** Serves the metrics on {@code host:port} (port 0: no HTTP server; the figures are still kept). */
    void serve(String host, int port) throws IOException {
        http = MetricsEndpoint.serve(registry, host, port);
    }

    /** The port the metrics are served on, or 0. */
    public int port() {
        return http == null ? 0 : http.getPort();
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** The sequencer answered {@code command} (null: an answer decided at decoding) submitted at {@code since}. */
    void answered(Command command, Response response, long sinceNanos) {
        String type = type(command);
        requests.labelValues(type, outcome(response)).inc();
        answerSeconds.labelValues(type).observe((System.nanoTime() - sinceNanos) / 1e9);
        if (response instanceof Response.BeginGxid || response instanceof Response.HandleGxid) {
            gxidsGranted.inc();
        } else if (response instanceof Response.BeginGxidMulti multi) {
            gxidsGranted.inc(multi.count());
        }
    }

    /** The leader appended an entry of {@code commands} commands. */
    void entryAppended(int commands) {
        commandsPerEntry.observe(commands);
    }

    /** The log function, timed from the append to the commit (the future's completion). */
    Function<byte[], CompletableFuture<byte[]>> timedCommit(Function<byte[], CompletableFuture<byte[]>> log) {
        return entry -> {
            long start = System.nanoTime();
            return log.apply(entry).whenComplete((r, e) -> {
                if (e == null) {
                    commitSeconds.observe((System.nanoTime() - start) / 1e9);
                }
            });
        };
    }

    /** Times the member's own log writes (after it started). */
    void attach(RaftMember member) {
        org.jgroups.protocols.raft.Log log = member.raft().log();
        if (log instanceof org.jgroups.raft.util.LogCache cache) {
            log = cache.log(); // RAFT keeps its log behind a cache of recent entries
        }
        if (log instanceof DurableLog file) {
            file.onAppend(nanos -> logAppendSeconds.observe(nanos / 1e9));
        }
    }

    void roleChanged(Role role) {
        roleChanges.labelValues(role.name()).inc();
    }

    private static String type(Command command) {
        if (command instanceof Command.Client c) {
            return c.request().type().name();
        }
        return command == null ? "INVALID" : command.getClass().getSimpleName();
    }

    private static String outcome(Response response) {
        if (ReplicatedSequencer.isUnconfirmed(response)) {
            return "unconfirmed";
        }
        return response instanceof Response.Error ? "error" : "ok";
    }

    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
    }
}
