package org.mgtm.core;

import java.io.DataOutput;
import java.io.IOException;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;

/**
 * A deterministic state machine the replicated log drives: a GTM group's ({@link GtmStateMachine}) or the
 * G-GTM's ({@link GlobalStateMachine}). The replica layer needs nothing else of either.
 */
public interface ReplicatedMachine {
    /** Applies one command and returns its reply; never throws for bad input. */
    Response apply(Command command);

    /**
     * Answers a pure read ({@link GtmStateMachine#isPureRead}) from the state as it is, without the log;
     * changes nothing. The answer equals what {@link #apply} would answer for it.
     */
    Response read(Request request);

    /** Whether the state knows the session ({@link #knownSessions()} holds it); changes nothing. */
    boolean knowsSession(long session);

    /** Writes the whole state tagged with {@code appliedIndex}. */
    void writeSnapshot(DataOutput out, long appliedIndex) throws IOException;

    /** SHA-256 of the state: equal on replicas in the same state. */
    byte[] digest();

    /** Client sessions the state knows (a leader expires the ones that stay away). */
    long[] knownSessions();

    /** A stable multi-line rendering of the whole state. */
    String describe();
}
