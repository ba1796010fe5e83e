package org.mgtm.server;

import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.mgtm.protocol.WireMessage;

/**
 * One client connection as the sequencer sees it: its session id and the answers that the current
 * batch produced for it. The outbox is touched only by the sequencer thread; it is handed to the
 * channel's event loop in one task per batch, so answers leave in request order with one flush.
 */
final class Connection {
    final Channel channel;
    final long session;
    private ArrayList<WireMessage.Answer> outbox = new ArrayList<>(4);
    boolean queuedForFlush;
    private boolean closeAfterFlush;

    Connection(Channel channel, long session) {
        this.channel = channel;
        this.session = session;
    }

    void add(WireMessage.Answer answer) {
        outbox.add(answer);
    }

    /** After the answers collected so far are written, close the connection. */
    void closeAfterAnswers() {
        closeAfterFlush = true;
    }

    /** Hands the collected answers to the channel's event loop: one task, one flush. */
    void flushOutbox() {
        queuedForFlush = false;
        boolean close = closeAfterFlush;
        if (outbox.isEmpty() && !close) {
            return;
        }
        List<WireMessage.Answer> out = outbox;
        outbox = new ArrayList<>(4);
        try {
            channel.eventLoop().execute(() -> {
                for (WireMessage.Answer answer : out) {
                    channel.write(answer, channel.voidPromise());
                }
                channel.flush();
                if (close) {
                    channel.close();
                }
            });
        } catch (RejectedExecutionException e) {
            // The event loop is shutting down with the server: the connection is gone, so is its answer.
        }
    }

    @Override
    public String toString() {
        return "session " + session + " " + channel.remoteAddress();
    }
}
