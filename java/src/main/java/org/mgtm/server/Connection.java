package org.mgtm.server;

import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.mgtm.protocol.WireMessage;

/**
 * One client connection as the sequencer sees it: its session id and the answers that the current
 * batch produced for it. The outbox is touched only by the thread applying the batch; its answers
 * leave in request order with one flush per batch.
 */
public final class Connection {
    public final Channel channel;
    public final long session;
    private ArrayList<WireMessage.Answer> outbox = new ArrayList<>(4);
    private boolean queuedForFlush;
    private final AtomicInteger tasksInFlight = new AtomicInteger();
    private boolean closeAfterFlush;

    public Connection(Channel channel, long session) {
        this.channel = channel;
        this.session = session;
    }

    /** Marks the connection as having answers in the current batch; true the first time per batch. */
    public boolean markForFlush() {
        if (queuedForFlush) {
            return false;
        }
        queuedForFlush = true;
        return true;
    }

    public void add(WireMessage.Answer answer) {
        outbox.add(answer);
    }

    /** After the answers collected so far are written, close the connection. */
    public void closeAfterAnswers() {
        closeAfterFlush = true;
    }

    /** Hands the collected answers to the channel's event loop: one task, one flush. */
    public void flushOutbox() {
        queuedForFlush = false;
        boolean close = closeAfterFlush;
        if (outbox.isEmpty() && !close) {
            return;
        }
        List<WireMessage.Answer> out = outbox;
        outbox = new ArrayList<>(4);
        // Write in place when we are on the channel's own event loop and no earlier hand-off is still
        // queued there (that one must go first); otherwise hand the answers over in one task.
        if (channel.eventLoop().inEventLoop() && tasksInFlight.get() == 0) {
            write(out, close);
            return;
        }
        tasksInFlight.incrementAndGet();
        try {
            channel.eventLoop().execute(() -> {
                tasksInFlight.decrementAndGet();
                write(out, close);
            });
        } catch (RejectedExecutionException e) {
            // The event loop is shutting down with the server: the connection is gone, so is its answer.
        }
    }

    private void write(List<WireMessage.Answer> out, boolean close) {
        for (int i = 0, n = out.size(); i < n; i++) {
            channel.write(out.get(i), channel.voidPromise());
        }
        channel.flush();
        if (close) {
            channel.close();
        }
    }

    @Override
    public String toString() {
        return "session " + session + " " + channel.remoteAddress();
    }
}
