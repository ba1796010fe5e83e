package org.mgtm.replication.engine;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jgroups.Address;
import org.jgroups.Message;
import org.jgroups.ObjectMessage;
import org.jgroups.annotations.ManagedAttribute;
import org.jgroups.annotations.Property;
import org.jgroups.conf.AttributeType;
import org.jgroups.protocols.raft.AppendEntriesRequest;
import org.jgroups.protocols.raft.LogEntries;
import org.jgroups.protocols.raft.LogEntry;
import org.jgroups.raft.util.CommitTable;


/**
 * jgroups-raft 1.1.4 RAFT with a fix for lagging followers under load, on top of the follower-side safety fixes of
 * {@link SafeFollowerRaft}; registered in the stack in place of RAFT (it keeps RAFT's protocol id, so headers are
 * wire-compatible with plain RAFT members).
 *
 * <h2>The defect</h2>
 * In 1.1.4 the leader sends missing entries to a follower only from {@code RAFT.processQueue()} when
 * {@code processing_queue.poll(resend_interval)} times out, that is when no request at all (client append or
 * follower response) arrived for {@code resend_interval} ms. A follower that lags (restarted, or a new leader's
 * follower) answers every regular AppendEntries with {@code FAIL_ENTRY_NOT_FOUND}; {@code Leader
 * .handleAppendEntriesResponse} only records that in the commit table ({@code next_index = follower's last + 1},
 * {@code send_single_msg = true}) and sends nothing. Under sustained load the queue is never idle, so the follower
 * never gets the entries: it never catches up, and a new leader whose only live follower lags commits nothing.
 *
 * <h2>The fix</h2>
 * {@link #process(List)} runs on the engine's single event-loop thread (the "runner" that drains the processing
 * queue); after the engine has processed a batch, this class looks at the commit table and sends each lagging member
 * one AppendEntries with the entries it misses, starting at its {@code next_index}, at most
 * {@link #catchUpMaxBytes()} bytes. A member is lagging if it reported a gap (its last response was a failure), or
 * if it stalled: it acknowledged nothing during the last {@link #catchUpIntervalMs()} ms although entries appended
 * before that interval are still unacknowledged.
 * Rate limit: per member, one catch-up message is outstanding; the next one leaves as soon as the previous one is
 * acknowledged (its responses come through this same loop), or after {@code catchup_interval} ms if it was not.
 * A member whose next entry was already compacted away gets an InstallSnapshot instead, at most once per
 * {@code catchup_snapshot_interval}. Everything happens on the runner thread, the only thread that touches the log:
 * calling {@code flushCommitTable()} from another thread races with FileBasedLog (BufferUnderflowException).
 */
public class CatchUpRaft extends SafeFollowerRaft {

    @Property(description = "Min time (ms) between two catch-up messages to a lagging member whose previous catch-up "
            + "message was not acknowledged yet; also the age after which unacknowledged entries mark a member as "
            + "lagging", type = AttributeType.TIME)
    protected long catchup_interval = 50;

    @Property(description = "Max bytes of log entries in one catch-up message", type = AttributeType.BYTES)
    protected int catchup_max_bytes = 1 << 20;

    @Property(description = "Min time (ms) between two snapshots sent to the same member", type = AttributeType.TIME)
    protected long catchup_snapshot_interval = 2000;

    @Property(description = "Enables the catch-up fix (false behaves exactly like SafeFollowerRaft)")
    protected boolean catchup_enabled = true;

    @ManagedAttribute(description = "Catch-up AppendEntries messages sent")
    protected long num_catchup_msgs;

    @ManagedAttribute(description = "Log entries sent in catch-up messages")
    protected long num_catchup_entries;

    @ManagedAttribute(description = "Snapshots sent to lagging members by the catch-up fix")
    protected long num_catchup_snapshots;

    /** Per-member catch-up progress; only touched by the runner thread. */
    private final Map<Address, Progress> progress = new HashMap<>();

    private static final class Progress {
        long sentTo = -1;       // last index of the last catch-up message, -1 when none is outstanding
        long sentAtNanos;
        long mark;              // last_appended at markAtNanos
        long matchAtMark;       // the member's match_index at markAtNanos
        long markAtNanos;
        boolean stalled;
        long snapshotAtNanos;

        Progress(long mark, long match, long now) {
            this.mark = mark;
            this.matchAtMark = match;
            this.markAtNanos = now;
            this.snapshotAtNanos = now - (1L << 40);
        }
    }

