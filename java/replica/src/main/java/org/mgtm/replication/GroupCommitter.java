package org.mgtm.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Group commit on top of a raft log: commands submitted while {@code maxInFlight} appends are outstanding wait, and
 * go together into the next log entry (a {@link BatchStateMachine} batch), so one consensus round serves many
 * requests. With {@code maxInFlight = 1} this is exactly "everything that arrived during the previous append".
 *
 * <p>Replies are completed on the engine's thread: callbacks must not block.</p>
 */
public final class GroupCommitter {
    private record Pending(byte[] command, CompletableFuture<byte[]> reply) {}

    private final Function<byte[], CompletableFuture<byte[]>> log;
    private final int maxInFlight;
    private final int maxEntryBytes;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder entries = new LongAdder();
    private final LongAdder commands = new LongAdder();

    /**
     * @param log          appends one entry and completes with its reply (e.g. {@code member::append})
     * @param maxInFlight  appends outstanding at once (1 or more)
     * @param maxEntryBytes soft cap on an entry's size (a single larger command still goes alone)
     */
    public GroupCommitter(Function<byte[], CompletableFuture<byte[]>> log, int maxInFlight, int maxEntryBytes) {
        if (maxInFlight < 1 || maxEntryBytes < 64)
            throw new IllegalArgumentException("maxInFlight >= 1 and maxEntryBytes >= 64 required");
        this.log = log;
        this.maxInFlight = maxInFlight;
        this.maxEntryBytes = maxEntryBytes;
    }

    public GroupCommitter(RaftMember member, int maxInFlight) {
        this(member::append, maxInFlight, 1 << 20);
    }

    /** Submits one command; the future completes with its reply once its entry is committed and applied. */
    public CompletableFuture<byte[]> submit(byte[] command) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        queue.add(new Pending(command, f));
        flush();
        return f;
    }

    public long entries() { return entries.sum(); }
    public long commands() { return commands.sum(); }
    public int inFlight() { return inFlight.get(); }

    private void flush() {
        for (;;) {
            int n = inFlight.get();
            if (n >= maxInFlight || queue.isEmpty())
                return;
            if (!inFlight.compareAndSet(n, n + 1))
                continue;
            List<Pending> batch = new ArrayList<>();
            int bytes = 4;
            Pending p;
            while ((p = queue.peek()) != null) {
                int size = 4 + p.command().length;
                if (!batch.isEmpty() && bytes + size > maxEntryBytes)
                    break;
                queue.poll();
                batch.add(p);
                bytes += size;
            }
            if (batch.isEmpty()) {
                inFlight.decrementAndGet();
                continue;           // re-check: something may have arrived after the emptiness test
            }
            send(batch);
        }
    }

    private void send(List<Pending> batch) {
        List<byte[]> cmds = new ArrayList<>(batch.size());
        for (Pending p : batch)
            cmds.add(p.command());
        entries.increment();
        commands.add(batch.size());
        CompletableFuture<byte[]> f;
        try {
            f = log.apply(BatchStateMachine.encode(cmds));
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((reply, err) -> {
            inFlight.decrementAndGet();
            if (err != null) {
                for (Pending p : batch)
                    p.reply().completeExceptionally(err);
            } else {
                try {
                    List<byte[]> replies = BatchStateMachine.decode(reply);
                    if (replies.size() != batch.size())
                        throw new IllegalStateException(replies.size() + " replies for " + batch.size() + " commands");
                    for (int i = 0; i < batch.size(); i++)
                        batch.get(i).reply().complete(replies.get(i));
                } catch (RuntimeException e) {
                    for (Pending p : batch)
                        p.reply().completeExceptionally(e);
                }
            }
            flush();
        });
    }
}
