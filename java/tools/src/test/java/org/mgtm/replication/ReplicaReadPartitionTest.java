package org.mgtm.replication;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mgtm.check.CheckResult;
import org.mgtm.check.Checker;
import org.mgtm.check.History;
import org.mgtm.client.LeaderClient;
import org.mgtm.net.ClientAllowlist;
import org.mgtm.net.Transport;
import org.mgtm.protocol.WireFormat;
import org.mgtm.proxy.ProxyServer;

/**
 * Snapshots without the log across a leader change (docs/decisions/0008). Under load through two
 * mgtm_proxy, readers pinned to the leader loop snapshots on its XC port while a writer commits on
 * whichever follower becomes leader; then the leader is cut off from the followers with iptables. The
 * old leader must answer no snapshot once the majority has elected a new leader, and the one history of
 * everything (one clock) must pass the checker: snapshots and commits in real-time order (invariants 3
 * and 4) and recent_global_xmin (8), across the change. Needs root and iptables.
 */
class ReplicaReadPartitionTest {
    static final long BOUND_MILLIS = 15_000;

    /** Both ways, as ReplicaPartitionTest: the old leader steps down when its view loses the majority. */
    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void anIsolatedLeaderAnswersNoSnapshotOnceTheMajorityElectedANewOne() throws Exception {
        run("read-partition", false);
    }

    /**
     * Only the old leader's packets are dropped: the followers stop hearing it and elect a new leader,
     * while it still hears them and goes on believing it leads until its own failure detection gives
     * up on them. A leader that answered reads on that belief would answer stale snapshots meanwhile.
     */
    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aLeaderThatStillHearsTheOthersAnswersNoSnapshotOnceTheyElectedANewOne() throws Exception {
        run("read-silenced", true);
    }

    private void run(String name, boolean oneWay) throws Exception {
        LoopbackPartition.requireIptables();
        EventLoopGroup upstream = Transport.newGroup(2, "read-partition-upstream");
        List<ProxyServer> proxies = new ArrayList<>();
        List<LeaderClient> sessions = new ArrayList<>();
        History history;
        List<RecordedClients.PinnedReader> readers = new ArrayList<>();
        long elected;
        try (ReplicaGroupProcess group = ReplicaGroupProcess.start(name, 3);
             RecordedClients clients = new RecordedClients()) {
            for (int i = 0; i < 2; i++) {
                LeaderClient session = group.leaderClient(upstream, 30_000, "proxy" + (i + 1));
                sessions.add(session);
                ProxyServer proxy = ProxyServer.start("127.0.0.3" + (i + 1), 0, WireFormat.DEFAULT,
                        ClientAllowlist.parse(ClientAllowlist.LOOPBACK), 1, session::submit, upstream.next());
                proxies.add(proxy);
                clients.transactions("proxy" + (i + 1), proxy.boundAddress(), 6, 2);
            }
            assertTrue(clients.awaitCommitsAfter(Long.MIN_VALUE, 200, 60_000), "no load before the cut");
            int old = group.awaitLeader(30_000);
            ReplicaGroupProcess.Member oldLeader = group.member(old);
            List<String> followers = new ArrayList<>();
            List<InetSocketAddress> followersXc = new ArrayList<>();
            for (ReplicaGroupProcess.Member m : group.members()) {
                if (m.index != old) {
                    followers.add(m.host);
                    followersXc.add(m.xcAddress());
                }
            }
            for (int i = 0; i < 3; i++) {
                readers.add(clients.pinnedReader("pinned-" + i, oldLeader.xcAddress()));
            }
            clients.writer("majority-writer", followersXc);
            assertTrue(awaitAnswers(readers, 20, BOUND_MILLIS), "the pinned readers get no snapshots before the cut");
            List<Integer> ports = new ArrayList<>(List.of(group.raftPort()));
            ports.addAll(group.fdSockPorts());
            long cut;
            int newLeader;
            try (LoopbackPartition partition = oneWay ? LoopbackPartition.silence(oldLeader.host, followers, ports)
                    : LoopbackPartition.isolate(oldLeader.host, followers, ports)) {
                cut = System.nanoTime();
                newLeader = group.awaitLeader(BOUND_MILLIS, old);
                elected = firstAfter(group.member(newLeader).leaderAtNanos(), cut);
                assertTrue(elected > 0, "no I'm LEADER line from " + group.member(newLeader));
                long stepDown = ReplicaPartitionTest.awaitNotLeader(group, old, BOUND_MILLIS);
                assertTrue(clients.awaitCommitsAfter(System.nanoTime(), 100, BOUND_MILLIS),
                        "nothing committed after the new leader took over; " + group.statuses());
                System.out.printf("%s: %s cut off (%s) at 0 ms; new leader %s at %d ms (I'm LEADER seen); old leader "
                                + "stepped down at %d ms; pinned readers' last answers at %s ms%n", name, oldLeader,
                        partition.rules().size() + " rules", group.member(newLeader), ms(elected - cut),
                        ms(stepDown - cut), readers.stream().map(r -> Long.toString(ms(r.lastAnswered() - cut)))
                                .toList());
            }
            long healed = System.nanoTime();
            assertTrue(clients.awaitCommitsAfter(healed, 200, 30_000), "load stopped after healing");
            history = clients.stop();
            history.write(group.baseDir().resolve("history.jsonl"));
            int other = 3 - old - newLeader;
            if (oneWay) {
                // The silenced leader, still the view's coordinator, ran vote rounds nobody heard and came back
                // with a term above the leader's; jgroups-raft 1.1.4 drops the leader's messages of the lower
                // term without an answer, so it cannot rejoin until the next election (see the report).
                group.awaitConverged(30_000, newLeader, other);
                System.out.printf("%s: after healing, the old leader reports %s%n", name, group.status(old));
            } else {
                group.awaitConverged(30_000, 0, 1, 2);
            }
            assertTrue(clients.transactionErrors().isEmpty(), "backends behind the proxies saw errors: "
                    + clients.transactionErrors().subList(0, Math.min(5, clients.transactionErrors().size())));
        } finally {
            for (ProxyServer p : proxies) {
                p.close();
            }
            for (LeaderClient s : sessions) {
                s.close();
            }
            upstream.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
        for (RecordedClients.PinnedReader r : readers) {
            assertNotNull(r.stoppedBy, "a pinned reader was never refused");
            assertTrue(r.lastAnswered() < elected, "the old leader answered a snapshot "
                    + ms(r.lastAnswered() - elected) + " ms after the new leader was elected");
        }
        CheckResult result = Checker.checkHistory(history);
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        result.print(new PrintStream(report, true, StandardCharsets.UTF_8), history);
        System.out.print(report.toString(StandardCharsets.UTF_8));
        assertTrue(result.valid(), "checker: " + report.toString(StandardCharsets.UTF_8));
        for (int invariant : new int[] {3, 4, 8}) {
            assertTrue(result.invariant(invariant).checked() > 0, "invariant " + invariant + " was not checked");
        }
        assertFalse(history.events().isEmpty());
    }

    private static boolean awaitAnswers(List<RecordedClients.PinnedReader> readers, int each, long timeoutMillis)
            throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < end) {
            if (readers.stream().allMatch(r -> r.answered.size() >= each)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private static long firstAfter(List<Long> times, long after) {
        return times.stream().filter(t -> t >= after).mapToLong(Long::longValue).min().orElse(-1);
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
