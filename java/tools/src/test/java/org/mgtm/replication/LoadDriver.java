package org.mgtm.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.mgtm.client.LeaderClient;
import org.mgtm.net.Transport;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.SequenceKey;
import org.mgtm.protocol.TxnRef;

/**
 * Load through K {@link LeaderClient} sessions: each loops begin, snapshot, commit and nextval of one
 * sequence, one request at a time, and records every GXID and sequence value it was acknowledged with
 * the times of invocation and acknowledgement, and every error a caller would have seen.
 */
final class LoadDriver implements AutoCloseable {
    /** One acknowledged grant: a GXID or a sequence value, with when it was asked for and answered (nanoTime). */
    record Grant(long value, long invokedNanos, long ackedNanos, int session) {
    }

    /** An error a caller saw. */
    record Failure(long atNanos, int session, String what) {
    }

    static final String SEQUENCE = "reptest.public.seq";
    static final long DEADLINE_MILLIS = 20_000;

    private final EventLoopGroup group = Transport.newGroup(2, "reptest-load");
    private final List<LeaderClient> clients = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Queue<Grant> gxids = new ConcurrentLinkedQueue<>();
    private final Queue<Grant> values = new ConcurrentLinkedQueue<>();
    private final Queue<Failure> failures = new ConcurrentLinkedQueue<>();
    private final Queue<Long> acks = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;

    LoadDriver(ReplicaGroupProcess replicas, int sessions) throws Exception {
        for (int i = 0; i < sessions; i++) {
            clients.add(replicas.leaderClient(group, DEADLINE_MILLIS, "reptest-load-" + i));
        }
        Response created = call(clients.get(0), new Request.SequenceInit(SequenceKey.of(SEQUENCE), 1, 1,
                Long.MAX_VALUE - 1, 1, false));
        if (!(created instanceof Response.SequenceKeyResult)
                && !(created instanceof Response.Error e && e.message().contains("exists"))) {
            fail("cannot create the sequence: " + created);
        }
        for (int i = 0; i < sessions; i++) {
            int session = i;
            Thread t = new Thread(() -> loop(session), "reptest-load-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    private static Response call(LeaderClient c, Request r) throws Exception {
        return c.submit(-1, r).get(DEADLINE_MILLIS + 5000, TimeUnit.MILLISECONDS);
    }

    private void loop(int session) {
        LeaderClient c = clients.get(session);
        SequenceKey key = SequenceKey.of(SEQUENCE);
        while (running) {
            try {
                long t0 = System.nanoTime();
                Response begin = call(c, new Request.TxnBeginGetGxid(1, false));
                long t1 = System.nanoTime();
                if (!(begin instanceof Response.BeginGxid g)) {
                    failed(session, "begin: " + begin);
                    continue;
                }
                gxids.add(new Grant(Integer.toUnsignedLong(g.gxid()), t0, t1, session));
                acks.add(t1);
                TxnRef txn = TxnRef.gxid(g.gxid());
                Response snapshot = call(c, new Request.SnapshotGet(true, txn));
                if (!(snapshot instanceof Response.SnapshotResult)) {
                    failed(session, "snapshot of " + g.gxid() + ": " + snapshot);
                }
                acks.add(System.nanoTime());
                Response commit = call(c, new Request.TxnCommit(txn));
                if (!(commit instanceof Response.Ended)) {
                    failed(session, "commit of " + g.gxid() + ": " + commit);
                }
                acks.add(System.nanoTime());
                long t2 = System.nanoTime();
                Response next = call(c, new Request.SequenceGetNext(key));
                long t3 = System.nanoTime();
                if (next instanceof Response.SequenceValue v) {
                    values.add(new Grant(v.value(), t2, t3, session));
                    acks.add(t3);
                } else {
                    failed(session, "nextval: " + next);
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                failed(session, e.toString());
            }
        }
    }

    private void failed(int session, String what) {
        failures.add(new Failure(System.nanoTime(), session, what));
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the loops (each finishes its current step) and ends the sessions. */
    void stop() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(DEADLINE_MILLIS + 10_000);
        }
        for (LeaderClient c : clients) {
            c.close();
        }
    }

    List<LeaderClient> clients() {
        return clients;
    }

    List<Grant> gxids() {
        return List.copyOf(gxids);
    }

    List<Grant> values() {
        return List.copyOf(values);
    }

    List<Failure> failures() {
        return List.copyOf(failures);
    }

    /** Acknowledgements so far. */
    int ackCount() {
        return acks.size();
    }

    /** The first acknowledgement at or after {@code nanos}, or -1. */
    long firstAckAfter(long nanos) {
        long first = -1;
        for (long a : acks) {
            if (a >= nanos && (first == -1 || a < first)) {
                first = a;
            }
        }
        return first;
    }

    /** Waits until {@code more} acknowledgements came after {@code nanos}; false on timeout. */
    boolean awaitAcksAfter(long nanos, int more, long timeoutMillis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < end) {
            if (acks.stream().filter(a -> a >= nanos).count() >= more) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /** The longest pause between two consecutive acknowledgements, in ms. */
    long longestPauseMillis() {
        List<Long> sorted = new ArrayList<>(acks);
        sorted.sort(null);
        long longest = 0;
        for (int i = 1; i < sorted.size(); i++) {
            longest = Math.max(longest, sorted.get(i) - sorted.get(i - 1));
        }
        return TimeUnit.NANOSECONDS.toMillis(longest);
    }

    long reconnects() {
        return clients.stream().mapToLong(LeaderClient::reconnects).sum();
    }

    long resubmitted() {
        return clients.stream().mapToLong(LeaderClient::resubmitted).sum();
    }

    /** No caller saw an error. */
    void assertNoFailures() {
        List<Failure> f = failures();
        assertTrue(f.isEmpty(), f.size() + " client-visible errors, first: " + f.subList(0, Math.min(5, f.size())));
    }

    /** Invariants 1 and 2 on the GXIDs, invariant 5 on the sequence values. */
    void assertHistory() {
        assertUniqueAndIncreasingInRealTime(gxids(), "GXID");
        assertUniqueAndIncreasingInRealTime(values(), "sequence value");
    }

    /**
     * Every value granted once; a value whose request started after another was acknowledged is larger
     * (values here are far from any wraparound).
     */
    static void assertUniqueAndIncreasingInRealTime(List<Grant> grants, String what) {
        Set<Long> seen = new HashSet<>();
        for (Grant g : grants) {
            assertTrue(seen.add(g.value()), what + " " + g.value() + " acknowledged twice");
        }
        List<Grant> byAck = new ArrayList<>(grants);
        byAck.sort(Comparator.comparingLong(Grant::ackedNanos));
        List<Grant> byInvoke = new ArrayList<>(grants);
        byInvoke.sort(Comparator.comparingLong(Grant::invokedNanos));
        int j = 0;
        Grant max = null;
        for (Grant b : byInvoke) {
            while (j < byAck.size() && byAck.get(j).ackedNanos() < b.invokedNanos()) {
                Grant a = byAck.get(j++);
                if (max == null || a.value() > max.value()) {
                    max = a;
                }
            }
            if (max != null && b.value() <= max.value()) {
                fail(what + " " + b.value() + " (session " + b.session() + ") was asked for after " + max.value()
                        + " (session " + max.session() + ") had been acknowledged, but is not larger");
            }
        }
        assertEquals(grants.size(), seen.size());
    }

    @Override
    public void close() throws InterruptedException {
        if (running) {
            stop();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
