package org.mgtm.net;

import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.WireMessage;

/**
 * One client connection as the sequencer sees it: its session id and the answers that the current
 * batch produced for it. The outbox is touched only by the thread applying the batch; its answers
 * leave in request order with one flush per batch.
 */
public final class Connection {
    /** How a connection's protocol frames an answer: the message to write, or null to write none. */
    @FunctionalInterface
    public interface Replies {
        Object reply(long tag, Response response);
    }

    /** XC framing: the tag is the conid; requests without an answer get nothing. */
    public static final Replies XC = (tag, response) ->
            response instanceof Response.None ? null : new WireMessage.Answer((int) tag, response);

    /**
     * Requests of one connection read but not answered yet, at most: past it the connection stops reading until
     * answers have gone out (with the write-buffer high water mark of {@link Transport}, this bounds what one
     * client that does not read its answers can make the server hold).
     */
    public static final int MAX_UNANSWERED = 1024;

    public final Channel channel;
    public final long session;
    private final AtomicInteger unanswered = new AtomicInteger();
    private final Replies replies;
    private ArrayList<Object> outbox = new ArrayList<>(4);
    private boolean queuedForFlush;
    private final AtomicInteger tasksInFlight = new AtomicInteger();
    private boolean closeAfterFlush;

    public Connection(Channel channel, long session, Replies replies) {
        this.channel = channel;
        this.session = session;
        this.replies = replies;
    }

    /** Marks the connection as having answers in the current batch; true the first time per batch. */
    public boolean markForFlush() {
        if (queuedForFlush) {
            return false;
        }
        queuedForFlush = true;
        return true;
    }

    /**
     * Counts a request handed to the sequencer; when too many are unanswered, stops reading from the client
     * (on the channel's event loop, where requests are read) until {@link #flushOutbox} has written answers.
     */
    public void submitted() {
        if (unanswered.incrementAndGet() > MAX_UNANSWERED) {
            channel.config().setAutoRead(false);
        }
    }

    /** Collects the answer to the request tagged {@code tag} (a conid, or a request number). */
    public void answer(long tag, Response response) {
        unanswered.decrementAndGet();
        Object message = replies.reply(tag, response);
        if (message != null) {
            outbox.add(message);
        }
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
            if (!channel.config().isAutoRead()) {
                inLoop(this::resumeReadingIfDrained);
            }
            return;
        }
        List<Object> out = outbox;
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

    private void write(List<Object> out, boolean close) {
        for (int i = 0, n = out.size(); i < n; i++) {
            channel.write(out.get(i), channel.voidPromise());
        }
        channel.flush();
        if (close) {
            channel.close();
        } else {
            resumeReadingIfDrained();
        }
    }

    /** On the event loop: reads from the client again once enough of its requests are answered. */
    private void resumeReadingIfDrained() {
        if (!channel.config().isAutoRead() && unanswered.get() <= MAX_UNANSWERED / 2 && channel.isWritable()
                && channel.isActive()) {
            channel.config().setAutoRead(true);
            channel.read();
        }
    }

    private void inLoop(Runnable task) {
        if (channel.eventLoop().inEventLoop()) {
            task.run();
        } else {
            try {
                channel.eventLoop().execute(task);
            } catch (RejectedExecutionException e) {
                // shutting down
            }
        }
    }

    @Override
    public String toString() {
        return "session " + session + " " + channel.remoteAddress();
    }
}
