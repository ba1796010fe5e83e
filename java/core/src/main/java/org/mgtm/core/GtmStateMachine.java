package org.mgtm.core;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.subcluster.SubclusterRequest;

/**
 * The GTM state machine: the whole replicated state of mgtm and the only code that changes it.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Commands.</b> A {@link Command} is one state-changing input: a client request
 *       ({@link Command.Client}, one XC protocol message with the session, proxy backend slot and
 *       request number it came with), the end of a client session ({@link Command.EndSession}), a
 *       service restart ({@link Command.Restart}), a raise of the GXID counter
 *       ({@link Command.RaiseNextGxid}), a new leader's first entry ({@link Command.NewTerm},
 *       which changes nothing), or, in sub-cluster mode, a range the G-GTM granted
 *       ({@link Command.RangeGranted}) or the group's identity ({@link Command.ClaimSubcluster}). {@link #apply(Command)} applies one command and returns its reply.
 *       Every command that goes through the replicated log is applied, in log order, on every
 *       replica.</li>
 *   <li><b>Reads.</b> A snapshot is a pure read: a transaction's xmin is fixed at its begin
 *       (invariant 5 of {@link TransactionManager}), not at its first snapshot as in XC, so
 *       SNAPSHOT_GET, SNAPSHOT_GET_MULTI, TXN_GET_STATUS, TXN_GET_ALL_PREPARED,
 *       SEQUENCE_GET_CURRENT and SEQUENCE_GET_LAST change nothing ({@link #isPureRead}).
 *       {@link #read(Request)} answers one of them from the state and cannot change it: a leader
 *       that has confirmed its leadership answers them without appending to the log. Applied
 *       through the log instead, such a request answers the same; with a request number it is also
 *       recorded for deduplication, like any request. SNAPSHOT_GXID_GET and TXN_GET_GXID are not
 *       reads: they may hand out a GXID.</li>
 *   <li><b>Determinism.</b> The reply and the new state depend only on the state before and the
 *       command. There is no I/O, clock, randomness, thread or logging in this package, and no
 *       iteration over hash order: replicas that apply the same commands from the same state give
 *       the same replies and reach byte-identical snapshots (compare them with {@link #digest()}).
 *       Bad input is answered with a {@link Response.Error} and changes nothing; an exception
 *       means a programming error.</li>
 *   <li><b>Threads.</b> Not thread-safe. One thread applies commands and reads the accessors;
 *       others must not touch the instance (hand them replies, snapshot bytes or {@link #describe()}
 *       text instead).</li>
 *   <li><b>Deduplication.</b> A request with a request number above 0 is applied once per session:
 *       a resubmission gets the cached original reply; a request whose reply has been forgotten
 *       (acknowledged, or pushed out by {@link CoreLimits#maxRepliesPerSession()}) gets an error.</li>
 *   <li><b>Snapshots.</b> {@link #writeSnapshot} writes the complete state, so that
 *       {@link #readSnapshot} gives a machine that behaves exactly like this one: GXID counter,
 *       latest completed GXID, transaction slots with every field and their begin order, the
 *       round-robin handle cursor, sequences, per-session reply caches and the change counters,
 *       plus the log index the state corresponds to. The bytes are deterministic and end with a
 *       CRC32C; a damaged snapshot is refused with an IOException.</li>
 * </ul>
 *
 * <h2>Invariants</h2>
 * (1) No GXID is handed out twice: the counter only moves forward and never hands out the GXID of
 * an open transaction; (2) every open GXID precedes the counter; (3) the latest completed GXID only
 * moves forward; (4) a prepared transaction ends only by COMMIT/ROLLBACK naming it; (5) the xmin a
 * transaction records at its begin never follows the xmin of a snapshot it gets later, so
 * recent_global_xmin never passes the xmin XC would set at its first snapshot. They are kept,
 * and written down next to the code, in {@link TransactionManager}; storage invariants in
 * {@link TransactionTable}, {@link SequenceTable} and {@link SessionTable}.
 */
