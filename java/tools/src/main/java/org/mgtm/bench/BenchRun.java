package org.mgtm.bench;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.mgtm.check.HistoryRecorder;
import org.mgtm.client.ClientOptions;
import org.mgtm.client.Futures;
import org.mgtm.client.GtmConnection;
import org.mgtm.client.GtmException;
import org.mgtm.proxy.Grouper;
import org.mgtm.proxy.ProxyStats;
import org.mgtm.proxy.XcUpstream;

/**
 * Runs the pgbench-shaped load: every client loops begin, k snapshots, commit, with one transaction
 * in flight, as an XC backend does. Clients are asynchronous (no thread each), so 64 of them cost
 * the load generator little CPU on the machine it shares with the GTM.
 */
public final class BenchRun {
    private static final long RECONNECT_DELAY_MILLIS = 100;

    private final BenchSettings settings;
    private final PrintStream out;
    private final Recorder latency = new Recorder(3);
    private final Histogram total = new Histogram(3);
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private volatile long deadlineNanos;
    /** Null unless the run records a history; then every backend is wrapped in a {@link RecordingBackend}. */
    private HistoryRecorder recorder;

    public BenchRun(BenchSettings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    /** Transactions completed so far: for callers that watch a run live (the failover demo). */
    public long completedTransactions() {
        return transactions.get();
    }

    /** Transactions that failed so far. */
    public long failedTransactions() {
        return errors.get();
    }

    public BenchResult run() throws InterruptedException {
        if (settings.history() != null) {
            try {
                recorder = HistoryRecorder.toFile(settings.history());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the history " + settings.history(), e);
            }
        }
        try {
            return measure();
        } finally {
            if (recorder != null) {
                recorder.closeUnchecked();
            }
        }
    }

    private BenchBackend recorded(BenchBackend backend) {
        return recorder == null ? backend : new RecordingBackend(backend, recorder);
    }

    private BenchResult measure() throws InterruptedException {
        EventLoopGroup group = Epoll.isAvailable()
                ? new EpollEventLoopGroup(2, new DefaultThreadFactory("bench", true))
                : new NioEventLoopGroup(2, new DefaultThreadFactory("bench", true));
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-ticker");
            t.setDaemon(true);
            return t;
        });
        try {
            ClientOptions options = new ClientOptions(settings.format(), settings.proxyFraming(), 1, 5000);
            List<BenchBackend> backends = new ArrayList<>();
            List<Grouper> groupers = new ArrayList<>();
            ProxyStats grouping = new ProxyStats();
            List<GtmConnection> connections = new ArrayList<>();
            if (settings.proxyFraming()) {
                for (int i = 0; i < settings.proxyConnections(); i++) {
                    GtmConnection c = GtmConnection.connect(group, settings.target(), options).join();
                    connections.add(c);
                    groupers.add(new Grouper(new XcUpstream(c), c.channel().eventLoop(), grouping));
                }
                for (int i = 0; i < settings.clients(); i++) {
                    int n = groupers.size();
                    backends.add(recorded(BenchBackend.grouped(groupers.get(i % n), i / n)));
                }
            } else {
                for (int i = 0; i < settings.clients(); i++) {
                    GtmConnection c = GtmConnection.connect(group, settings.target(), options).join();
                    connections.add(c);
                    backends.add(recorded(BenchBackend.direct(c)));
                }
            }
            List<BenchResult.Second> timeline = new ArrayList<>();
            long start = System.nanoTime();
            deadlineNanos = start + TimeUnit.SECONDS.toNanos(settings.durationSeconds());
            CountDownLatch finished = new CountDownLatch(backends.size());
            long[] lastCounts = new long[2];
            ticker.scheduleAtFixedRate(() -> tick(timeline, lastCounts), 1, 1, TimeUnit.SECONDS);
            for (int i = 0; i < backends.size(); i++) {
                new ClientLoop(i, backends.get(i), connections, group, options, finished).next();
            }
            finished.await();
            double elapsed = (System.nanoTime() - start) / 1e9;
            ticker.shutdownNow();
            ticker.awaitTermination(5, TimeUnit.SECONDS);
            synchronized (total) {
                total.add(latency.getIntervalHistogram());
            }
            long multi = grouping.multiRequests();
            long grouped = grouping.groupedBackendRequests();
            for (GtmConnection c : connections) {
                c.close();
            }
            synchronized (timeline) {
                return new BenchResult(settings, transactions.get(), errors.get(), elapsed,
                        millis(total.getValueAtPercentile(50)), millis(total.getValueAtPercentile(99)),
                        millis(total.getValueAtPercentile(99.9)), millis(total.getMaxValue()), List.copyOf(timeline),
                        multi == 0 ? 0 : (double) grouped / multi, recorder == null ? 0 : recorder.events());
            }
        } finally {
            ticker.shutdownNow();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    private void tick(List<BenchResult.Second> timeline, long[] last) {
        Histogram interval;
        synchronized (total) {
            interval = latency.getIntervalHistogram();
            total.add(interval);
        }
        long t = transactions.get();
        long e = errors.get();
        BenchResult.Second second;
        synchronized (timeline) {
            second = new BenchResult.Second(timeline.size() + 1, t - last[0], e - last[1],
                    millis(interval.getValueAtPercentile(50)), millis(interval.getValueAtPercentile(99)),
                    millis(interval.getValueAtPercentile(99.9)));
            timeline.add(second);
        }
        last[0] = t;
        last[1] = e;
        if (settings.printTimeline()) {
            out.println(second.line());
        }
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    /** One simulated backend's transaction loop, driven by answer callbacks. */
    private final class ClientLoop {
        private final int index;
        private final List<GtmConnection> connections;
        private final EventLoopGroup group;
        private final ClientOptions options;
        private final CountDownLatch finished;
        private BenchBackend backend;

        ClientLoop(int index, BenchBackend backend, List<GtmConnection> connections, EventLoopGroup group,
                   ClientOptions options, CountDownLatch finished) {
            this.index = index;
            this.backend = backend;
            this.connections = connections;
            this.group = group;
            this.options = options;
            this.finished = finished;
        }

        void next() {
            if (System.nanoTime() - deadlineNanos >= 0) {
                finished.countDown();
                return;
            }
            long started = System.nanoTime();
            backend.begin()
                    .thenCompose(gxid -> snapshots(gxid, settings.snapshotsPerTxn()))
                    .thenCompose(backend::commit)
                    .whenComplete((ok, failure) -> {
                        if (failure == null) {
                            latency.recordValue(System.nanoTime() - started);
                            transactions.incrementAndGet();
                            next();
                        } else {
                            errors.incrementAndGet();
                            recover(failure);
                        }
                    });
        }

        private CompletableFuture<Integer> snapshots(int gxid, int remaining) {
            if (remaining == 0) {
                return CompletableFuture.completedFuture(gxid);
            }
            return backend.snapshot(gxid).thenCompose(s -> snapshots(gxid, remaining - 1));
        }

        /** After an error answer, go on; after a lost connection (direct mode), reconnect first. */
        private void recover(Throwable failure) {
            Throwable cause = Futures.cause(failure);
            boolean lost = cause instanceof GtmException g && g.isConnectionFailure();
            if (System.nanoTime() - deadlineNanos >= 0) {
                finished.countDown();
                return;
            }
            if (!lost) {
                group.next().execute(this::next);
                return;
            }
            if (settings.proxyFraming()) {
                // A grouped connection carries many backends; this simple load generator does not re-create it.
                finished.countDown();
                return;
            }
            group.next().schedule(() -> GtmConnection.connect(group, settings.target(), options).whenComplete((c, err) -> {
                if (err == null) {
                    synchronized (connections) {
                        connections.set(index, c);
                    }
                    backend = recorded(BenchBackend.direct(c));
                    next();
                } else {
                    errors.incrementAndGet();
                    recover(err);
                }
            }), RECONNECT_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }
}
