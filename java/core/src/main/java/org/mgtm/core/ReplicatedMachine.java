package org.mgtm.core;

import java.io.DataOutput;
import java.io.IOException;
import org.mgtm.protocol.Response;

/**
 * A deterministic state machine the replicated log drives: a GTM group's ({@link GtmStateMachine}) or the
 * G-GTM's ({@link GlobalStateMachine}). The replica layer needs nothing else of either.
 */
public interface ReplicatedMachine {
    /** Applies one command and returns its reply; never throws for bad input. */
    Response apply(Command command);

    /** Writes the whole state tagged with {@code appliedIndex}. */
    void writeSnapshot(DataOutput out, long appliedIndex) throws IOException;

    /** SHA-256 of the state: equal on replicas in the same state. */
    byte[] digest();

    /** Client sessions the state knows (a leader expires the ones that stay away). */
    long[] knownSessions();

    /** A stable multi-line rendering of the whole state. */
    String describe();
}