public final class GtmStateMachine implements ReplicatedMachine {

    /** A machine read from a snapshot, with the log index the snapshot was taken at. */
    public record Restored(GtmStateMachine state, long appliedIndex) {
    }

    final CoreLimits limits;
    final TransactionManager transactions;
    final SequenceTable sequences = new SequenceTable();
    final SessionTable sessions = new SessionTable();

    /**
     * A fresh state, like an XC GTM started without -x or control file: next GXID 3, latest
     * completed 0xFFFFFFFF (so the first snapshots have xmax 3), no transactions, no sequences. A
     * start GXID is set by applying {@link Command.Restart}.
     */
    public GtmStateMachine(CoreLimits limits) {
        this.limits = limits;
        this.transactions = new TransactionManager(limits);
    }

    /**
     * A fresh state of a group in sub-cluster mode (docs/subclusters.md): it hands out GXIDs only from the
     * ranges the G-GTM grants ({@link Command.RangeGranted}), and serves the sub-cluster requests. The mode
     * and the name are part of the state (its snapshots carry them).
     */
    public static GtmStateMachine forSubcluster(CoreLimits limits, String subcluster) {
        GtmStateMachine m = new GtmStateMachine(limits);
        m.transactions.subcluster = new Subcluster(org.mgtm.protocol.subcluster.SubclusterNames.check(subcluster));
        return m;
    }

    /** Applies one command and returns its reply; never throws for bad input. */
    @Override
    public Response apply(Command command) {
        if (command instanceof Command.Client c) {
            return applyClient(c);
        }
        if (command instanceof Command.EndSession e) {
            transactions.endOwned(e.session(), TransactionManager.ALL_BACKENDS);
            sessions.drop(e.session());
            return Response.None.INSTANCE;
        }
        if (command instanceof Command.NewTerm) {
            return Response.None.INSTANCE;
        }
        if (command instanceof Command.RaiseNextGxid r) {
            transactions.raise(r.atLeast());
            return Response.None.INSTANCE;
        }
        if (command instanceof Command.RangeGranted g) {
            if (transactions.subcluster != null) {
                SubclusterTransactions.grant(transactions, g);
            }
            return Response.None.INSTANCE;
        }
        if (command instanceof Command.ClaimSubcluster c) {
            if (transactions.subcluster != null) {
                SubclusterTransactions.claim(transactions, c.claim());
            }
            return Response.None.INSTANCE;
        }
        if (command instanceof Command.Restart r) {
            // No client session survives a restart: their transactions (except prepared ones) and
            // their reply caches go.
            transactions.restart(r.nextGxidAtLeast());
            sessions.clear();
            return Response.None.INSTANCE;
        }
        throw new IllegalArgumentException("unknown command " + command);
    }

    private Response applyClient(Command.Client c) {
        return sessions.applyOnce(c, limits.maxRepliesPerSession(), this::execute);
    }

    /**
     * Whether the request only reads the state (see the class comment): such a request may be answered
     * by {@link #read(Request)}, without the log.
     */
    public static boolean isPureRead(Request request) {
        return switch (request.type()) {
            case SNAPSHOT_GET, SNAPSHOT_GET_MULTI, TXN_GET_STATUS, TXN_GET_ALL_PREPARED, SEQUENCE_GET_CURRENT,
                 SEQUENCE_GET_LAST -> true;
            default -> false;
        };
    }

