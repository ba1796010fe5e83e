package org.mgtm.server;

import org.mgtm.core.Command;
import org.mgtm.protocol.Response;

/**
 * Where connection handlers put what they decoded. A sequencer applies commands in the order they
 * were submitted (on this replica alone, or through the replicated log) and gives each connection
 * its answers in that order. Handlers submit everything one read produced, then call
 * {@link #drain()} once, so those requests can travel together.
 */
public interface Sequencer {
    /** Queues a command; its answer (if any) goes to {@code connection} with {@code conid}. */
    void submit(Command command, Connection connection, int conid);

    /** Queues an answer that needs no state (a malformed request), behind the connection's earlier ones. */
    void submitAnswer(Response response, Connection connection, int conid);

    /** Closes the connection after every answer queued before this call has been written. */
    void submitClose(Connection connection);

    /** Starts work on everything queued so far. */
    void drain();
}
