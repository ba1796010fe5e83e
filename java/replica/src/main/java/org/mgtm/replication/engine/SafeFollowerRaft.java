package org.mgtm.replication.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jgroups.Address;
import org.jgroups.EmptyMessage;
import org.jgroups.Message;
import org.jgroups.ObjectMessage;
import org.jgroups.annotations.ManagedAttribute;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.raft.AppendEntriesRequest;
import org.jgroups.protocols.raft.AppendEntriesResponse;
import org.jgroups.protocols.raft.AppendResult;
import org.jgroups.protocols.raft.InstallSnapshotRequest;
import org.jgroups.protocols.raft.LogEntries;
import org.jgroups.protocols.raft.LogEntry;
import org.jgroups.protocols.raft.RAFT;
import org.jgroups.protocols.raft.RaftHeader;


/**
 * jgroups-raft 1.1.4 {@link RAFT} whose follower side keeps raft's safety rules where 1.1.4 breaks them. It keeps
 * RAFT's protocol id, so it interoperates with plain RAFT members; {@link CatchUpRaft} builds on it.
 *
 * <h2>What 1.1.4 gets wrong on a follower, and the rule kept here instead</h2>
 * <ol>
 *   <li><b>Answers claim entries the follower does not hold.</b> A heartbeat, or an AppendEntries whose first entry
 *       the follower already holds, is answered "OK up to my last appended index". After a leader change a
 *       follower's tail can hold another term's entries (a deposed leader's uncommitted appends); the leader then
 *       counts that answer as a vote for its own, different entries at those indexes and can commit them on a
 *       minority. Here the answer names only the last index known to match the leader: the last entry of the
 *       request just checked, or on a heartbeat the highest index checked earlier in this term.</li>
 *   <li><b>Heartbeats commit unchecked entries.</b> 1.1.4 moves the commit index to
 *       {@code min(leader_commit, last_appended)} whatever the tail holds, so such a follower applies the deposed
 *       leader's entries to its state machine: its state silently departs from the group's. Here a follower
 *       commits only up to the last index known to match the current leader (raft's
 *       {@code min(leaderCommit, index of last new entry)}).</li>
 *   <li><b>Only the first entry of a request is compared.</b> 1.1.4 compares the term of the request's first entry
 *       with the follower's and, if equal, ignores the rest when the follower's log is longer. Here every entry is
 *       compared; the first that differs is where the follower's log is cut and the leader's entries go on.</li>
 *   <li><b>A stale snapshot erases acknowledged entries.</b> InstallSnapshot at index {@code S} always reset the
 *       follower's log to {@code S}, also when the follower had already appended and acknowledged entries after
 *       {@code S} (the leader's view of a follower lags: answers in flight, a short stall): entries committed with
 *       its vote were then held by a minority only, and a later election could pick a leader without them. Here a
 *       follower whose log already covers {@code S} (committed that far, or holding {@code S} in the snapshot's
 *       term) keeps its log and commits to {@code S} from it (raft paper, section 7).</li>
 *   <li><b>The persisted term goes backwards.</b> Installing a snapshot and cutting the log rewrite the stored term
 *       to that of the snapshot or of the new last entry. A restart would come back in an older term. The current
 *       term is written back after both.</li>
 * </ol>
 * All of this runs on the engine's single runner thread, as every request RAFT handles does.
 * The chaos CI run caught the consequence (GXIDs handed out twice and acknowledged commits undone after a full
 * restart); {@code SafeFollowerRaftTest} drives each case above on a follower.
 */
public class SafeFollowerRaft extends RAFT {

    private static final VarHandle APPEND_PREV_INDEX;
    private static final VarHandle APPEND_PREV_TERM;
    private static final VarHandle APPEND_LEADER_COMMIT;
    private static final VarHandle APPEND_LEADER;
    private static final VarHandle SNAPSHOT_INDEX;
    private static final VarHandle SNAPSHOT_TERM;

