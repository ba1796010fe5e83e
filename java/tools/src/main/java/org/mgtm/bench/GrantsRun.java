package org.mgtm.bench;

import io.netty.channel.EventLoopGroup;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.mgtm.client.GtmException;
import org.mgtm.core.Gxids;
import org.mgtm.net.Transport;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.TxnRef;

/**
 * Peak GXID grants: every link keeps {@code depth} TXN_BEGIN_GETGXID_MULTI requests in flight and
 * ends each granted run with one COMMIT_MULTI (or ROLLBACK_MULTI) as soon as it arrives, so the
 * transaction table holds only what is in flight. A link never has more than its share of
 * {@code maxOpen} GXIDs begun and not ended, so a server whose --max-transactions is at least
 * {@code maxOpen} never answers "Max transaction limit reached".
 *
 * <p>Each link's pipeline lives on the event loop its answers complete on, so it needs no locks;
 * the run's counters are atomics because the main thread reads them for the window.
 */
public final class GrantsRun {
    /** Told of every granted run of GXIDs (on a link's event loop, so it must be thread-safe). */
    public interface GrantListener {
        void granted(int firstGxid, int count);
    }

    private static final long CONNECT_TIMEOUT_SECONDS = 10;
    private static final long DRAIN_TIMEOUT_SECONDS = 60;
    private static final long RETRY_AFTER_ERROR_MILLIS = 1;

    private final GrantsSettings settings;
    private final PrintStream out;
    private final GrantListener listener;
    private final Recorder beginLatency = new Recorder(3);
    private final AtomicLong granted = new AtomicLong();
    private final AtomicLong ended = new AtomicLong();
    private final AtomicLong endFailures = new AtomicLong();
    private final AtomicLong errorAnswers = new AtomicLong();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private volatile boolean stopping;

    public GrantsRun(GrantsSettings settings, PrintStream out, GrantListener listener) {
        this.settings = settings;
        this.out = out;
        this.listener = listener;
    }

    public GrantsRun(GrantsSettings settings, PrintStream out) {
        this(settings, out, null);
    }

