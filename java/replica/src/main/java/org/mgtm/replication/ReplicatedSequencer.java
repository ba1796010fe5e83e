package org.mgtm.replication;

import io.netty.util.internal.PlatformDependent;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.mgtm.client.Futures;
import org.mgtm.core.Command;
import org.mgtm.net.Connection;
import org.mgtm.net.Sequencer;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.WireMessage;
import org.mgtm.replication.engine.BatchStateMachine;

/**
 * The replicated {@link Sequencer}: everything queued while the previous appends are in flight goes
 * into the next raft log entry (group commit), and a command's answer is released only after its
 * entry is committed by a majority and applied. Only a replica that is leader appends; anywhere else
 * the requests are refused, so a deposed or partitioned leader never answers (invariant 6): its
 * appends cannot commit, time out, and are answered with an error that closes the connection.
 *
 * <p>Answers leave in submission order: each batch is delivered after the one before it, including
 * batches that only carry answers decided at decoding time.
 */
public final class ReplicatedSequencer implements Sequencer {
    private record Pending(Command command, Connection connection, long tag, Response precomputed, long since) {
        boolean isClose() {
            return command == null && precomputed == null;
        }
    }

    /** The outcome of a batch's append: the replies, or why there are none. */
    private record Outcome(byte[] replies, Throwable failure) {
    }

    private final Function<byte[], CompletableFuture<byte[]>> log;
    private final BooleanSupplier isLeader;
    private final Supplier<String> notLeaderMessage;
    private final int maxInFlight;
    private final int maxEntryBytes;
    private final long appendTimeoutMillis;
    private final Queue<Pending> queue = PlatformDependent.newMpscQueue();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Set<CompletableFuture<byte[]>> appending = ConcurrentHashMap.newKeySet();
    private final LongAdder entries = new LongAdder();
    private final LongAdder commands = new LongAdder();
    private volatile ReplicaMetrics metrics;
    // Guarded by {@code draining}: only the draining thread chains batches.
    private CompletableFuture<Void> delivered = CompletableFuture.completedFuture(null);

    /**
     * @param log                appends one entry, completing with the batch's replies once committed and applied
     * @param isLeader           whether this replica may append now
     * @param notLeaderMessage   the error text for refused requests (names the leader when known)
     * @param maxInFlight        appends outstanding at once
     * @param maxEntryBytes      soft cap on an entry's size
     * @param appendTimeoutMillis an append not committed by then is failed (its outcome is unknown)
     */
    public ReplicatedSequencer(Function<byte[], CompletableFuture<byte[]>> log, BooleanSupplier isLeader,
                               Supplier<String> notLeaderMessage, int maxInFlight, int maxEntryBytes,
                               long appendTimeoutMillis) {
        this.log = log;
        this.isLeader = isLeader;
        this.notLeaderMessage = notLeaderMessage;
        this.maxInFlight = maxInFlight;
        this.maxEntryBytes = maxEntryBytes;
        this.appendTimeoutMillis = appendTimeoutMillis;
    }

    @Override
    public void submit(Command command, Connection connection, long tag) {
        queue.offer(new Pending(command, connection, tag, null, System.nanoTime()));
    }

    @Override
    public void submitAnswer(Response response, Connection connection, long tag) {
        queue.offer(new Pending(null, connection, tag, response, System.nanoTime()));
    }

    @Override
    public void submitClose(Connection connection) {
        queue.offer(new Pending(null, connection, WireMessage.NO_CONID, null, 0));
    }

    /** Counts answers and appends into {@code metrics} from now on. */
    void meter(ReplicaMetrics metrics) {
        this.metrics = metrics;
    }

    /** Log entries appended and commands they carried: their ratio is the batching factor. */
    public long entries() {
        return entries.sum();
    }

    public long commands() {
        return commands.sum();
    }

    /** Fails every append still waiting: called when this replica stops being leader. */
    public void leadershipLost() {
        for (CompletableFuture<byte[]> f : appending) {
            f.completeExceptionally(new IllegalStateException("leadership lost before the entry committed"));
        }
    }

