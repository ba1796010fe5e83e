package org.mgtm.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mgtm.client.ClientOptions;
import org.mgtm.client.GtmClient;
import org.mgtm.client.GtmConnection;
import org.mgtm.net.ClientAllowlist;
import org.mgtm.net.Transport;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.Snapshot;
import org.mgtm.protocol.TxnRef;
import org.mgtm.protocol.WireFormat;
import org.mgtm.protocol.WireMessage;

/**
 * mgtm_proxy's XC upstream against a GTM that holds its answers on a proxy connection until the
 * round's 'F', as the original C gtm does. Before rounds ended with 'F', mgtm_proxy in front of the
 * original gtm never got an answer and every backend failed ("could not obtain snapshot").
 */
class XcUpstreamTest {

    @Test
    @Timeout(30)
    void aBackendTransactionCompletesThroughAGtmThatAnswersOnlyAfterFlush() throws Exception {
        try (BufferingXcGtm gtm = new BufferingXcGtm()) {
            EventLoopGroup loop = Transport.newGroup(1, "xc-upstream-test");
            GtmConnection link = GtmConnection.connect(loop, gtm.address(), ClientOptions.PROXY_WORKER).get(5, TimeUnit.SECONDS);
            ProxyServer proxy = ProxyServer.start("127.0.0.1", 0, WireFormat.DEFAULT,
                    ClientAllowlist.parse(ClientAllowlist.LOOPBACK), 1, new XcUpstream(link), loop.next());
            try (GtmClient backend = GtmClient.connect("127.0.0.1", proxy.boundAddress().getPort())) {
                int gxid = backend.beginGxid();
                assertEquals(1000, gxid);
                Snapshot snapshot = backend.snapshot(gxid);
                assertEquals(gxid, snapshot.xmin());
                Response commit = backend.call(new Request.TxnCommit(TxnRef.gxid(gxid)));
                assertInstanceOf(Response.Ended.class, commit);
            } finally {
                proxy.close();
                link.close();
                loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    @Timeout(30)
    void everyRoundOnTheWireEndsWithAFlush() throws Exception {
        try (BufferingXcGtm gtm = new BufferingXcGtm()) {
            EventLoopGroup loop = Transport.newGroup(1, "xc-upstream-test");
            GtmConnection link = GtmConnection.connect(loop, gtm.address(), ClientOptions.PROXY_WORKER).get(5, TimeUnit.SECONDS);
            XcUpstream upstream = new XcUpstream(link);
            try {
                // One round as the grouper sends it: a grouped begin, a forwarded sequence request, then the end.
                var begin = loop.submit(() -> upstream.submit(-1, new Request.TxnBeginGetGxidMulti(
                        List.of(new Request.BeginEntry(0, false, (short) 3))))).get();
                var forwarded = loop.submit(() -> upstream.submit(3, new Request.TxnGetStatus(TxnRef.gxid(1000)))).get();
                loop.submit(upstream::endOfRound).get();
                assertInstanceOf(Response.BeginGxidMulti.class, begin.get(5, TimeUnit.SECONDS));
                forwarded.get(5, TimeUnit.SECONDS);
                List<Class<?>> frames = new ArrayList<>();
                for (WireMessage.Frontend f : gtm.received()) {
                    frames.add(f.getClass());
                }
                assertEquals(List.of(WireMessage.Startup.class, WireMessage.Command.class, WireMessage.Command.class,
                        WireMessage.Flush.class), frames);
                assertTrue(((WireMessage.Startup) gtm.received().get(0)).isProxy());
            } finally {
                link.close();
                loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
            }
        }
    }
}
