package org.mgtm.bench;

import io.netty.channel.EventLoop;
import java.util.concurrent.CompletableFuture;
import org.mgtm.client.GtmConnection;
import org.mgtm.client.LeaderClient;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.WireMessage;

/**
 * One pipelined stream of XC requests to a GTM, whichever protocol carries it, so the grants and
 * open-transactions drivers are written once for a standalone server, a replica's XC port and the
 * internal protocol. Answers complete on {@link #loop()}; a driver that keeps its own state on that
 * loop needs no locks.
 */
interface GtmLink extends AutoCloseable {
    /** The event loop every answer completes on. */
    EventLoop loop();

    /** Sends at once (no waiting for earlier answers); an 'E' answer completes normally. */
    CompletableFuture<Response> send(Request request);

    /** Ends the connection or session: the GTM ends the transactions it still has open. */
    @Override
    void close();

    /**
     * A proxy-framed XC connection: MULTI requests are what gtm_proxy sends, and it sends them with
     * the group conid, so every request goes out that way.
     */
    static GtmLink xc(GtmConnection connection) {
        return new GtmLink() {
            public EventLoop loop() {
                return connection.channel().eventLoop();
            }

            public CompletableFuture<Response> send(Request request) {
                return connection.request(WireMessage.GROUP_CONID, request);
            }

            public void close() {
                connection.close();
            }
        };
    }

    /** A session of the internal protocol, the way mgtm_proxy talks to a replicated group. */
    static GtmLink internal(LeaderClient client, EventLoop loop) {
        return new GtmLink() {
            public EventLoop loop() {
                return loop;
            }

            public CompletableFuture<Response> send(Request request) {
                return client.submit(-1, request);
            }

            public void close() {
                client.close();
            }
        };
    }
}