    @Override
    public void drain() {
        while (!queue.isEmpty() && inFlight.get() < maxInFlight && draining.compareAndSet(false, true)) {
            try {
                while (inFlight.get() < maxInFlight && !queue.isEmpty()) {
                    sendBatch();
                }
            } finally {
                draining.set(false);
            }
        }
    }

    private void sendBatch() {
        List<Pending> batch = new ArrayList<>();
        List<byte[]> encoded = new ArrayList<>();
        int bytes = 4;
        Pending p;
        while ((p = queue.peek()) != null) {
            byte[] command = p.command == null ? null : CommandCodec.encode(p.command);
            if (command != null && !encoded.isEmpty() && bytes + 4 + command.length > maxEntryBytes) {
                break;
            }
            queue.poll();
            batch.add(p);
            if (command != null) {
                encoded.add(command);
                bytes += 4 + command.length;
            }
        }
        CompletableFuture<Outcome> outcome;
        if (encoded.isEmpty()) {
            outcome = CompletableFuture.completedFuture(new Outcome(null, null));
        } else if (!isLeader.getAsBoolean()) {
            outcome = CompletableFuture.completedFuture(new Outcome(null, new NotLeader(notLeaderMessage.get())));
        } else {
            outcome = append(BatchStateMachine.encode(encoded), encoded.size());
        }
        delivered = delivered.thenCombine(outcome, (ignored, o) -> {
            deliver(batch, o);
            return null;
        });
    }

    private CompletableFuture<Outcome> append(byte[] entry, int count) {
        inFlight.incrementAndGet();
        entries.increment();
        commands.add(count);
        if (metrics != null) metrics.entryAppended(count);
        CompletableFuture<byte[]> appended;
        try {
            appended = log.apply(entry);
        } catch (RuntimeException e) {
            appended = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<byte[]> tracked = appended;
        appending.add(tracked);
        return appended.orTimeout(appendTimeoutMillis, TimeUnit.MILLISECONDS).handle((replies, failure) -> {
            appending.remove(tracked);
            inFlight.decrementAndGet();
            drain();
            return new Outcome(replies, failure);
        });
    }

    private void deliver(List<Pending> batch, Outcome outcome) {
        List<byte[]> replies = outcome.replies == null ? null : BatchStateMachine.decode(outcome.replies);
        List<Connection> touched = new ArrayList<>();
        int next = 0;
        for (Pending p : batch) {
            Response response;
            if (p.isClose()) {
                p.connection.closeAfterAnswers();
                response = Response.None.INSTANCE;
            } else if (p.precomputed != null) {
                response = p.precomputed;
            } else if (outcome.failure != null) {
                response = failure(outcome.failure);
                if (p.connection != null) {
                    p.connection.closeAfterAnswers();
                }
            } else {
                response = ReplicatedCore.decodeReply(replies.get(next++));
            }
            if (metrics != null && !p.isClose()) metrics.answered(p.command, response, p.since);
            if (p.connection == null) {
                continue;
            }
            if (!p.isClose()) {
                p.connection.answer(p.tag, response);
            }
            if (p.connection.markForFlush()) {
                touched.add(p.connection);
            }
        }
        for (Connection c : touched) {
            c.flushOutbox();
        }
    }

    /**
     * Whether an answer says the log did not confirm the request (this replica is not or no longer
     * leader, or the append timed out): the request may or may not apply later. Such answers are the
     * only FATAL ones; the core never answers FATAL.
     */
    public static boolean isUnconfirmed(Response response) {
        return response instanceof Response.Error e && Response.FATAL.equals(e.severity());
    }

    private static Response failure(Throwable failure) {
        Throwable cause = Futures.cause(failure);
        if (cause instanceof NotLeader n) {
            return new Response.Error(Response.FATAL, n.getMessage());
        }
        String why = cause instanceof java.util.concurrent.TimeoutException ? "not committed in time"
                : String.valueOf(cause.getMessage());
        return new Response.Error(Response.FATAL, "mgtm: the replicated log did not confirm this request (" + why
                + "); " + Response.OUTCOME_UNKNOWN + ", reconnect");
    }

    /** The replica is not (or no longer) the leader. */
    static final class NotLeader extends RuntimeException {
        NotLeader(String message) {
            super(message, null, false, false);
        }
    }
}