    /**
     * Answers a request for which {@link #isPureRead} holds, from the state as it is; changes nothing
     * (no session, no deduplication entry, no transaction field). Any other request is a programming
     * error (IllegalArgumentException).
     */
    @Override
    public Response read(Request request) {
        switch (request.type()) {
            case SNAPSHOT_GET:
                return transactions.snapshot(((Request.SnapshotGet) request).txn());
            case SNAPSHOT_GET_MULTI:
                return transactions.snapshotMulti(((Request.SnapshotGetMulti) request).txns());
            case TXN_GET_STATUS:
                return transactions.status(((Request.TxnGetStatus) request).txn());
            case TXN_GET_ALL_PREPARED:
                return new Response.AllPrepared(transactions.preparedGxids());
            case SEQUENCE_GET_CURRENT:
                return sequences.getCurrent(((Request.SequenceGetCurrent) request).key());
            case SEQUENCE_GET_LAST:
                return sequences.getLast(((Request.SequenceGetLast) request).key());
            default:
                throw new IllegalArgumentException(request.type() + " is not a pure read");
        }
    }

    private Response execute(long session, int backendId, Request request) {
        if (request instanceof SubclusterRequest s) {
            return executeSubcluster(session, backendId, s);
        }
        if (isPureRead(request)) {
            return read(request);
        }
        switch (request.type()) {
            case TXN_BEGIN_GETGXID: {
                Request.TxnBeginGetGxid r = (Request.TxnBeginGetGxid) request;
                return transactions.beginGxid(session, backendId, r.isolation(), r.readOnly(), false);
            }
            case TXN_COMMIT:
                return transactions.end(((Request.TxnCommit) request).txn(), true);
            case TXN_ROLLBACK:
                return transactions.end(((Request.TxnRollback) request).txn(), false);
            case TXN_BEGIN_GETGXID_MULTI:
                return transactions.beginMulti(session, ((Request.TxnBeginGetGxidMulti) request).entries());
            case TXN_COMMIT_MULTI:
                return transactions.endMulti(((Request.TxnCommitMulti) request).txns(), true);
            case TXN_ROLLBACK_MULTI:
                return transactions.endMulti(((Request.TxnRollbackMulti) request).txns(), false);
            case TXN_BEGIN_GETGXID_AUTOVACUUM: {
                Request.TxnBeginGetGxidAutovacuum r = (Request.TxnBeginGetGxidAutovacuum) request;
                return transactions.beginGxid(session, backendId, r.isolation(), r.readOnly(), true);
            }
            case TXN_BEGIN: {
                Request.TxnBegin r = (Request.TxnBegin) request;
                return transactions.beginHandle(session, backendId, r.isolation(), r.readOnly());
            }
            case TXN_PREPARE: {
                Request.TxnPrepare r = (Request.TxnPrepare) request;
                return transactions.prepare(r.txn(), r.nodes());
            }
            case TXN_GET_GXID:
                return transactions.getGxid(((Request.TxnGetGxid) request).handle());
            case SNAPSHOT_GXID_GET:
                return transactions.snapshotGxid(((Request.SnapshotGxidGet) request).txn());
            case BACKEND_DISCONNECT:
                transactions.endOwned(session, backendId);
                return Response.None.INSTANCE;
            case UNREGISTER_COORD:
                return Response.None.INSTANCE;
            case SEQUENCE_INIT:
                return sequences.init((Request.SequenceInit) request);
            case SEQUENCE_ALTER:
                return sequences.alter((Request.SequenceAlter) request);
            case SEQUENCE_GET_NEXT:
                return sequences.getNext(((Request.SequenceGetNext) request).key());
            case SEQUENCE_SET_VAL:
                return sequences.setVal((Request.SequenceSetVal) request);
            case SEQUENCE_RESET:
                return sequences.reset(((Request.SequenceReset) request).key());
            case SEQUENCE_CLOSE:
                return sequences.close(((Request.SequenceClose) request).key());
            case SEQUENCE_RENAME:
                return sequences.rename((Request.SequenceRename) request);
            default:
                throw new IllegalArgumentException("no request record travels as " + request.type());
        }
    }

