package org.mgtm.server;

import io.netty.util.internal.PlatformDependent;
import java.util.ArrayList;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import org.mgtm.core.Command;
import org.mgtm.core.GtmStateMachine;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.WireMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns the state machine. Event loops enqueue requests; this thread drains
 * everything queued as one batch, applies it in arrival order, makes the batch durable if it must
 * be (one fsync for the whole batch: group commit), and only then releases the answers.
 *
 * <p>Why one thread and not a lock: the core stays single-threaded as its contract demands, no lock
 * is ever held across I/O, and batching falls out of the queue for free; the replicated server puts
 * a consensus round where this one puts the fsync.
 */
final class CommandSequencer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CommandSequencer.class);
    private static final int MAX_BATCH = 8192;

    /**
     * One queued item: a command to apply, an answer decided at decoding time, or (both null) the
     * instruction to close the connection once its earlier answers are written; all kept in order.
     */
    private record Pending(Command command, Connection connection, int conid, Response precomputed) {
    }

    private final GtmStateMachine core;
    private final Durability durability;
    private final Queue<Pending> queue = PlatformDependent.newMpscQueue();
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final ServerStats stats;
    private volatile boolean sleeping;
    private volatile boolean running = true;

    CommandSequencer(GtmStateMachine core, Durability durability, ServerStats stats) {
        this.core = core;
        this.durability = durability;
        this.stats = stats;
        this.thread = new Thread(this::run, "mgtm-sequencer");
    }

    void start() {
        thread.start();
    }

    /** Queues a command; its answer (if any) goes to {@code connection} with {@code conid}. */
    void submit(Command command, Connection connection, int conid) {
        enqueue(new Pending(command, connection, conid, null));
    }

    /** Queues an answer that needs no state (a malformed request), behind the connection's earlier ones. */
    void submitAnswer(Response response, Connection connection, int conid) {
        enqueue(new Pending(null, connection, conid, response));
    }

    /** Closes the connection after every answer queued before this call has been written. */
    void submitClose(Connection connection) {
        enqueue(new Pending(null, connection, WireMessage.NO_CONID, null));
    }

    private void enqueue(Pending pending) {
        queue.offer(pending);
        if (sleeping) {
            LockSupport.unpark(thread);
        }
    }

    private void run() {
        ArrayList<Pending> batch = new ArrayList<>(256);
        ArrayList<Connection> touched = new ArrayList<>(64);
        try {
            while (running || !queue.isEmpty()) {
                Pending p;
                while (batch.size() < MAX_BATCH && (p = queue.poll()) != null) {
                    batch.add(p);
                }
                if (batch.isEmpty()) {
                    sleeping = true;
                    if (queue.isEmpty() && running) {
                        LockSupport.park(this);
                    }
                    sleeping = false;
                    continue;
                }
                processBatch(batch, touched);
                batch.clear();
                touched.clear();
            }
        } catch (Throwable t) {
            log.error("sequencer failed; stopping mgtm to protect GXID uniqueness", t);
            Runtime.getRuntime().halt(70);
        } finally {
            stopped.countDown();
        }
    }

    private void processBatch(ArrayList<Pending> batch, ArrayList<Connection> touched) throws Exception {
        for (int i = 0, n = batch.size(); i < n; i++) {
            Pending p = batch.get(i);
            if (p.command == null && p.precomputed == null) {
                p.connection.closeAfterAnswers();
                markTouched(p.connection, touched);
                continue;
            }
            Response response = p.precomputed != null ? p.precomputed : core.apply(p.command);
            if (p.connection != null && !(response instanceof Response.None)) {
                p.connection.add(new WireMessage.Answer(p.conid, response));
                markTouched(p.connection, touched);
            }
        }
        stats.recordBatch(batch.size());
        // Durable before visible: no answer of this batch leaves before what it depends on is on disk.
        durability.afterBatch(core);
        for (int i = 0, n = touched.size(); i < n; i++) {
            touched.get(i).flushOutbox();
        }
    }

    private static void markTouched(Connection connection, ArrayList<Connection> touched) {
        if (!connection.queuedForFlush) {
            connection.queuedForFlush = true;
            touched.add(connection);
        }
    }

    /** Stops after applying everything already queued. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        LockSupport.unpark(thread);
        stopped.await();
    }
}
