package org.mgtm.core;

import org.mgtm.protocol.Response;

/**
 * STUB: the API contract; the implementation is being written. See the class comment in the
 * final version for the full contract.
 */
public final class GtmStateMachine {

    public GtmStateMachine(CoreLimits limits) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Applies one command and returns its answer; never throws for bad input. */
    public Response apply(Command command) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The next GXID a begin would get. */
    public int nextGxid() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Incremented by every change to a sequence (create, alter, next value, ...). */
    public long sequenceChanges() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Incremented by every change to the set of prepared transactions. */
    public long preparedChanges() {
        throw new UnsupportedOperationException("not yet");
    }
}
