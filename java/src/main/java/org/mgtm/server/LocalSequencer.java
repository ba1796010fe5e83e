package org.mgtm.server;

import io.netty.util.internal.PlatformDependent;
import java.util.ArrayList;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.mgtm.core.Command;
import org.mgtm.core.GtmStateMachine;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.WireMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the state machine: requests from every connection are queued, and whichever event-loop
 * thread finds the state machine free drains the queue as one batch (flat combining): it applies the
 * batch in arrival order, makes it durable if it must be (one save for the whole batch: group
 * commit), and only then releases the answers. At most one thread applies commands at any time, so
 * the core stays single-threaded as its contract demands, and no request waits for a thread to wake.
 *
 * <p>See docs/decisions/0001-single-sequencer-thread.md for the alternatives.
 */
final class LocalSequencer implements Sequencer, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalSequencer.class);
    private static final int MAX_BATCH = 8192;

    /**
     * One queued item: a command to apply, an answer decided at decoding time, or (both null) the
     * instruction to close the connection once its earlier answers are written; all kept in order.
     */
    private record Pending(Command command, Connection connection, long tag, Response precomputed) {
    }

    private final GtmStateMachine core;
    private final Durability durability;
    private final ServerStats stats;
    private final Queue<Pending> queue = PlatformDependent.newMpscQueue();
    private final AtomicBoolean applying = new AtomicBoolean();
    // Reused by whichever thread holds {@code applying}; the flag's CAS orders the hand-over.
    private final ArrayList<Pending> batch = new ArrayList<>(256);
    private final ArrayList<Connection> touched = new ArrayList<>(64);

    LocalSequencer(GtmStateMachine core, Durability durability, ServerStats stats) {
        this.core = core;
        this.durability = durability;
        this.stats = stats;
    }

    @Override
    public void submit(Command command, Connection connection, long tag) {
        enqueue(new Pending(command, connection, tag, null));
    }

    @Override
    public void submitAnswer(Response response, Connection connection, long tag) {
        enqueue(new Pending(null, connection, tag, response));
    }

    @Override
    public void submitClose(Connection connection) {
        enqueue(new Pending(null, connection, WireMessage.NO_CONID, null));
    }

    private void enqueue(Pending pending) {
        queue.offer(pending);
    }

    /**
     * Applies queued work unless another thread already is. Callers queue everything one read
     * produced, then drain once, so a gtm_proxy round (several MULTI requests and an 'F' in one
     * segment) is applied as one batch and answered with one write. The re-check after letting go
     * closes the window in which work queued by a thread that found us busy would be stranded.
     */
    @Override
    public void drain() {
        while (!queue.isEmpty() && applying.compareAndSet(false, true)) {
            try {
                Pending p;
                while ((p = queue.poll()) != null) {
                    batch.add(p);
                    if (batch.size() == MAX_BATCH) {
                        processBatch();
                    }
                }
                if (!batch.isEmpty()) {
                    processBatch();
                }
            } catch (Throwable t) {
                log.error("applying commands failed; stopping mgtm to protect GXID uniqueness", t);
                Runtime.getRuntime().halt(70);
            } finally {
                applying.set(false);
            }
        }
    }

    private void processBatch() {
        for (int i = 0, n = batch.size(); i < n; i++) {
            Pending p = batch.get(i);
            if (p.command == null && p.precomputed == null) {
                p.connection.closeAfterAnswers();
                markTouched(p.connection);
                continue;
            }
            Response response = p.precomputed != null ? p.precomputed : core.apply(p.command);
            if (p.connection != null) {
                p.connection.answer(p.tag, response);
                markTouched(p.connection);
            }
        }
        stats.recordBatch(batch.size());
        // Durable before visible: no answer of this batch leaves before what it depends on is on disk.
        durability.afterBatch(core);
        for (int i = 0, n = touched.size(); i < n; i++) {
            touched.get(i).flushOutbox();
        }
        batch.clear();
        touched.clear();
    }

    private void markTouched(Connection connection) {
        if (connection.markForFlush()) {
            touched.add(connection);
        }
    }

    /** Applies whatever is still queued; called once the network has stopped. */
    @Override
    public void close() {
        drain();
    }
}
