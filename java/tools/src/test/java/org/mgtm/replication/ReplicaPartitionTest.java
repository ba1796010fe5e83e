package org.mgtm.replication;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.EventLoopGroup;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mgtm.client.ClientOptions;
import org.mgtm.client.GtmConnection;
import org.mgtm.client.InternalConnection;
import org.mgtm.net.Transport;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.internal.ClientMessage;
import org.mgtm.protocol.internal.InternalFormat;

/**
 * The leader cut off from both followers by iptables rules between their loopback addresses (raft and
 * FD_SOCK2 ports): the old leader stops answering, the majority elects a leader that serves the
 * sessions, and once healed the old leader catches up to the same state. Needs root and iptables.
 */
class ReplicaPartitionTest {
    static final long BOUND_MILLIS = 10_000;

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void anIsolatedLeaderStopsAnsweringAndTheMajorityGoesOn() throws Exception {
        LoopbackPartition.requireIptables();
        EventLoopGroup io = Transport.newGroup(1, "reptest-partition");
        try (ReplicaGroupProcess group = ReplicaGroupProcess.start("partition", 3);
             LoadDriver load = new LoadDriver(group, 4)) {
            assertTrue(load.awaitAcksAfter(Long.MIN_VALUE, 800, 30_000), "no load before the partition");
            int old = group.awaitLeader(30_000);
            List<String> followers = new ArrayList<>();
            for (ReplicaGroupProcess.Member m : group.members()) {
                if (m.index != old) {
                    followers.add(m.host);
                }
            }
            List<Integer> ports = new ArrayList<>(List.of(group.raftPort()));
            ports.addAll(group.fdSockPorts());
            ReplicaGroupProcess.Member oldLeader = group.member(old);
            long cut;
            long stepDown;
            int newLeader;
            try (LoopbackPartition partition = LoopbackPartition.isolate(oldLeader.host, followers, ports)) {
                cut = System.nanoTime();
                // Asked at once, while it may still believe it leads: it must not answer with success.
                CompletableFuture<String> overXc = CompletableFuture.supplyAsync(() -> askOverXc(io, oldLeader));
                CompletableFuture<String> overInternal =
                        CompletableFuture.supplyAsync(() -> askInternal(io, oldLeader));
                stepDown = awaitNotLeader(group, old, BOUND_MILLIS);
                newLeader = group.awaitLeader(BOUND_MILLIS, old);
                assertTrue(load.awaitAcksAfter(System.nanoTime(), 200, BOUND_MILLIS),
                        "the majority's leader does not serve the sessions; " + group.statuses());
                String xc = overXc.get(30, TimeUnit.SECONDS);
                String internal = overInternal.get(30, TimeUnit.SECONDS);
                System.out.printf("partition of leader %s (%s): it stepped down after %d ms; new leader %s; first "
                                + "acknowledgement %d ms after the cut; asked directly, it answered: XC %s, internal %s%n",
                        oldLeader, partition.rules().size() + " rules", ms(stepDown - cut), group.member(newLeader),
                        ms(load.firstAckAfter(cut + TimeUnit.MILLISECONDS.toNanos(50)) - cut), xc, internal);
                assertFalse(xc.startsWith("SUCCESS"), "the cut-off leader answered over XC: " + xc);
                assertFalse(internal.startsWith("SUCCESS"), "the cut-off leader answered a session: " + internal);
                Thread.sleep(1000);
            }
            long healed = System.nanoTime();
            assertTrue(load.awaitAcksAfter(healed, 500, 30_000), "load stopped after healing");
            load.stop();
            load.assertNoFailures();
            load.assertHistory();
            List<JsonNode> converged = group.awaitConverged(30_000, 0, 1, 2);
            System.out.printf("healed: all three converged %d ms after the rules were removed; %d reconnects, "
                    + "%d resubmitted%n", ms(System.nanoTime() - healed), load.reconnects(), load.resubmitted());
            // The old leader rejoined as one of the group: same term, same leader as the others.
            assertTrue(converged.stream().map(s -> s.path("leader").asText() + "@" + s.path("term").asLong())
                    .distinct().count() == 1, "members disagree on leader or term after healing: " + converged);
        } finally {
            io.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** Polls the member's status until it no longer reports itself leader; returns when (nanoTime). */
    static long awaitNotLeader(ReplicaGroupProcess group, int member, long timeoutMillis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        JsonNode s = null;
        while (System.nanoTime() < end) {
            s = group.status(member);
            if (s != null && !"Leader".equals(s.path("role").asText())) {
                return System.nanoTime();
            }
            Thread.sleep(20);
        }
        throw new AssertionError(group.member(member) + " still says it leads " + timeoutMillis
                + " ms after being cut off: " + s);
    }

    /** A begin on the member's XC port: what came back within 5 s. */
    static String askOverXc(EventLoopGroup io, ReplicaGroupProcess.Member m) {
        try (GtmConnection c = GtmConnection.connect(io, m.xcAddress(), ClientOptions.BACKEND).get(5, TimeUnit.SECONDS)) {
            Response r = c.request(new Request.TxnBeginGetGxid(1, false)).get(5, TimeUnit.SECONDS);
            return (r instanceof Response.Error ? "error " : "SUCCESS ") + r;
        } catch (TimeoutException e) {
            return "no answer";
        } catch (ExecutionException e) {
            return "failed: " + e.getCause();
        } catch (Exception e) {
            return "failed: " + e;
        }
    }

    /** A begin in a new session pinned to the member (no redirects followed): what came back within 5 s. */
    static String askInternal(EventLoopGroup io, ReplicaGroupProcess.Member m) {
        long session = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        ClientMessage.Hello hello = new ClientMessage.Hello(session, false, ByteOrder.LITTLE_ENDIAN,
                ReplicaGroupProcess.SECRET.getBytes(StandardCharsets.UTF_8), "reptest-pinned");
        InternalConnection c = null;
        try {
            c = InternalConnection.connect(io, m.internalAddress(), InternalFormat.DEFAULT, hello, 2000)
                    .get(5, TimeUnit.SECONDS);
            c.handshake().get(5, TimeUnit.SECONDS);
            Response r = c.request(1, 0, -1, new Request.TxnBeginGetGxid(1, false)).get(5, TimeUnit.SECONDS);
            return (r instanceof Response.Error ? "error " : "SUCCESS ") + r;
        } catch (TimeoutException e) {
            return "no answer";
        } catch (ExecutionException e) {
            return "refused: " + e.getCause().getMessage();
        } catch (Exception e) {
            return "failed: " + e;
        } finally {
            if (c != null) {
                c.closeAsync();
            }
        }
    }
}
