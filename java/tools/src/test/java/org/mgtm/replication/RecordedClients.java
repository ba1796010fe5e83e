package org.mgtm.replication;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.mgtm.check.History;
import org.mgtm.check.HistoryRecorder;
import org.mgtm.check.Operation;
import org.mgtm.client.ClientOptions;
import org.mgtm.client.GtmConnection;
import org.mgtm.net.Transport;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.TxnRef;

/**
 * XC backends whose every begin, snapshot and commit goes into one history ({@link HistoryRecorder},
 * one clock), so that the checker can compare snapshots and commits in real time across endpoints and
 * leader changes. Each client is a thread with one request in flight; a lost connection or an
 * unknown outcome makes it a new process on a new connection, as the history format requires.
 */
final class RecordedClients implements AutoCloseable {
    /** How long a client waits for an answer before it takes the outcome for unknown. */
    static final long ANSWER_MILLIS = 40_000;

    private final HistoryRecorder recorder = HistoryRecorder.inMemory();
    private final EventLoopGroup io = Transport.newGroup(2, "recorded-clients");
    private final List<Thread> threads = new ArrayList<>();
    private final Queue<String> transactionErrors = new ConcurrentLinkedQueue<>();
    private final Queue<Long> commits = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;

    /** What a request came back with: a success answer, an error answer, or nothing. */
    private record Outcome(Response answer, String lost) {
        boolean ok(Class<? extends Response> expected) {
            return expected.isInstance(answer);
        }

        /** An error answer that says the request did not take effect (else its outcome is unknown). */
        boolean definiteError() {
            return answer instanceof Response.Error e && !e.message().contains(Response.OUTCOME_UNKNOWN);
        }

        String why() {
            return lost != null ? lost : String.valueOf(answer);
        }
    }

