package org.mgtm.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mgtm.client.GtmClient;
import org.mgtm.client.GtmException;
import org.mgtm.client.LeaderClient;
import org.mgtm.net.ClientAllowlist;
import org.mgtm.net.Transport;
import org.mgtm.protocol.WireFormat;
import org.mgtm.replication.ReplicaGroupProcess;

/** When no leader answers within the deadline, waiting backends get a clear error; service resumes after. */
class ProxyDeadlineTest {
    @Test
    void backendsGetAnErrorPastTheDeadlineAndServiceResumes() throws Exception {
        EventLoopGroup upstream = Transport.newGroup(1, "proxy-deadline-upstream");
        try (ReplicaGroupProcess group = ReplicaGroupProcess.start("proxy-deadline", 1)) {
            LeaderClient session = group.leaderClient(upstream, 2_000, "proxy");
            ProxyServer proxy = ProxyServer.start("127.0.0.31", 0, WireFormat.DEFAULT,
                    ClientAllowlist.parse(ClientAllowlist.LOOPBACK), 1, session::submit, upstream.next());
            try (GtmClient backend = GtmClient.connect(proxy.boundAddress().getHostString(),
                    proxy.boundAddress().getPort())) {
                int before = backend.beginGxid();
                backend.commit(before);
                group.kill9(0);
                long start = System.nanoTime();
                GtmException e = assertThrows(GtmException.class, backend::beginGxid);
                long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertEquals("ERROR", e.severity(), e.getMessage());
                assertTrue(e.getMessage().contains("did not answer"), e.getMessage());
                assertTrue(waited >= 1_500, "answered after " + waited + " ms, before the 2 s deadline");
                assertEquals(1, proxy.stats().failedRequests());

                group.restart(0);
                group.awaitLeader(30_000);
                // The same backend connection goes on: the proxy kept it, and the group is back.
                int after = backend.beginGxid();
                assertTrue(Integer.compareUnsigned(after, before) > 0);
                backend.commit(after);
            } finally {
                proxy.close();
                session.close();
            }
        } finally {
            upstream.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }
}
