package org.mgtm.proxy;

import java.util.concurrent.CompletableFuture;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;

/**
 * Where the proxy sends its grouped requests: the session with the mgtm group (a LeaderClient in
 * production, anything that answers in tests). Futures may complete on any thread.
 */
public interface Upstream {
    /** One request of the proxy's session; {@code backendId} is the backend slot, -1 for grouped ones. */
    CompletableFuture<Response> submit(int backendId, Request request);

    /**
     * Called after the last request of a round. An upstream that buffers (an XC proxy connection,
     * whose GTM holds its answers until the round's 'F') sends the round here; the default does nothing.
     */
    default void endOfRound() {
    }
}
