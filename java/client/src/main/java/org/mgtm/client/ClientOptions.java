package org.mgtm.client;

import org.mgtm.protocol.WireFormat;

/**
 * How a client presents itself: as a backend (plain framing) or as a gtm_proxy worker (isproxy=1,
 * every request and answer carries a 2-byte conid), with the node's coordinator id.
 */
public record ClientOptions(WireFormat format, boolean proxyFraming, int coordinatorId, int connectTimeoutMillis) {
    public static final ClientOptions BACKEND = new ClientOptions(WireFormat.DEFAULT, false, 1, 5000);
    public static final ClientOptions PROXY_WORKER = new ClientOptions(WireFormat.DEFAULT, true, 1, 5000);
}
