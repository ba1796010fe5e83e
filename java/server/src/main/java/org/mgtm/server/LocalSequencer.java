package org.mgtm.server;

import java.util.ArrayList;
import org.mgtm.core.Command;
import org.mgtm.core.GtmStateMachine;
import org.mgtm.net.Connection;
import org.mgtm.net.Sequencer;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.WireMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone {@link Sequencer}: each event loop collects what one read of a connection decoded,
 * then applies it as one batch under the state machine's monitor, makes it durable if it must be,
 * and writes the answers itself, on its own thread, with one flush per connection. The monitor keeps
 * the core single-threaded as its contract demands; it is held for microseconds, never across
 * network I/O (only across the rare save that must precede the answers).
 *
 * <p>See docs/decisions/0001-single-sequencer-thread.md for the alternatives that were measured.
 */
final class LocalSequencer implements Sequencer, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalSequencer.class);

    /**
     * One queued item: a command to apply, an answer decided at decoding time, or (both null) the
     * instruction to close the connection once its earlier answers are written; all kept in order.
     */
    private record Pending(Command command, Connection connection, long tag, Response precomputed) {
    }

    /** What the current thread has queued and not yet applied; event loops never share one. */
    private final ThreadLocal<ArrayList<Pending>> queued = ThreadLocal.withInitial(() -> new ArrayList<>(16));
    private final ThreadLocal<ArrayList<Response>> answers = ThreadLocal.withInitial(() -> new ArrayList<>(16));
    /** Whether this event loop already has an apply task queued for the end of its current I/O round. */
    private final ThreadLocal<boolean[]> applyQueued = ThreadLocal.withInitial(() -> new boolean[1]);
    private final GtmStateMachine core;
    private final Durability durability;
    private final ServerStats stats;

    LocalSequencer(GtmStateMachine core, Durability durability, ServerStats stats) {
        this.core = core;
        this.durability = durability;
        this.stats = stats;
    }

    @Override
    public void submit(Command command, Connection connection, long tag) {
        queued.get().add(new Pending(command, connection, tag, null));
    }

    @Override
    public void submitAnswer(Response response, Connection connection, long tag) {
        queued.get().add(new Pending(null, connection, tag, response));
    }

    @Override
    public void submitClose(Connection connection) {
        queued.get().add(new Pending(null, connection, WireMessage.NO_CONID, null));
    }

    /**
     * Defers the apply to the end of the event loop's current I/O round (its task queue runs right
     * after the ready channels are read), so everything that round read from all of the loop's
     * connections is applied under one lock acquisition. Off an event loop it applies at once.
     */
    @Override
    public void drain() {
        ArrayList<Pending> batch = queued.get();
        if (batch.isEmpty()) {
            return;
        }
        Connection first = batch.get(0).connection;
        boolean[] scheduled = applyQueued.get();
        if (first != null && first.channel.eventLoop().inEventLoop()) {
            if (!scheduled[0]) {
                scheduled[0] = true;
                first.channel.eventLoop().execute(() -> {
                    scheduled[0] = false;
                    apply();
                });
            }
            return;
        }
        apply();
    }

    private void apply() {
        ArrayList<Pending> batch = queued.get();
        if (batch.isEmpty()) {
            return;
        }
        ArrayList<Response> replies = answers.get();
        try {
            synchronized (core) {
                for (int i = 0, n = batch.size(); i < n; i++) {
                    Pending p = batch.get(i);
                    replies.add(p.command == null ? p.precomputed : core.apply(p.command));
                }
                stats.recordBatch(batch.size());
                // Durable before visible: no answer of this batch leaves before what it depends on is on disk.
                durability.afterBatch(core);
            }
        } catch (RuntimeException | Error e) {
            log.error("applying commands failed; stopping mgtm to protect GXID uniqueness", e);
            Runtime.getRuntime().halt(70);
        }
        ArrayList<Connection> touched = new ArrayList<>(4);
        for (int i = 0, n = batch.size(); i < n; i++) {
            Pending p = batch.get(i);
            if (p.connection == null) {
                continue;
            }
            if (p.command == null && p.precomputed == null) {
                p.connection.closeAfterAnswers();
            } else {
                p.connection.answer(p.tag, replies.get(i));
            }
            if (p.connection.markForFlush()) {
                touched.add(p.connection);
            }
        }
        batch.clear();
        replies.clear();
        for (int i = 0, n = touched.size(); i < n; i++) {
            touched.get(i).flushOutbox();
        }
    }

    /** Applies whatever the calling thread still has queued. */
    @Override
    public void close() {
        apply();
    }
}
