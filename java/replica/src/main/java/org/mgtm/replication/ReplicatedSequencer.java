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
import org.mgtm.core.GtmStateMachine;
import org.mgtm.net.Connection;
import org.mgtm.net.Sequencer;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.WireMessage;
import org.mgtm.replication.engine.BatchStateMachine;

/**
 * The replicated {@link Sequencer}: everything queued while earlier batches are in flight goes into
 * the next batch. A batch's writes become one raft log entry (group commit), and a write's answer is
 * released only after its entry is committed by a majority and applied. Only a replica that is leader
 * appends; anywhere else the requests are refused, so a deposed or partitioned leader never answers
 * (invariant 6): its appends cannot commit, time out, and are answered with an error that closes the
 * connection.
 *
 * <p>Pure reads (snapshots, status, prepared list, current sequence values:
 * {@link GtmStateMachine#isPureRead}) do not go into the log (docs/decisions/0008). A batch's reads
 * are answered from the applied state once this replica has confirmed, after they arrived, that it
 * still leads and that its state holds everything committed before its term: by the batch's own entry
 * when the batch has writes (committed in this leader's term, it is such a confirmation), otherwise by
 * one {@link LeaderReads#confirm() check round} for all of the batch's reads. They are computed at
 * delivery, so they also see every write submitted before them.
 *
 * <p>Answers leave in submission order: each batch is delivered after the one before it, including
 * batches that only carry answers decided at decoding time.
 */
public final class ReplicatedSequencer implements Sequencer {
    /** How pure reads are answered without the log. */
    public interface LeaderReads {
        /**
         * Whether a pure read may be answered from the state: an unnumbered one always; a numbered one
         * only if the state knows its session. The first requests of a session go through the log,
         * which records the session: a client that resumes it on the next leader must find it.
         */
        boolean mayAnswerFromState(Command.Client read);

        /**
         * A confirmation started now: completes once a check round sent after this call is confirmed
         * by a majority and the applied state holds every entry committed before the round's term;
         * fails if this replica does not (or no longer) lead. Never times out by itself.
         */
        CompletableFuture<?> confirm();

        /** The answers to these pure reads, from the applied state, in order. */
        List<Response> answer(List<Request> reads);
    }

    private record Pending(Command command, Connection connection, long tag, Response precomputed, boolean read,
                           long since) {
        boolean isClose() {
            return command == null && precomputed == null;
        }
    }

    /** The outcome of a batch's append or check round: the replies to its writes, or why there are none. */
    private record Outcome(byte[] replies, Throwable failure) {
    }

    private final Function<byte[], CompletableFuture<byte[]>> log;
    private final LeaderReads reads;
    private final BooleanSupplier isLeader;
    private final Supplier<String> notLeaderMessage;
    private final int maxInFlight;
    private final int maxEntryBytes;
    private final long timeoutMillis;
    private final Queue<Pending> queue = PlatformDependent.newMpscQueue();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Set<CompletableFuture<?>> waiting = ConcurrentHashMap.newKeySet();
    private final LongAdder entries = new LongAdder();
    private final LongAdder commands = new LongAdder();
    private final LongAdder readBatches = new LongAdder();
    private final LongAdder readsOnRounds = new LongAdder();
    private final LongAdder readsWithEntries = new LongAdder();
    private final LongAdder clientRequests = new LongAdder();
    private final LongAdder backendRequests = new LongAdder();
    private volatile ReplicaMetrics metrics;
    // Guarded by {@code draining}: only the draining thread chains batches.
    private CompletableFuture<Void> delivered = CompletableFuture.completedFuture(null);

