package org.mgtm.net;

import org.mgtm.core.Command;
import org.mgtm.protocol.Response;

/**
 * Where connection handlers put what they decoded. A sequencer applies commands in the order they
 * were submitted (on this replica alone, or through the replicated log) and gives each connection
 * its answers in that order. Handlers submit everything one read produced, then call
 * {@link #drain()} once, so those requests can travel together.
 */
public interface Sequencer {
    /**
     * Queues a command; its answer goes to {@code connection} (none if null), tagged {@code tag} (the
     * XC conid, or the internal protocol's request number).
     */
    void submit(Command command, Connection connection, long tag);

    /** Queues an answer that needs no state (a malformed request), behind the connection's earlier ones. */
    void submitAnswer(Response response, Connection connection, long tag);

    /** Closes the connection after every answer queued before this call has been written. */
    void submitClose(Connection connection);

    /** Starts work on everything queued so far. */
    void drain();
}