    static {
        try {
            MethodHandles.Lookup append = MethodHandles.privateLookupIn(AppendEntriesRequest.class,
                    MethodHandles.lookup());
            APPEND_PREV_INDEX = append.findVarHandle(AppendEntriesRequest.class, "prev_log_index", long.class);
            APPEND_PREV_TERM = append.findVarHandle(AppendEntriesRequest.class, "prev_log_term", long.class);
            APPEND_LEADER_COMMIT = append.findVarHandle(AppendEntriesRequest.class, "leader_commit", long.class);
            APPEND_LEADER = append.findVarHandle(AppendEntriesRequest.class, "leader", Address.class);
            MethodHandles.Lookup snapshot = MethodHandles.privateLookupIn(InstallSnapshotRequest.class,
                    MethodHandles.lookup());
            SNAPSHOT_INDEX = snapshot.findVarHandle(InstallSnapshotRequest.class, "last_included_index", long.class);
            SNAPSHOT_TERM = snapshot.findVarHandle(InstallSnapshotRequest.class, "last_included_term", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @ManagedAttribute(description = "Snapshots from the leader not installed because the log already covered them")
    protected long num_snapshots_already_covered;

    @ManagedAttribute(description = "Follower log entries cut because they differ from the leader's")
    protected long num_entries_replaced;

    /** The term of {@link #matchedIndex}: it is only valid within the term in which it was checked. */
    private long matchedTerm = -1;
    /** The last index known to hold the current leader's entry (checked against a request of this term). */
    private long matchedIndex;

    public SafeFollowerRaft() {
        // Same protocol id as RAFT: RaftHeaders carry the id, so this and plain RAFT members interoperate.
        setId(ClassConfigurator.getProtocolId(RAFT.class));
    }

    public long numSnapshotsAlreadyCovered() { return num_snapshots_already_covered; }
    public long numEntriesReplaced() { return num_entries_replaced; }

    @Override
    public void resetStats() {
        super.resetStats();
        num_snapshots_already_covered = num_entries_replaced = 0;
    }

    /** When the last AppendEntries or InstallSnapshot of the current term arrived (nanoTime), 0: never. */
    private volatile long lastLeaderContactNanos;

    /** How long no AppendEntries (heartbeats included) came from a leader of the current term, in ms. */
    public long millisSinceLeaderContact() {
        long t = lastLeaderContactNanos;
        return t == 0 ? Long.MAX_VALUE : (System.nanoTime() - t) / 1_000_000;
    }

    private MergeSafeElection election;

    /**
     * Raft answers a request of an older term with the current term, and the sender steps down (raft paper, 5.1);
     * RAFT drops it without a word, so a leader deposed while it was paused or cut off, that is still view
     * coordinator, leads an old term for good (MergeSafeElection, 6). The election protocol carries the answer.
     */
    private void tellDeposedLeader(Address sender, long staleTerm) {
        if (election == null)
            election = findProtocol(MergeSafeElection.class, this, true);
        if (election != null)
            election.tellDeposedLeader(sender, staleTerm);
    }

    @Override
    public void handleUpRequest(Message msg, RaftHeader hdr) {
        boolean append = hdr instanceof AppendEntriesRequest;
        boolean snapshot = hdr instanceof InstallSnapshotRequest;
        if (!append && !snapshot) {
            super.handleUpRequest(msg, hdr);
            return;
        }
        if (currentTerm(hdr.currTerm()) < 0) {
            tellDeposedLeader(msg.src(), hdr.currTerm());   // dropped, as RAFT drops it; but the sender is told
            return;
        }
        lastLeaderContactNanos = System.nanoTime();
        if (isLeader()) {
            super.handleUpRequest(msg, hdr);          // a second leader in one term: leave it to RAFT's handling
            return;
        }
        long term = currentTerm();
        if (matchedTerm != term) {
            matchedTerm = term;
            matchedIndex = 0;
        }
        AppendResult result = append
                ? appendAsFollower(msg, (AppendEntriesRequest) hdr)
                : installSnapshot(msg, (InstallSnapshotRequest) hdr);
        if (result == null)
            return;
        result.commitIndex(commit_index);
        down_prot.down(new EmptyMessage(msg.src()).putHeader(id, new AppendEntriesResponse(term, result)));
    }

    private AppendResult appendAsFollower(Message msg, AppendEntriesRequest req) {
        leader((Address) APPEND_LEADER.get(req));
        long prevIndex = (long) APPEND_PREV_INDEX.get(req);
        long prevTerm = (long) APPEND_PREV_TERM.get(req);
        long leaderCommit = (long) APPEND_LEADER_COMMIT.get(req);
        LogEntries entries = msg instanceof ObjectMessage om ? om.getObject() : null;
        if (entries == null || entries.size() == 0) {
            // A heartbeat or commit message: it carries no prev entry to check against.
            commitMatchedUpTo(leaderCommit);
            return new AppendResult(AppendResult.Result.OK, Math.max(commit_index, matchedIndex));
        }
        if (prevIndex > commit_index) {
            LogEntry prev = log_impl.get(prevIndex);
            if (prev == null) {
                num_failed_append_requests_not_found++;
                return new AppendResult(AppendResult.Result.FAIL_ENTRY_NOT_FOUND, last_appended);
            }
            if (prev.term() != prevTerm) {
                num_failed_append_requests_wrong_term++;
                long conflict = firstIndexOfTerm(prevIndex, prev.term());
                cutLogFrom(conflict);
                return new AppendResult(AppendResult.Result.FAIL_CONFLICTING_PREV_TERM, conflict, prev.term());
            }
        }
        // Everything up to prevIndex is the leader's. Skip the entries held already, cut at the first that differs.
        long index = prevIndex;
        long appendFrom = 0;
        LogEntries fresh = null;
        for (LogEntry e : entries) {
            index++;
            if (fresh == null) {
                if (index <= commit_index)
                    continue;                         // committed: equal on every member
                if (index <= last_appended) {
                    LogEntry mine = log_impl.get(index);
                    if (mine != null && mine.term() == e.term())
                        continue;                     // the same entry (log matching)
                    num_entries_replaced += last_appended - index + 1;
                    cutLogFrom(index);
                }
                fresh = new LogEntries();
                appendFrom = index;
            }
            fresh.add(e);
        }
        if (fresh != null) {
            append(appendFrom, fresh);
            num_successful_append_requests += fresh.size();
        }
        long lastNew = prevIndex + entries.size();
        matchedIndex = Math.max(matchedIndex, lastNew);
        commitMatchedUpTo(leaderCommit);
        return new AppendResult(AppendResult.Result.OK, lastNew);
    }

    private AppendResult installSnapshot(Message msg, InstallSnapshotRequest req) {
        long index = (long) SNAPSHOT_INDEX.get(req);
        long term = (long) SNAPSHOT_TERM.get(req);
        if (!logCovers(index, term)) {
            log.info("%s: installing a snapshot at index %d (term %d) from %s; log was [%d..%d], commit %d",
                    local_addr, index, term, msg.src(), log_impl.firstAppended(), last_appended, commit_index);
            super.handleUpRequest(msg, req);          // installs and answers
            restorePersistedTerm();
            matchedIndex = Math.max(matchedIndex, index);
            return null;
        }
        num_snapshots_already_covered++;
        long before = commit_index;
        matchedIndex = Math.max(matchedIndex, index);
        if (commit_index < index)
            commitLogTo(index, false);
        log.info("%s: snapshot at index %d (term %d) from %s already covered by the log [%d..%d]: kept the log, "
                + "commit %d -> %d", local_addr, index, term, msg.src(), log_impl.firstAppended(), last_appended,
                before, commit_index);
        return new AppendResult(AppendResult.Result.OK, Math.max(index, commit_index));
    }

    /**
     * Whether this member's log already holds everything a snapshot at {@code index} carries: it committed that far
     * (committed prefixes are equal on every member), or it holds entry {@code index} in the snapshot's term (raft's
     * log matching: then every entry up to it is the leader's).
     */
    private boolean logCovers(long index, long term) {
        if (index > last_appended)
            return false;                             // also when the log lost entries its commit index counts
        if (commit_index >= index)
            return true;
        LogEntry mine = log_impl.get(index);
        return mine != null && mine.term() == term;
    }

    /** Commits up to the leader's commit index, but never past what is known to be the leader's. */
    private void commitMatchedUpTo(long leaderCommit) {
        long to = Math.min(leaderCommit, Math.max(commit_index, matchedIndex));
        if (to > commit_index)
            commitLogTo(to, false);
    }

    /** Going back from {@code from}, the first index (above the commit index) of the run of {@code term}. */
    private long firstIndexOfTerm(long from, long term) {
        long first = Math.max(1, log_impl.firstAppended());
        long result = Math.min(from, last_appended);
        for (long i = result; i >= first && i > commit_index; i--) {
            LogEntry e = log_impl.get(i);
            if (e == null || e.term() != term)
                break;
            result = i;
        }
        return result;
    }

    private void cutLogFrom(long index) {
        if (index <= commit_index || index > last_appended)
            return;
        deleteAllLogEntriesStartingFrom(index);
        restorePersistedTerm();
    }

    /** The log's stored term was rewritten to an older one (snapshot install, cut): write the current one back. */
    private void restorePersistedTerm() {
        if (log_impl.currentTerm() < currentTerm())
            log_impl.currentTerm(currentTerm());
    }
}