    /**
     * @param log              appends one entry, completing with the batch's replies once committed and applied
     * @param reads            confirms leadership for reads and answers them from the state
     * @param isLeader         whether this replica may append now
     * @param notLeaderMessage the error text for refused requests (names the leader when known)
     * @param maxInFlight      batches (an append, a check round) outstanding at once
     * @param maxEntryBytes    soft cap on an entry's size
     * @param timeoutMillis    an append or check round not confirmed by then is failed
     */
    public ReplicatedSequencer(Function<byte[], CompletableFuture<byte[]>> log, LeaderReads reads,
                               BooleanSupplier isLeader, Supplier<String> notLeaderMessage, int maxInFlight,
                               int maxEntryBytes, long timeoutMillis) {
        this.log = log;
        this.reads = reads;
        this.isLeader = isLeader;
        this.notLeaderMessage = notLeaderMessage;
        this.maxInFlight = maxInFlight;
        this.maxEntryBytes = maxEntryBytes;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public void submit(Command command, Connection connection, long tag) {
        boolean read = false;
        if (command instanceof Command.Client c) {
            clientRequests.increment();
            backendRequests.add(backendRequests(c.request()));
            read = GtmStateMachine.isPureRead(c.request()) && reads.mayAnswerFromState(c);
        }
        queue.offer(new Pending(command, connection, tag, null, read, System.nanoTime()));
    }

    /** How many backends' requests one request carries: a proxy's MULTI request one per entry. */
    private static int backendRequests(Request r) {
        if (r instanceof Request.TxnBeginGetGxidMulti m) {
            return m.entries().size();
        } else if (r instanceof Request.SnapshotGetMulti m) {
            return m.txns().size();
        } else if (r instanceof Request.TxnCommitMulti m) {
            return m.txns().size();
        } else if (r instanceof Request.TxnRollbackMulti m) {
            return m.txns().size();
        }
        return 1;
    }

    /** Client requests submitted, and the backend requests they carried (a MULTI carries several). */
    public long clientRequests() {
        return clientRequests.sum();
    }

    public long backendRequests() {
        return backendRequests.sum();
    }

    @Override
    public void submitAnswer(Response response, Connection connection, long tag) {
        queue.offer(new Pending(null, connection, tag, response, false, System.nanoTime()));
    }

    @Override
    public void submitClose(Connection connection) {
        queue.offer(new Pending(null, connection, WireMessage.NO_CONID, null, false, 0));
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

    /** Batches of reads only (each waited for a check round) and the reads they carried. */
    public long readBatches() {
        return readBatches.sum();
    }

    public long readsOnRounds() {
        return readsOnRounds.sum();
    }

    /** Reads answered after their batch's entry committed, without a round of their own. */
    public long readsWithEntries() {
        return readsWithEntries.sum();
    }

    /** Fails every append and check round still waiting: called when this replica stops being leader. */
    public void leadershipLost() {
        for (CompletableFuture<?> f : waiting) {
            f.completeExceptionally(new IllegalStateException("leadership lost before the batch was confirmed"));
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
        int readCount = 0;
        int bytes = 4;
        Pending p;
        while ((p = queue.peek()) != null) {
            byte[] command = p.command == null || p.read ? null : CommandCodec.encode(p.command);
            if (command != null && !encoded.isEmpty() && bytes + 4 + command.length > maxEntryBytes) {
                break;
            }
            queue.poll();
            batch.add(p);
            if (command != null) {
                encoded.add(command);
                bytes += 4 + command.length;
            }
            readCount += p.read ? 1 : 0;
        }
        CompletableFuture<Outcome> outcome;
        if (encoded.isEmpty() && readCount == 0) {
            outcome = CompletableFuture.completedFuture(new Outcome(null, null));
        } else if (!isLeader.getAsBoolean()) {
            outcome = CompletableFuture.completedFuture(new Outcome(null, new NotLeader(notLeaderMessage.get())));
        } else if (!encoded.isEmpty()) {
            entries.increment();
            commands.add(encoded.size());
            if (metrics != null) metrics.entryAppended(encoded.size());
            // The batch's reads ride on its entry: committed in this leader's term after they arrived,
            // it confirms the leadership as a check round would, and once it is applied here so is
            // every entry before it.
            readsWithEntries.add(readCount);
            outcome = await(() -> log.apply(BatchStateMachine.encode(encoded)));
        } else {
            readBatches.increment();
            readsOnRounds.add(readCount);
            outcome = await(reads::confirm);
        }
        delivered = delivered.thenCombine(outcome, (ignored, o) -> {
            deliver(batch, o);
            return null;
        });
    }

    /** Starts an append or a check round and counts it in flight until it completes, fails or times out. */
    private CompletableFuture<Outcome> await(Supplier<CompletableFuture<?>> start) {
        inFlight.incrementAndGet();
        CompletableFuture<?> work;
        try {
            work = start.get();
        } catch (RuntimeException e) {
            work = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<?> tracked = work;
        waiting.add(tracked);
        return work.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS).handle((result, failure) -> {
            waiting.remove(tracked);
            inFlight.decrementAndGet();
            drain();
            return new Outcome(result instanceof byte[] replies ? replies : null, failure);
        });
    }

    private void deliver(List<Pending> batch, Outcome outcome) {
        List<byte[]> replies = outcome.replies == null ? null : BatchStateMachine.decode(outcome.replies);
        List<Response> readAnswers = outcome.failure == null ? answerReads(batch) : List.of();
        List<Connection> touched = new ArrayList<>();
        int nextReply = 0;
        int nextRead = 0;
        for (Pending p : batch) {
            Response response;
            if (p.isClose()) {
                p.connection.closeAfterAnswers();
                response = Response.None.INSTANCE;
            } else if (p.precomputed != null) {
                response = p.precomputed;
            } else if (outcome.failure != null) {
                response = p.read ? readFailure(outcome.failure) : failure(outcome.failure);
                if (p.connection != null) {
                    p.connection.closeAfterAnswers();
                }
            } else if (p.read) {
                response = readAnswers.get(nextRead++);
            } else {
                response = ReplicatedCore.decodeReply(replies.get(nextReply++));
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

    /** The batch's reads, answered from the applied state now (after every earlier batch's writes). */
    private List<Response> answerReads(List<Pending> batch) {
        List<Request> requests = null;
        for (Pending p : batch) {
            if (p.read) {
                if (requests == null) {
                    requests = new ArrayList<>();
                }
                requests.add(((Command.Client) p.command).request());
            }
        }
        return requests == null ? List.of() : reads.answer(requests);
    }

    /**
     * Whether an answer says the replica could not confirm the request (it is not or no longer the
     * leader, or the append or check round timed out). Such answers are the only FATAL ones; the core
     * never answers FATAL.
     */
    public static boolean isUnconfirmed(Response response) {
        return response instanceof Response.Error e && Response.FATAL.equals(e.severity());
    }

    private static Response failure(Throwable failure) {
        Throwable cause = Futures.cause(failure);
        if (cause instanceof NotLeader n) {
            return new Response.Error(Response.FATAL, n.getMessage());
        }
        return new Response.Error(Response.FATAL, "mgtm: the replicated log did not confirm this request ("
                + why(cause) + "); " + Response.OUTCOME_UNKNOWN + ", reconnect");
    }

    /** A read has no outcome to be unsure of: asked again, it is simply answered again. */
    private static Response readFailure(Throwable failure) {
        Throwable cause = Futures.cause(failure);
        if (cause instanceof NotLeader n) {
            return new Response.Error(Response.FATAL, n.getMessage());
        }
        return new Response.Error(Response.FATAL, "mgtm: this replica could not confirm that it still leads ("
                + why(cause) + "); ask again, the leader may have changed");
    }

    private static String why(Throwable cause) {
        return cause instanceof java.util.concurrent.TimeoutException ? "not confirmed in time"
                : String.valueOf(cause.getMessage());
    }

    /** The replica is not (or no longer) the leader. */
    static final class NotLeader extends RuntimeException {
        NotLeader(String message) {
            super(message, null, false, false);
        }
    }
}
