package org.mgtm.check;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records a history as it happens, from any number of threads: each call stamps the event with
 * the monotonic clock (nanoseconds since the recorder was made) and appends it, to a file or to
 * memory. The stamp is taken under the same lock as the append, so the file is in time order
 * without a sort; the line is formatted before the lock, so contention stays short.
 *
 * <p>Rules the checker relies on: call {@link #invoke} just before sending and the completion
 * just after the answer arrived; keep one operation in flight per process; after an
 * {@link #info} completion (connection lost, timeout) use a new process from {@link #newProcess}.
 * A write error stops the recording and is thrown by {@link #close}.
 */
public final class HistoryRecorder implements AutoCloseable {
    private final long origin = System.nanoTime();
    private final AtomicInteger processes = new AtomicInteger();
    private final Object lock = new Object();
    private final HistoryWriter file;
    private final List<Event> memory;
    private final List<LeaderInterval> leaders = new ArrayList<>();
    private final List<SubclusterLine> subclusterLines = new ArrayList<>();
    private long events;
    private IOException failure;
    private boolean closed;

    private HistoryRecorder(HistoryWriter file, List<Event> memory) {
        this.file = file;
        this.memory = memory;
    }

    public static HistoryRecorder toFile(Path path) throws IOException {
        return new HistoryRecorder(HistoryWriter.create(path), null);
    }

    public static HistoryRecorder inMemory() {
        return new HistoryRecorder(null, new ArrayList<>());
    }

    /** A process id not used before by this recorder. */
    public int newProcess() {
        return processes.getAndIncrement();
    }

    /**
     * A new process that talks to sub-cluster {@code subcluster} ({@link SubclusterLine#GGTM}: the G-GTM): a
     * history with such processes is checked per sub-cluster and across them.
     */
    public int newProcess(String subcluster) {
        int p = processes.getAndIncrement();
        annotate(new SubclusterLine.Process(p, subcluster));
        return p;
    }

    /** Replica {@code node} belongs to {@code subcluster} (for the leadership intervals of each sub-cluster). */
    public void member(String node, String subcluster) {
        annotate(new SubclusterLine.Member(node, subcluster));
    }

    /** The G-GTM granted {@code first .. last} to {@code subcluster}. */
    public void range(String subcluster, int first, int last) {
        annotate(new SubclusterLine.Range(subcluster, first, last));
    }

    private void annotate(SubclusterLine line) {
        synchronized (lock) {
            subclusterLines.add(line);
        }
    }

    /** The recorder's clock: nanoseconds since it was made (for leadership intervals). */
    public long now() {
        return System.nanoTime() - origin;
    }

    public void invoke(int process, Operation op) {
        record(process, Event.Type.INVOKE, op, null, null, Event.NO_TERM);
    }

    public void ok(int process, Operation result) {
        record(process, Event.Type.OK, result, null, null, Event.NO_TERM);
    }

    /** A success answered by replica {@code node} in {@code term} (for invariant 6). */
    public void ok(int process, Operation result, String node, long term) {
        record(process, Event.Type.OK, result, null, node, term);
    }

    /** A definite error answer: the operation did not take effect. */
    public void fail(int process, Operation op, String error) {
        record(process, Event.Type.FAIL, op, error, null, Event.NO_TERM);
    }

    /** No answer: the operation may or may not have taken effect. */
    public void info(int process, Operation op, String error) {
        record(process, Event.Type.INFO, op, error, null, Event.NO_TERM);
    }

    /** A leadership interval in this recorder's clock; written when the recorder closes. */
    public void leader(String node, long term, long start, long end) {
        synchronized (lock) {
            leaders.add(new LeaderInterval(node, term, start, end));
        }
    }

    private void record(int process, Event.Type type, Operation op, String error, String node, long term) {
        if (file != null) {
            StringBuilder body = new StringBuilder(96);
            HistoryFormat.appendBody(body, new Event(0, process, type, op, error, node, term));
            body.append('\n');
            synchronized (lock) {
                if (closed || failure != null) {
                    return;
                }
                long t = now();
                try {
                    file.writeRaw("{\"t\":");
                    file.writeRaw(Long.toString(t));
                    file.writeRaw(body);
                    events++;
                } catch (IOException e) {
                    failure = e;
                }
            }
        } else {
            synchronized (lock) {
                if (!closed) {
                    memory.add(new Event(now(), process, type, op, error, node, term));
                    events++;
                }
            }
        }
    }

    /** Events recorded so far. */
    public long events() {
        synchronized (lock) {
            return events;
        }
    }

    /** What an in-memory recorder holds (for a file recorder: read the file). */
    public History history() {
        if (memory == null) {
            throw new IllegalStateException("this recorder writes to a file");
        }
        synchronized (lock) {
            return new History(memory, leaders, subclusterLines);
        }
    }

    /** Ends the recording: later events are dropped; writes the leadership intervals and closes the file. */
    @Override
    public void close() throws IOException {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (file == null) {
                return;
            }
            try {
                if (failure == null) {
                    for (LeaderInterval l : leaders) {
                        file.write(l);
                    }
                    for (SubclusterLine l : subclusterLines) {
                        file.write(l);
                    }
                }
            } catch (IOException e) {
                failure = e;
            } finally {
                try {
                    file.close();
                } catch (IOException e) {
                    if (failure == null) {
                        failure = e;
                    }
                }
            }
            if (failure != null) {
                throw new IOException("history recording failed: " + failure.getMessage(), failure);
            }
        }
    }

    /** For callers that cannot throw: close, with an IOException wrapped. */
    public void closeUnchecked() {
        try {
            close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
