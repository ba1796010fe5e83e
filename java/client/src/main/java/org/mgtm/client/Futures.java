package org.mgtm.client;

import java.util.concurrent.CompletionException;

/** Helpers for the CompletableFuture chains of clients and servers. */
public final class Futures {
    private Futures() {
    }

    /**
     * The failure a stage's callback should judge: a dependent stage hands it over wrapped in a
     * CompletionException, the stage that failed first hands it over as it is.
     */
    public static Throwable cause(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
