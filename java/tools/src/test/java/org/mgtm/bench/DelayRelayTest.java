package org.mgtm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.mgtm.client.GtmClient;
import org.mgtm.protocol.Snapshot;
import org.mgtm.server.GtmServer;
import org.mgtm.server.TestServers;

class DelayRelayTest {

    @Test
    void relaysAGtmConversationWithTheDelayAddedEachWay() throws Exception {
        try (GtmServer gtm = TestServers.start(1000);
             DelayRelay relay = DelayRelay.start(new InetSocketAddress("127.0.0.1", 0), gtm.boundAddress(), 20_000);
             GtmClient client = GtmClient.connect("127.0.0.1", relay.boundAddress().getPort())) {
            long start = System.nanoTime();
            int gxid = client.beginGxid();
            long roundTripMicros = (System.nanoTime() - start) / 1000;
            assertEquals(1000, gxid);
            // A lower bound only: the request waited 20 ms on the way there and the answer 20 ms back.
            assertTrue(roundTripMicros >= 40_000, "round trip " + roundTripMicros + " us");
            Snapshot snapshot = client.snapshot(gxid);
            assertEquals(gxid, snapshot.xmin());
            assertEquals(1, relay.connections());
        }
    }
}