    private static Outcome ask(GtmConnection c, Request r, long millis) {
        try {
            return new Outcome(c.request(r).get(millis, TimeUnit.MILLISECONDS), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(null, "interrupted");
        } catch (Exception e) {
            return new Outcome(null, String.valueOf(e.getCause() != null ? e.getCause() : e));
        }
    }

    private GtmConnection connect(InetSocketAddress to) {
        try {
            return GtmConnection.connect(io, to, ClientOptions.BACKEND).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return null;
        }
    }

    private void start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    /**
     * {@code count} backends of {@code endpoint} (a proxy), each looping begin, {@code snapshots}
     * snapshots and commit. Every answer other than the expected success counts as an error a backend
     * saw ({@link #transactionErrors()}).
     */
    void transactions(String name, InetSocketAddress endpoint, int count, int snapshots) {
        for (int i = 0; i < count; i++) {
            start(name + "-" + i, () -> transactionLoop(endpoint, snapshots));
        }
    }

    private void transactionLoop(InetSocketAddress endpoint, int snapshots) {
        GtmConnection c = null;
        int p = -1;
        while (running) {
            if (c == null) {
                c = connect(endpoint);
                p = recorder.newProcess();
                if (c == null) {
                    transactionErrors.add("cannot connect to " + endpoint);
                    pause();
                    continue;
                }
            }
            recorder.invoke(p, Operation.begin());
            Outcome begin = ask(c, new Request.TxnBeginGetGxid(1, false), ANSWER_MILLIS);
            if (!begin.ok(Response.BeginGxid.class)) {
                c = failed(p, Operation.begin(), begin, c);
                continue;
            }
            int gxid = ((Response.BeginGxid) begin.answer()).gxid();
            recorder.ok(p, Operation.begin(gxid));
            boolean going = true;
            for (int s = 0; s < snapshots && going; s++) {
                recorder.invoke(p, Operation.snapshot(gxid));
                Outcome snap = ask(c, new Request.SnapshotGet(true, TxnRef.gxid(gxid)), ANSWER_MILLIS);
                if (snap.ok(Response.SnapshotResult.class)) {
                    recorder.ok(p, Operation.snapshot(gxid, ((Response.SnapshotResult) snap.answer()).snapshot()));
                } else {
                    c = failed(p, Operation.snapshot(gxid), snap, c);
                    going = false;
                }
            }
            if (!going) {
                continue;
            }
            recorder.invoke(p, Operation.commit(gxid));
            Outcome commit = ask(c, new Request.TxnCommit(TxnRef.gxid(gxid)), ANSWER_MILLIS);
            if (commit.ok(Response.Ended.class)) {
                recorder.ok(p, Operation.commit(gxid));
                commits.add(System.nanoTime());
            } else {
                c = failed(p, Operation.commit(gxid), commit, c);
            }
        }
        if (c != null) {
            c.close();
        }
    }

    /** Records a failed request; returns the connection to go on with (null: start a new process). */
    private GtmConnection failed(int p, Operation op, Outcome o, GtmConnection c) {
        transactionErrors.add(op.name() + ": " + o.why());
        if (o.definiteError()) {
            recorder.fail(p, op, o.why());
            return c;
        }
        recorder.info(p, op, o.why());
        c.close();
        return null;
    }

    /** A reader pinned to one replica: its transaction, and the times (nanoTime) of its answered snapshots. */
    final class PinnedReader {
        final Queue<Long> answered = new ConcurrentLinkedQueue<>();
        final CountDownLatch begun = new CountDownLatch(1);
        volatile String stoppedBy;

        /** When its last snapshot was answered with success (nanoTime), or -1. */
        long lastAnswered() {
            return answered.stream().mapToLong(Long::longValue).max().orElse(-1);
        }
    }

    /**
     * Begins a transaction on {@code replica}'s XC port and asks for snapshots of it, one after the
     * other, until an answer is not a snapshot (then it stops: a replica that could not confirm its
     * leadership closes the connection). Returns once the transaction has begun.
     */
    PinnedReader pinnedReader(String name, InetSocketAddress replica) throws InterruptedException {
        PinnedReader reader = new PinnedReader();
        start(name, () -> {
            GtmConnection c = connect(replica);
            int p = recorder.newProcess();
            if (c == null) {
                reader.stoppedBy = "cannot connect";
                reader.begun.countDown();
                return;
            }
            recorder.invoke(p, Operation.begin());
            Outcome begin = ask(c, new Request.TxnBeginGetGxid(1, false), ANSWER_MILLIS);
            if (!begin.ok(Response.BeginGxid.class)) {
                recordEnd(p, Operation.begin(), begin);
                reader.stoppedBy = "begin: " + begin.why();
                reader.begun.countDown();
                c.close();
                return;
            }
            int gxid = ((Response.BeginGxid) begin.answer()).gxid();
            recorder.ok(p, Operation.begin(gxid));
            reader.begun.countDown();
            while (running) {
                recorder.invoke(p, Operation.snapshot(gxid));
                Outcome snap = ask(c, new Request.SnapshotGet(true, TxnRef.gxid(gxid)), ANSWER_MILLIS);
                if (!snap.ok(Response.SnapshotResult.class)) {
                    recordEnd(p, Operation.snapshot(gxid), snap);
                    reader.stoppedBy = snap.why();
                    break;
                }
                recorder.ok(p, Operation.snapshot(gxid, ((Response.SnapshotResult) snap.answer()).snapshot()));
                reader.answered.add(System.nanoTime());
            }
            c.close();
        });
        reader.begun.await(ANSWER_MILLIS, TimeUnit.MILLISECONDS);
        if (reader.stoppedBy != null) {
            throw new IllegalStateException("the pinned reader could not begin on " + replica + ": " + reader.stoppedBy);
        }
        return reader;
    }

    private void recordEnd(int p, Operation op, Outcome o) {
        if (o.definiteError()) {
            recorder.fail(p, op, o.why());
        } else {
            recorder.info(p, op, o.why());
        }
    }

    /**
     * A writer on the given replicas' XC ports: begin and commit on whichever answers as leader; after
     * an error or a lost connection it tries the next one on a new connection (a new process).
     */
    void writer(String name, List<InetSocketAddress> replicas) {
        start(name, () -> {
            int next = 0;
            while (running) {
                InetSocketAddress to = replicas.get(next++ % replicas.size());
                GtmConnection c = connect(to);
                if (c == null) {
                    pause();
                    continue;
                }
                int p = recorder.newProcess();
                while (running) {
                    recorder.invoke(p, Operation.begin());
                    Outcome begin = ask(c, new Request.TxnBeginGetGxid(1, false), ANSWER_MILLIS);
                    if (!begin.ok(Response.BeginGxid.class)) {
                        recordEnd(p, Operation.begin(), begin);
                        pause(); // a follower says no at once: do not spin on it
                        break;
                    }
                    int gxid = ((Response.BeginGxid) begin.answer()).gxid();
                    recorder.ok(p, Operation.begin(gxid));
                    recorder.invoke(p, Operation.commit(gxid));
                    Outcome commit = ask(c, new Request.TxnCommit(TxnRef.gxid(gxid)), ANSWER_MILLIS);
                    if (!commit.ok(Response.Ended.class)) {
                        recordEnd(p, Operation.commit(gxid), commit);
                        break;
                    }
                    recorder.ok(p, Operation.commit(gxid));
                    commits.add(System.nanoTime());
                }
                c.close();
            }
        });
    }

    /** Paces a retry; nothing waits on it. */
    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Errors the transaction loops' backends saw. */
    List<String> transactionErrors() {
        return List.copyOf(transactionErrors);
    }

    /** Waits until {@code more} commits were acknowledged after {@code nanos}; false on timeout. */
    boolean awaitCommitsAfter(long nanos, int more, long timeoutMillis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < end) {
            if (commits.stream().filter(t -> t >= nanos).count() >= more) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /** Stops every client (each finishes its current request) and returns the history. */
    History stop() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(ANSWER_MILLIS + 10_000);
        }
        return recorder.history();
    }

    /** Writes the history for a look after the test. */
    void write(Path file) throws IOException {
        recorder.history().write(file);
    }

    @Override
    public void close() throws InterruptedException {
        if (running) {
            stop();
        }
        io.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