    private Response executeSubcluster(long session, int backendId, SubclusterRequest request) {
        if (transactions.subcluster == null) {
            return Response.Error.error("mgtm: this group is not in sub-cluster mode (no subcluster setting)");
        }
        if (request instanceof SubclusterRequest.Register r) {
            return SubclusterTransactions.register(transactions, session, backendId, r);
        }
        if (request instanceof SubclusterRequest.BeginAbove b) {
            return SubclusterTransactions.beginAbove(transactions, session, backendId, b);
        }
        if (request instanceof SubclusterRequest.PrepareCross p) {
            return SubclusterTransactions.prepareCross(transactions, p);
        }
        return Response.Error.error("mgtm: " + request.getClass().getSimpleName()
                + " is a G-GTM request; this is sub-cluster " + transactions.subcluster.name);
    }

    // ---- accessors ----

    public CoreLimits limits() {
        return limits;
    }

    /** The next GXID a begin would get. */
    public int nextGxid() {
        return transactions.nextGxid;
    }

    /** The latest completed GXID (XC's latestCompletedXid); snapshots have xmax one above it. */
    public int latestCompletedGxid() {
        return transactions.latestCompleted;
    }

    /** What sub-cluster mode holds, for the leader's range keeper, resolver and status; null in a plain group. */
    public SubclusterView subcluster() {
        Subcluster s = transactions.subcluster;
        if (s == null) {
            return null;
        }
        return new SubclusterView(s.name, s.claim, s.nextRequestId, s.leases.ranges(), s.leases.lastLeased(),
                s.leases.skipped(), s.demand, SubclusterTransactions.horizon(transactions),
                s.leases.remainingFrom(SubclusterTransactions.horizon(transactions)),
                SubclusterTransactions.oldestInUse(transactions), s.crossPrepared());
    }

    public int openTransactionCount() {
        return transactions.txns.count();
    }

    public int preparedCount() {
        return transactions.txns.preparedCount();
    }

    public int sequenceCount() {
        return sequences.count();
    }

    /** Incremented by every change to a sequence (create, alter, next value, ...). */
    public long sequenceChanges() {
        return sequences.changes();
    }

    /** Incremented by every change to the set of prepared transactions (prepare, and ending one). */
    public long preparedChanges() {
        return transactions.preparedChanges;
    }

    /** Sessions that have deduplication state. */
    public int sessionCount() {
        return sessions.count();
    }

    /**
     * Every session the state still knows, ascending: owners of transactions that are not prepared,
     * and sessions with cached replies. A replicated leader expires the ones that stay away.
     */
    public long[] knownSessions() {
        java.util.TreeSet<Long> all = transactions.owningSessions();
        all.addAll(sessions.ids());
        return all.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * Whether {@link #knownSessions()} holds this session; O(1) once a numbered request of it has
     * applied (it then has deduplication state). Changes nothing.
     */
    @Override
    public boolean knowsSession(long session) {
        return sessions.contains(session) || transactions.owningSessions().contains(session);
    }

    // ---- snapshots ----

    /** Writes the whole state (see the class comment) tagged with {@code appliedIndex}. */
    public void writeSnapshot(DataOutput out, long appliedIndex) throws IOException {
        out.write(StateSnapshotCodec.encode(this, appliedIndex));
    }

    /** Reads a state written by {@link #writeSnapshot}; a damaged or truncated one is an IOException. */
    public static Restored readSnapshot(DataInput in, CoreLimits limits) throws IOException {
        return StateSnapshotCodec.decode(in, limits);
    }

    /** SHA-256 of the snapshot bytes with applied index 0: equal on replicas in the same state. */
    public byte[] digest() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(StateSnapshotCodec.encode(this, 0));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * A stable multi-line rendering of the whole state, for tests and operators: the GXID counters,
     * then one line per open transaction (begin order), per sequence (key order) and per session.
     */
    public String describe() {
        return StateText.describe(this);
    }

    @Override
    public String toString() {
        return "GtmStateMachine[next=" + Gxids.toString(nextGxid()) + ", open=" + openTransactionCount() + "]";
    }
}
