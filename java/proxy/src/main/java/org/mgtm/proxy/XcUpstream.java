package org.mgtm.proxy;

import java.util.concurrent.CompletableFuture;
import org.mgtm.client.GtmConnection;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.WireMessage;

/**
 * An upstream that is one proxy-framed XC connection, as an original gtm_proxy worker has: grouped
 * requests travel with conid -1, forwarded ones with the backend's slot. It lets mgtm_proxy serve in
 * front of a standalone mgtm (or an original XC gtm) too; it has no failover.
 *
 * <p>A round's requests are written unflushed and the round ends with the 'F' message, as
 * gtm_proxy's worker does: the original gtm buffers every answer on a proxy connection and sends
 * them only when it reads 'F' (protocol notes 8.3-8.4). Without it the original gtm never answers.
 */
public final class XcUpstream implements Upstream {
    private final GtmConnection connection;

    public XcUpstream(GtmConnection connection) {
        if (!connection.proxyFraming()) {
            throw new IllegalArgumentException("an XC upstream needs a proxy-framed connection");
        }
        this.connection = connection;
    }

    @Override
    public CompletableFuture<Response> submit(int backendId, Request request) {
        return connection.write(backendId < 0 ? WireMessage.GROUP_CONID : backendId, request);
    }

    @Override
    public void endOfRound() {
        connection.flush();
    }
}
