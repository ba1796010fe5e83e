package org.mgtm.bench;

import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;
import org.mgtm.check.HistoryRecorder;
import org.mgtm.client.ClientOptions;
import org.mgtm.client.CrossTransactions;
import org.mgtm.client.Futures;
import org.mgtm.client.GtmConnection;
import org.mgtm.client.GtmException;
import org.mgtm.client.LeaderClient;
import org.mgtm.client.LeaderClientSettings;
import org.mgtm.net.Transport;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;

/**
 * Mixed load on sub-clusters (docs/subclusters.md): local clients, each an XC backend of one sub-cluster's
 * mgtm_proxy looping begin, snapshots, commit; and cross clients, each looping a cross-sub-cluster transaction
 * through {@link CrossTransactions} (begin in a home sub-cluster, taking turns, register in the others,
 * snapshots in each, two-phase commit with the G-GTM's decision). Every request can be recorded into one
 * history of all sub-clusters for {@code mgtm check}. Counts local and cross transactions per second: the cost
 * of the global step.
 */
public final class SubclusterLoad {
    private static final long RECONNECT_DELAY_MILLIS = 100;

    /**
     * @param proxies        each sub-cluster's mgtm_proxy (local clients connect there)
     * @param groups         each sub-cluster's internal addresses (cross clients' sessions)
     * @param ggtm           the G-GTM's internal addresses
     * @param secret         the groups' shared secret
     * @param localClients   local clients per sub-cluster
     * @param crossClients   cross-sub-cluster clients in all
     * @param snapshotsPerTxn snapshots per transaction (cross: spread over the participants)
     * @param seconds        how long
     */
    public record Settings(Map<String, InetSocketAddress> proxies, Map<String, List<InetSocketAddress>> groups,
                           List<InetSocketAddress> ggtm, String secret, int localClients, int crossClients,
                           int snapshotsPerTxn, int seconds) {
    }

    /**
     * Totals; {@code perSecond}: {second, local, cross, errors}. Latencies in ms. The probes: right after the
     * first participant acknowledged a cross transaction's commit, a snapshot of each other participant (on a
     * transaction the client keeps open there); {@code probesRunning} of them still showed it running, for at most
     * {@code probeLagMax} ms after that acknowledgement (time from it to the probe's request).
     */
    public record Result(long local, long cross, long localErrors, long crossErrors, long tooOldRetries, double seconds,
                         double localP50, double localP99, double crossP50, double crossP99, List<double[]> perSecond,
                         long probes, long probesRunning, double probeLagP50, double probeLagMax) {
        public long errors() {
            return localErrors + crossErrors;
        }

        /** The probes' line: how often a reader could see a commit in one sub-cluster and not yet in another. */
        public String probeLine() {
            return String.format(Locale.ROOT, "visibility probes: %d snapshots of the other participants asked right "
                    + "after a cross transaction's first commit acknowledgement, %d (%.1f%%) still showed it running; "
                    + "those lagged p50 %.2f ms, max %.2f ms after that acknowledgement", probes, probesRunning,
                    probes == 0 ? 0 : 100.0 * probesRunning / probes, probeLagP50, probeLagMax);
        }

        public String summary() {
            return String.format(Locale.ROOT, "local %d transactions (%.0f/s, p50 %.2f ms, p99 %.2f ms), cross %d "
                    + "(%.1f/s, p50 %.2f ms, p99 %.2f ms), errors %d local / %d cross, begins restarted above a horizon "
                    + "%d", local, local / seconds, localP50, localP99, cross, cross / seconds, crossP50, crossP99,
                    localErrors, crossErrors, tooOldRetries);
        }
    }

    private final Settings settings;
    private final HistoryRecorder recorder;
    private final Recorder localLatency = new Recorder(3);
    private final Recorder crossLatency = new Recorder(3);
    private final AtomicLong local = new AtomicLong();
    private final AtomicLong cross = new AtomicLong();
    private final AtomicLong localErrors = new AtomicLong();
    private final AtomicLong crossErrors = new AtomicLong();
    private final List<CrossTransactions> crossClients = new ArrayList<>();
    private final Recorder probeLag = new Recorder(3);
    private final AtomicLong probes = new AtomicLong();
    private final AtomicLong probesRunning = new AtomicLong();
    private volatile long deadline;