    public GrantsResult run() throws InterruptedException {
        EventLoopGroup group = Transport.newGroup(settings.ioThreads(), "mgtm-grants");
        List<Pipeline> pipelines = new ArrayList<>();
        try {
            CountDownLatch drained = new CountDownLatch(settings.connections());
            for (int i = 0; i < settings.connections(); i++) {
                GtmLink link = settings.target().open(group, "mgtm-bench-grants-" + i)
                        .get(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                pipelines.add(new Pipeline(link, drained));
            }
            for (Pipeline p : pipelines) {
                p.link.loop().execute(p::fill);
            }
            pace(settings.warmupSeconds(), "warm-up");
            beginLatency.reset();
            long g0 = granted.get();
            long t0 = System.nanoTime();
            pace(settings.seconds(), "measure");
            long g1 = granted.get();
            long t1 = System.nanoTime();
            Histogram latency = beginLatency.getIntervalHistogram();
            stopping = true;
            for (Pipeline p : pipelines) {
                p.link.loop().execute(p::fill);
            }
            if (!drained.await(DRAIN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                out.println("warning: requests still unanswered " + DRAIN_TIMEOUT_SECONDS + " s after the run");
            }
            int lost = (int) pipelines.stream().filter(p -> p.failed).count();
            return new GrantsResult(settings, g1 - g0, (t1 - t0) / 1e9, granted.get(), ended.get(),
                    endFailures.get(), errorAnswers.get(), firstError.get(), lost,
                    latency.getValueAtPercentile(50) / 1e6, latency.getValueAtPercentile(99) / 1e6);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new GtmException(settings.target().describe() + ": " + cause.getMessage(), cause);
        } finally {
            for (Pipeline p : pipelines) {
                p.link.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    /** Sleeps {@code seconds} whole seconds, printing each second's grants when asked to. */
    private void pace(int seconds, String phase) throws InterruptedException {
        long start = System.nanoTime();
        long last = granted.get();
        for (int s = 1; s <= seconds; s++) {
            long wake = start + TimeUnit.SECONDS.toNanos(s);
            long now;
            while ((now = System.nanoTime()) - wake < 0) {
                TimeUnit.NANOSECONDS.sleep(wake - now);
            }
            long g = granted.get();
            if (settings.printTimeline()) {
                out.printf(Locale.ROOT, "%-8s %3d s  %,12d grants/s%n", phase, s, g - last);
            }
            last = g;
        }
    }

    private void error(Response answer) {
        errorAnswers.incrementAndGet();
        firstError.compareAndSet(null, answer instanceof Response.Error e ? e.message() : "unexpected " + answer);
    }

    /** One link's requests; every field is touched on the link's event loop only. */
    private final class Pipeline {
        final GtmLink link;
        private final CountDownLatch drained;
        private final Request.TxnBeginGetGxidMulti begin;
        private final int budget = settings.perLinkBudget();
        private int beginsInFlight;
        private int endsInFlight;
        /** GXIDs asked for or granted and not yet answered as ended. */
        private int reserved;
        private long batches;
        private boolean done;
        /** Also read by the main thread for the result. */
        volatile boolean failed;

        Pipeline(GtmLink link, CountDownLatch drained) {
            this.link = link;
            this.drained = drained;
            List<Request.BeginEntry> entries = new ArrayList<>(settings.batch());
            for (int i = 0; i < settings.batch(); i++) {
                // gtm_proxy puts each backend's slot there; distinct slots make the table look like many backends.
                entries.add(new Request.BeginEntry(1, false, (short) (i + 1)));
            }
            // Immutable, so one request object serves every begin of this link.
            this.begin = new Request.TxnBeginGetGxidMulti(entries);
        }

        void fill() {
            while (!stopping && !failed && beginsInFlight < settings.depth() && reserved + settings.batch() <= budget) {
                beginsInFlight++;
                reserved += settings.batch();
                long sent = System.nanoTime();
                link.send(begin).whenComplete((answer, failure) -> begun(answer, failure, sent));
            }
            if ((stopping || failed) && beginsInFlight == 0 && endsInFlight == 0 && !done) {
                done = true;
                drained.countDown();
            }
        }

        private void begun(Response answer, Throwable failure, long sent) {
            beginsInFlight--;
            if (failure != null) {
                reserved -= settings.batch();
                lost(failure);
            } else if (answer instanceof Response.BeginGxidMulti m) {
                beginLatency.recordValue(System.nanoTime() - sent);
                granted.addAndGet(m.count());
                if (listener != null) {
                    listener.granted(m.firstGxid(), m.count());
                }
                reserved -= settings.batch() - m.count();
                end(m.firstGxid(), m.count());
            } else {
                reserved -= settings.batch();
                error(answer);
                if (!stopping) {
                    // The usual cause, a full table, lasts until endings come back: do not spin on it.
                    link.loop().schedule(this::fill, RETRY_AFTER_ERROR_MILLIS, TimeUnit.MILLISECONDS);
                    return;
                }
            }
            fill();
        }

        private void end(int first, int count) {
            List<TxnRef> refs = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                refs.add(TxnRef.gxid(Gxids.groupMember(first, i)));
            }
            Request request = settings.end().commits(batches++) ? new Request.TxnCommitMulti(refs)
                    : new Request.TxnRollbackMulti(refs);
            endsInFlight++;
            link.send(request).whenComplete((answer, failure) -> endedBatch(answer, failure, count));
        }

        private void endedBatch(Response answer, Throwable failure, int count) {
            endsInFlight--;
            reserved -= count;
            if (failure != null) {
                endFailures.addAndGet(count);
                lost(failure);
            } else if (answer instanceof Response.EndedMulti e) {
                int ok = 0;
                for (int status : e.statuses()) {
                    if (status == Response.STATUS_OK) {
                        ok++;
                    }
                }
                ended.addAndGet(ok);
                endFailures.addAndGet(count - ok);
            } else {
                endFailures.addAndGet(count);
                error(answer);
            }
            fill();
        }

        private void lost(Throwable failure) {
            if (!failed) {
                failed = true;
                firstError.compareAndSet(null, "link lost: " + failure.getMessage());
            }
        }
    }
}