    public long catchUpIntervalMs() { return catchup_interval; }
    public CatchUpRaft catchUpIntervalMs(long ms) { catchup_interval = ms; return this; }
    public int catchUpMaxBytes() { return catchup_max_bytes; }
    public CatchUpRaft catchUpMaxBytes(int bytes) { catchup_max_bytes = bytes; return this; }
    public long catchUpSnapshotIntervalMs() { return catchup_snapshot_interval; }
    public CatchUpRaft catchUpSnapshotIntervalMs(long ms) { catchup_snapshot_interval = ms; return this; }
    public boolean catchUpEnabled() { return catchup_enabled; }
    public CatchUpRaft catchUpEnabled(boolean b) { catchup_enabled = b; return this; }
    public long numCatchUpMessages() { return num_catchup_msgs; }
    public long numCatchUpEntries() { return num_catchup_entries; }
    public long numCatchUpSnapshots() { return num_catchup_snapshots; }

    @Override
    public void resetStats() {
        super.resetStats();
        num_catchup_msgs = num_catchup_entries = num_catchup_snapshots = 0;
    }

    /** Runs on the runner thread for every drained batch of requests (client appends and follower responses). */
    @Override
    protected void process(List<Request> q) {
        try {
            super.process(q);
        } finally {
            if (catchup_enabled)
                catchUpLaggingMembers();
        }
    }

    /** Only ever called on the runner thread (from {@link #process(List)}). */
    protected void catchUpLaggingMembers() {
        CommitTable ct = commit_table;
        if (ct == null || !isLeader()) {
            if (!progress.isEmpty())
                progress.clear();
            return;
        }
        long now = System.nanoTime();
        long intervalNanos = catchup_interval * 1_000_000L;
        if (progress.size() > ct.keys().size())
            progress.keySet().retainAll(ct.keys());
        ct.forEach((member, e) -> {
            Progress p = progress.computeIfAbsent(member, m -> new Progress(last_appended, e.matchIndex(), now));
            if (now - p.markAtNanos >= intervalNanos) {
                // stalled: entries appended an interval ago are still unacknowledged and nothing was acknowledged
                // during that interval (a member that is merely slow but progressing is left to the regular traffic)
                p.stalled = e.matchIndex() < p.mark && e.matchIndex() <= p.matchAtMark;
                p.mark = last_appended;
                p.matchAtMark = e.matchIndex();
                p.markAtNanos = now;
            }
            boolean lagging = e.sendSingleMessage()       // its last response reported a gap (FAIL_*)
                    || p.stalled;
            if (!lagging)
                return;
            boolean previousAcked = p.sentTo < 0 || e.matchIndex() >= p.sentTo;
            if (!previousAcked && now - p.sentAtNanos < intervalNanos)
                return;                                                      // one outstanding message per member
            sendCatchUp(member, e, p, now);
        });
    }

    private void sendCatchUp(Address member, CommitTable.Entry e, Progress p, long now) {
        long from = Math.max(e.nextIndex(), 1);
        if (from > last_appended)
            return;                                       // nothing missing that the regular traffic won't carry
        long first = log_impl.firstAppended();
        // After a compaction the log keeps entry `first` but not first-1, so `from <= first` has no prev entry
        // to check against: the member needs the snapshot.
        if (first > 0 && from <= first) {
            if (now - p.snapshotAtNanos < catchup_snapshot_interval * 1_000_000L)
                return;
            try {
                log.info("%s: %s needs entry %d, compacted away (log starts at %d): sending a snapshot",
                        local_addr, member, from, first);
                sendSnapshotTo(member);
                num_catchup_snapshots++;
            } catch (Exception ex) {
                log.error("%s: catch-up snapshot to %s failed: %s", local_addr, member, ex);
            }
            p.snapshotAtNanos = now;
            p.sentTo = commit_index;
            p.sentAtNanos = now;
            return;
        }
        LogEntry prev = log_impl.get(from - 1);
        if (prev == null && from > 1) {
            log.warn("%s: catch-up to %s: entry %d not found in the log", local_addr, member, from - 1);
            return;
        }
        LogEntries entries = new LogEntries();
        long bytes = 0;
        long to = from - 1;
        long entryTerm = 0;
        for (long i = from; i <= last_appended; i++) {
            LogEntry le = log_impl.get(i);
            if (le == null) {
                log.warn("%s: catch-up to %s: entry %d not found in the log", local_addr, member, i);
                break;
            }
            if (bytes > 0 && bytes + le.length() > catchup_max_bytes)
                break;
            if (entryTerm == 0)
                entryTerm = le.term();
            entries.add(le);
            bytes += le.length();
            to = i;
        }
        if (entries.size() == 0)
            return;
        long term = currentTerm();
        Message msg = new ObjectMessage(member, entries)
                .putHeader(id, new AppendEntriesRequest(local_addr, term, from - 1, prev != null ? prev.term() : 0,
                        entryTerm, commit_index));
        down_prot.down(msg);
        num_catchup_msgs++;
        num_catchup_entries += entries.size();
        p.sentTo = to;
        p.sentAtNanos = now;
        if (log.isTraceEnabled())
            log.trace("%s: catch-up [%d..%d] (%d bytes) to %s", local_addr, from, to, bytes, member);
    }
}