    /** {@code recorder}: the history to record into (processes listed per sub-cluster), or null. */
    public SubclusterLoad(Settings settings, HistoryRecorder recorder) {
        this.settings = settings;
        this.recorder = recorder;
    }

    public long localTransactions() {
        return local.get();
    }

    public long crossTransactions() {
        return cross.get();
    }

    public long errors() {
        return localErrors.get() + crossErrors.get();
    }

    public Result run() throws InterruptedException {
        EventLoopGroup group = Transport.newGroup(2, "subcluster-load");
        Map<String, LeaderClient> sessions = new LinkedHashMap<>();
        // The probes read through sessions of their own: on the cross clients' sessions a probe would be applied
        // after the commit sent before it on the same connection, and could never see the commit's lag.
        Map<String, LeaderClient> probeSessions = new LinkedHashMap<>();
        LeaderClient ggtm = null;
        try {
            int loops = settings.localClients() * settings.proxies().size() + settings.crossClients();
            CountDownLatch finished = new CountDownLatch(loops);
            long start = System.nanoTime();
            deadline = start + TimeUnit.SECONDS.toNanos(settings.seconds());
            if (settings.crossClients() > 0) {
                for (Map.Entry<String, List<InetSocketAddress>> g : settings.groups().entrySet()) {
                    sessions.put(g.getKey(), LeaderClient.start(group, LeaderClientSettings.of(g.getValue(),
                            settings.secret()).withClientName("cross clients of " + g.getKey())));
                    probeSessions.put(g.getKey(), LeaderClient.start(group, LeaderClientSettings.of(g.getValue(),
                            settings.secret()).withClientName("visibility probes of " + g.getKey())));
                }
                ggtm = LeaderClient.start(group, LeaderClientSettings.of(settings.ggtm(), settings.secret())
                        .withClientName("cross clients (G-GTM)"));
            }
            for (Map.Entry<String, InetSocketAddress> p : settings.proxies().entrySet()) {
                for (int i = 0; i < settings.localClients(); i++) {
                    new LocalLoop(p.getKey(), p.getValue(), group, finished).connect();
                }
            }
            List<String> names = new ArrayList<>(settings.groups().keySet());
            for (int i = 0; i < settings.crossClients(); i++) {
                Map<String, CrossTransactions.Endpoint> endpoints = new LinkedHashMap<>();
                for (String sc : names) {
                    endpoints.put(sc, recorded(CrossTransactions.Endpoint.of(sessions.get(sc)), sc));
                }
                CrossTransactions c = new CrossTransactions(endpoints, recorded(CrossTransactions.Endpoint.of(ggtm),
                        org.mgtm.check.SubclusterLine.GGTM));
                crossClients.add(c);
                Map<String, Probe> probesOf = new LinkedHashMap<>();
                for (String sc : names) {
                    probesOf.put(sc, new Probe(recorded(CrossTransactions.Endpoint.of(probeSessions.get(sc)), sc)));
                }
                new CrossLoop(c, names, i, finished, probesOf).next();
            }
            List<double[]> perSecond = new ArrayList<>();
            long[] last = new long[3];
            for (int s = 1; !finished.await(Math.max(1, start + TimeUnit.SECONDS.toNanos(s) - System.nanoTime()),
                    TimeUnit.NANOSECONDS); s++) {
                long l = local.get();
                long c = cross.get();
                long e = errors();
                perSecond.add(new double[] {s, l - last[0], c - last[1], e - last[2]});
                last[0] = l;
                last[1] = c;
                last[2] = e;
                if (s > settings.seconds() + 60) {
                    break; // a loop that never ends (a request without deadline) must not hang the run
                }
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            var l = localLatency.getIntervalHistogram();
            var c = crossLatency.getIntervalHistogram();
            long retries = crossClients.stream().mapToLong(CrossTransactions::tooOldRetries).sum();
            var p = probeLag.getIntervalHistogram();
            return new Result(local.get(), cross.get(), localErrors.get(), crossErrors.get(), retries, elapsed,
                    l.getValueAtPercentile(50) / 1e6, l.getValueAtPercentile(99) / 1e6, c.getValueAtPercentile(50) / 1e6,
                    c.getValueAtPercentile(99) / 1e6, perSecond, probes.get(), probesRunning.get(),
                    p.getTotalCount() == 0 ? 0 : p.getValueAtPercentile(50) / 1e6, p.getMaxValue() / 1e6);
        } finally {
            for (LeaderClient s : sessions.values()) {
                s.close();
            }
            for (LeaderClient s : probeSessions.values()) {
                s.close();
            }
            if (ggtm != null) {
                ggtm.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    private CrossTransactions.Endpoint recorded(CrossTransactions.Endpoint e, String group) {
        return recorder == null ? e : new RecordingEndpoint(e, recorder, group);
    }

    private boolean over() {
        return System.nanoTime() - deadline >= 0;
    }

    /** One XC backend of a sub-cluster's proxy. */
    private final class LocalLoop {
        private final String subcluster;
        private final InetSocketAddress proxy;
        private final EventLoopGroup group;
        private final CountDownLatch finished;
        private BenchBackend backend;

        LocalLoop(String subcluster, InetSocketAddress proxy, EventLoopGroup group, CountDownLatch finished) {
            this.subcluster = subcluster;
            this.proxy = proxy;
            this.group = group;
            this.finished = finished;
        }

        void connect() {
            GtmConnection.connect(group, proxy, ClientOptions.BACKEND).whenComplete((c, failure) -> {
                if (failure != null) {
                    localErrors.incrementAndGet();
                    if (over()) {
                        finished.countDown();
                    } else {
                        group.next().schedule(this::connect, RECONNECT_DELAY_MILLIS, TimeUnit.MILLISECONDS);
                    }
                    return;
                }
                BenchBackend direct = BenchBackend.direct(c);
                backend = recorder == null ? direct : new RecordingBackend(direct, recorder, subcluster);
                next();
            });
        }

        void next() {
            if (over()) {
                finished.countDown();
                return;
            }
            long started = System.nanoTime();
            backend.begin().thenCompose(g -> snapshots(g, settings.snapshotsPerTxn())).thenCompose(backend::commit)
                    .whenComplete((ok, failure) -> {
                        if (failure == null) {
                            localLatency.recordValue(System.nanoTime() - started);
                            local.incrementAndGet();
                            next();
                            return;
                        }
                        localErrors.incrementAndGet();
                        Throwable cause = Futures.cause(failure);
                        if (cause instanceof GtmException g && g.isConnectionFailure() && !over()) {
                            group.next().schedule(this::connect, RECONNECT_DELAY_MILLIS, TimeUnit.MILLISECONDS);
                        } else {
                            group.next().execute(this::next);
                        }
                    });
        }

        private CompletableFuture<Integer> snapshots(int gxid, int remaining) {
            if (remaining == 0) {
                return CompletableFuture.completedFuture(gxid);
            }
            return backend.snapshot(gxid).thenCompose(s -> snapshots(gxid, remaining - 1));
        }
    }

    /**
     * A cross client's probe in one sub-cluster: a transaction kept open there (renewed every 2 s, so it does not
     * hold back the recent global xmin for long), on its own session process, whose snapshots show whether a cross
     * transaction is visible there yet. At most one request in flight; a probe due meanwhile is skipped.
     */
    private final class Probe {
        private static final long RENEW_NANOS = TimeUnit.SECONDS.toNanos(2);
        private final CrossTransactions.Endpoint endpoint;
        private final java.util.concurrent.atomic.AtomicBoolean busy = new java.util.concurrent.atomic.AtomicBoolean();
        private volatile int gxid;
        private volatile long begunAt;

        Probe(CrossTransactions.Endpoint endpoint) {
            this.endpoint = endpoint;
        }

        /** Opens (or renews) the probe transaction when idle. */
        void keep() {
            if (!busy.compareAndSet(false, true)) {
                return;
            }
            int old = gxid;
            if (old != 0 && System.nanoTime() - begunAt < RENEW_NANOS) {
                busy.set(false);
                return;
            }
            CompletableFuture<?> ended = old == 0 ? CompletableFuture.completedFuture(null)
                    : endpoint.submit(new Request.TxnCommit(org.mgtm.protocol.TxnRef.gxid(old)));
            ended.handle((x, y) -> {
                gxid = 0;
                return endpoint.submit(new Request.TxnBeginGetGxid(1, true)).whenComplete((r, failure) -> {
                    if (r instanceof Response.BeginGxid b) {
                        gxid = b.gxid();
                        begunAt = System.nanoTime();
                    }
                    busy.set(false);
                });
            });
        }

        /** A snapshot now: is {@code crossGxid} still running here, {@code sinceNanos} after its first ack? */
        void look(int crossGxid, long sinceNanos) {
            int g = gxid;
            if (g == 0 || !busy.compareAndSet(false, true)) {
                return;
            }
            long asked = System.nanoTime();
            endpoint.submit(new Request.SnapshotGet(true, org.mgtm.protocol.TxnRef.gxid(g))).whenComplete((r, failure) -> {
                busy.set(false);
                if (r instanceof Response.SnapshotResult s) {
                    probes.incrementAndGet();
                    boolean running = !org.mgtm.core.Gxids.precedes(crossGxid, s.snapshot().xmax());
                    for (int x : s.snapshot().xip()) {
                        running |= x == crossGxid;
                    }
                    if (running) {
                        probesRunning.incrementAndGet();
                        probeLag.recordValue(Math.max(0, asked - sinceNanos));
                    }
                }
            });
        }
    }

    /** One cross-sub-cluster client: homes take turns, the other sub-clusters register. */
    private final class CrossLoop {
        private final CrossTransactions client;
        private final List<String> names;
        private final CountDownLatch finished;
        private final Map<String, Probe> probesOf;
        private int turn;

        CrossLoop(CrossTransactions client, List<String> names, int first, CountDownLatch finished,
                  Map<String, Probe> probesOf) {
            this.client = client;
            this.names = names;
            this.turn = first;
            this.finished = finished;
            this.probesOf = probesOf;
        }

        void next() {
            if (over()) {
                finished.countDown();
                return;
            }
            String home = names.get(turn++ % names.size());
            List<String> others = names.stream().filter(n -> !n.equals(home)).toList();
            long started = System.nanoTime();
            probesOf.values().forEach(Probe::keep);
            client.begin(home, others)
                    .thenCompose(t -> snapshots(t, 0).thenApply(x -> t))
                    .thenCompose(this::commitProbed)
                    .whenComplete((outcome, failure) -> {
                        if (failure == null && outcome.committed()) {
                            crossLatency.recordValue(System.nanoTime() - started);
                            cross.incrementAndGet();
                        } else {
                            crossErrors.incrementAndGet();
                        }
                        CompletableFuture.runAsync(this::next);
                    });
        }

        /** Commits; when the first participant acknowledges, the others are probed at once. */
        private CompletableFuture<CrossTransactions.Outcome> commitProbed(CrossTransactions.Txn t) {
            java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean();
            return client.commit(t, (participant, commit, reply) -> {
                if (commit && reply instanceof Response.Ended && first.compareAndSet(false, true)) {
                    long now = System.nanoTime();
                    for (String other : t.participants()) {
                        if (!other.equals(participant)) {
                            probesOf.get(other).look(t.gxid(), now);
                        }
                    }
                }
            });
        }

        private CompletableFuture<Void> snapshots(CrossTransactions.Txn t, int k) {
            if (k >= settings.snapshotsPerTxn()) {
                return CompletableFuture.completedFuture(null);
            }
            String where = t.participants().get(k % t.participants().size());
            return client.in(where, ref -> new Request.SnapshotGet(true, ref), t).thenCompose(r -> {
                if (!(r instanceof Response.SnapshotResult)) {
                    return CompletableFuture.failedFuture(new GtmException("ERROR", "snapshot in " + where + ": " + r));
                }
                return snapshots(t, k + 1);
            });
        }
    }
}
