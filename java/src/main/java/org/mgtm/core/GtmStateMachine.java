package org.mgtm.core;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.ResultType;
import org.mgtm.protocol.Snapshot;
import org.mgtm.protocol.TxnRef;

/**
 * The GTM state machine: the whole replicated state of mgtm and the only code that changes it.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Commands.</b> A {@link Command} is one state-changing input: a client request
 *       ({@link Command.Client}, one XC protocol message with the session, proxy backend slot and
 *       request number it came with), the end of a client session ({@link Command.EndSession}), or
 *       a service restart ({@link Command.Restart}). {@link #apply(Command)} applies one command and
 *       returns its reply. Every command goes through the replicated log and is applied, in log
 *       order, on every replica, including requests that only read (a snapshot sets the
 *       requester's xmin).</li>
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
 * Kept by this class: (1) {@code nextGxid} is normal and only moves forward (advance or Restart
 * raising it), so no GXID is handed out twice within one 2^32 cycle; (2) every open GXID precedes
 * {@code nextGxid}; (3) {@code latestCompleted} only moves forward, and every GXID that precedes
 * {@code advance(latestCompleted)} and is not open has completed; (4) prepared transactions end only
 * through COMMIT/ROLLBACK. Table invariants are documented in {@link TransactionTable},
 * {@link SequenceTable} and {@link SessionTable}.
 */
public final class GtmStateMachine {

    /** A machine read from a snapshot, with the log index the snapshot was taken at. */
    public record Restored(GtmStateMachine state, long appliedIndex) {
    }

    /** Backend id that selects every backend of a session (BACKEND_DISCONNECT without a slot). */
    private static final int ALL_BACKENDS = Command.NO_BACKEND;
    private static final Response.Error MAX_TXNS = Response.Error.error("Max transaction limit reached");
    private static final Response.Error NO_SNAPSHOT = Response.Error.error("Failed to get a snapshot");

    final CoreLimits limits;
    final TransactionTable txns;
    final SequenceTable sequences = new SequenceTable();
    final SessionTable sessions = new SessionTable();
    /** The GXID the next begin gets. Always normal. */
    int nextGxid = Gxids.FIRST_NORMAL;
    /** XC's latestCompletedXid: snapshots have xmax = advance(latestCompleted). */
    int latestCompleted = Gxids.MAX;
    long preparedChanges;
    private final int[] oneRequester = new int[1];

    /**
     * A fresh state, like an XC GTM started without -x or control file: next GXID 3, latest
     * completed 0xFFFFFFFF (so the first snapshots have xmax 3), no transactions, no sequences. A
     * start GXID is set by applying {@link Command.Restart}.
     */
    public GtmStateMachine(CoreLimits limits) {
        this.limits = limits;
        this.txns = new TransactionTable(limits.maxTransactions());
    }

    /** Applies one command and returns its reply; never throws for bad input. */
    public Response apply(Command command) {
        if (command instanceof Command.Client c) {
            return applyClient(c);
        }
        if (command instanceof Command.EndSession e) {
            endOwned(e.session(), ALL_BACKENDS);
            sessions.drop(e.session());
            return Response.None.INSTANCE;
        }
        if (command instanceof Command.Restart r) {
            restart(r.nextGxidAtLeast());
            return Response.None.INSTANCE;
        }
        throw new IllegalArgumentException("unknown command " + command);
    }

    private Response applyClient(Command.Client c) {
        if (c.requestNo() <= 0) {
            if (c.ackedRequestNo() > 0) {
                SessionTable.Session s = sessions.get(c.session());
                if (s != null) {
                    s.acknowledge(c.ackedRequestNo());
                }
            }
            return execute(c.session(), c.backendId(), c.request());
        }
        SessionTable.Session s = sessions.getOrCreate(c.session());
        s.acknowledge(c.ackedRequestNo());
        Response cached = s.find(c.requestNo());
        if (cached != null) {
            return cached;
        }
        if (c.requestNo() <= s.floor) {
            return Response.Error.error("request " + c.requestNo() + " of session " + c.session()
                    + " is too old to replay");
        }
        Response reply = execute(c.session(), c.backendId(), c.request());
        s.remember(c.requestNo(), reply, limits.maxRepliesPerSession());
        return reply;
    }

    private Response execute(long session, int backendId, Request request) {
        switch (request.type()) {
            case TXN_BEGIN_GETGXID: {
                Request.TxnBeginGetGxid r = (Request.TxnBeginGetGxid) request;
                return beginGxid(session, backendId, r.isolation(), r.readOnly(), false);
            }
            case SNAPSHOT_GET:
                return snapshot(((Request.SnapshotGet) request).txn());
            case TXN_COMMIT:
                return end(((Request.TxnCommit) request).txn(), true);
            case TXN_ROLLBACK:
                return end(((Request.TxnRollback) request).txn(), false);
            case TXN_BEGIN_GETGXID_MULTI:
                return beginMulti(session, ((Request.TxnBeginGetGxidMulti) request).entries());
            case SNAPSHOT_GET_MULTI:
                return snapshotMulti(((Request.SnapshotGetMulti) request).txns());
            case TXN_COMMIT_MULTI:
                return endMulti(((Request.TxnCommitMulti) request).txns(), true);
            case TXN_ROLLBACK_MULTI:
                return endMulti(((Request.TxnRollbackMulti) request).txns(), false);
            case TXN_BEGIN_GETGXID_AUTOVACUUM: {
                Request.TxnBeginGetGxidAutovacuum r = (Request.TxnBeginGetGxidAutovacuum) request;
                return beginGxid(session, backendId, r.isolation(), r.readOnly(), true);
            }
            case TXN_BEGIN: {
                Request.TxnBegin r = (Request.TxnBegin) request;
                if (txns.freeSlots() == 0) {
                    return MAX_TXNS;
                }
                return new Response.BeginHandle(
                        txns.begin(Gxids.INVALID, session, backendId, r.isolation(), r.readOnly(), false));
            }
            case TXN_PREPARE: {
                Request.TxnPrepare r = (Request.TxnPrepare) request;
                return prepare(r.txn(), r.nodes());
            }
            case TXN_GET_GXID:
                return getGxid(((Request.TxnGetGxid) request).handle());
            case SNAPSHOT_GXID_GET:
                return snapshotGxid(((Request.SnapshotGxidGet) request).txn());
            case TXN_GET_STATUS:
                return status(((Request.TxnGetStatus) request).txn());
            case TXN_GET_ALL_PREPARED:
                return new Response.AllPrepared(preparedGxids());
            case BACKEND_DISCONNECT:
                endOwned(session, backendId);
                return Response.None.INSTANCE;
            case UNREGISTER_COORD:
                return Response.None.INSTANCE;
            case SEQUENCE_INIT:
                return sequences.init((Request.SequenceInit) request);
            case SEQUENCE_ALTER:
                return sequences.alter((Request.SequenceAlter) request);
            case SEQUENCE_GET_NEXT:
                return sequences.getNext(((Request.SequenceGetNext) request).key());
            case SEQUENCE_GET_CURRENT:
                return sequences.getCurrent(((Request.SequenceGetCurrent) request).key());
            case SEQUENCE_GET_LAST:
                return sequences.getLast(((Request.SequenceGetLast) request).key());
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

    // ---- GXIDs and transactions ----

    /** Hands out {@code nextGxid} and advances it (skipping 0..2 at the wrap). */
    private int allocateGxid() {
        int gxid = nextGxid;
        nextGxid = Gxids.advance(gxid);
        return gxid;
    }

    private Response beginGxid(long session, int backendId, int isolation, boolean readOnly, boolean vacuum) {
        if (txns.freeSlots() == 0) {
            return MAX_TXNS;
        }
        int gxid = allocateGxid();
        txns.begin(gxid, session, backendId, isolation, readOnly, vacuum);
        return new Response.BeginGxid(
                vacuum ? ResultType.TXN_BEGIN_GETGXID_AUTOVACUUM : ResultType.TXN_BEGIN_GETGXID, gxid);
    }

    /**
     * A grouped begin gets all its slots or none, and a gap-free run of GXIDs in entry order:
     * successive {@link #allocateGxid()} calls, which is exactly {@link Gxids#groupMember} of the
     * first (the proxy's computation). Each entry's conid becomes its backend id.
     */
    private Response beginMulti(long session, List<Request.BeginEntry> entries) {
        if (entries.isEmpty()) {
            return Response.Error.error("Failed to start a new transaction: a grouped begin needs at least one entry");
        }
        if (entries.size() > txns.freeSlots()) {
            return MAX_TXNS;
        }
        int first = nextGxid;
        for (Request.BeginEntry e : entries) {
            txns.begin(allocateGxid(), session, e.conid(), e.isolation(), e.readOnly(), false);
        }
        return new Response.BeginGxidMulti(entries.size(), first);
    }

    private static String describeRef(TxnRef ref) {
        return ref.isGxid() ? "gxid " + Gxids.toString(ref.id()) : "handle " + ref.id();
    }

    /**
     * Ends one transaction. An unknown GXID or handle is an error (XC answered success with status
     * -1, which backends took for a commit).
     */
    private Response end(TxnRef ref, boolean commit) {
        int slot = txns.resolve(ref);
        if (slot == TransactionTable.NONE) {
            return Response.Error.error((commit ? "Failed to commit the transaction" : "Failed to roll back the transaction")
                    + ": no transaction with " + describeRef(ref));
        }
        int gxid = txns.gxid(slot);
        finish(slot);
        return new Response.Ended(commit ? ResultType.TXN_COMMIT : ResultType.TXN_ROLLBACK, gxid, true,
                Response.STATUS_OK);
    }

    private Response endMulti(List<TxnRef> refs, boolean commit) {
        List<Integer> statuses = new ArrayList<>(refs.size());
        for (TxnRef ref : refs) {
            int slot = txns.resolve(ref);
            if (slot == TransactionTable.NONE) {
                statuses.add(Response.STATUS_ERROR);
            } else {
                finish(slot);
                statuses.add(Response.STATUS_OK);
            }
        }
        return new Response.EndedMulti(commit ? ResultType.TXN_COMMIT_MULTI : ResultType.TXN_ROLLBACK_MULTI, statuses);
    }

    /** Removes an open transaction (commit and rollback alike) and moves latestCompleted (spec 9.4). */
    private void finish(int slot) {
        if (txns.isPrepared(slot)) {
            preparedChanges++;
        }
        int gxid = txns.gxid(slot);
        txns.end(slot);
        // Invariant 3: latestCompleted only moves forward; a transaction without a GXID moves nothing.
        if (Gxids.isNormal(gxid) && Gxids.followsOrEquals(gxid, latestCompleted)) {
            latestCompleted = gxid;
        }
    }

    /**
     * Ends the session's transactions of one backend slot ({@link #ALL_BACKENDS}: of every slot), as
     * rollbacks, in begin order. Prepared transactions are kept: they wait for COMMIT/ROLLBACK.
     */
    private void endOwned(long session, int backendId) {
        for (int s = txns.head(), next; s != TransactionTable.NONE; s = next) {
            next = txns.next(s);
            if (txns.owner(s) == session && !txns.isPrepared(s)
                    && (backendId == ALL_BACKENDS || txns.backend(s) == backendId)) {
                finish(s);
            }
        }
    }

    /**
     * No session survives a restart: every transaction that is not prepared ends, every reply cache
     * goes. {@code atLeast} raises the GXID counter if it follows it (never lowers it); then, as
     * XC's start with -x did, latestCompleted becomes the GXID before it, if that is later.
     */
    private void restart(int atLeast) {
        for (int s = txns.head(), next; s != TransactionTable.NONE; s = next) {
            next = txns.next(s);
            if (!txns.isPrepared(s)) {
                finish(s);
            }
        }
        sessions.clear();
        if (Gxids.follows(atLeast, nextGxid)) {
            nextGxid = atLeast;
            int before = Gxids.retreat(atLeast);
            if (Gxids.follows(before, latestCompleted)) {
                latestCompleted = before;
            }
        }
    }

    private Response prepare(TxnRef ref, List<Integer> nodes) {
        if (nodes.size() > limits.maxPrepareNodes()) {
            return Response.Error.error("Failed to prepare the transaction: " + nodes.size()
                    + " nodes, at most " + limits.maxPrepareNodes() + " allowed");
        }
        int slot = txns.resolve(ref);
        if (slot == TransactionTable.NONE) {
            return Response.Error.error("Failed to prepare the transaction: no transaction with " + describeRef(ref));
        }
        int gxid = txns.gxid(slot);
        if (gxid == Gxids.INVALID) {
            // Prepared transactions are resolved by GXID; one without a GXID could never be.
            return Response.Error.error("Failed to prepare the transaction: transaction with handle "
                    + slot + " has no gxid");
        }
        int[] nodeIds = new int[nodes.size()];
        for (int i = 0; i < nodeIds.length; i++) {
            nodeIds[i] = nodes.get(i);
        }
        txns.prepare(slot, nodeIds);
        preparedChanges++;
        return new Response.Prepared(gxid);
    }

    /** TXN_GET_GXID and SNAPSHOT_GXID_GET: a transaction without a GXID gets one; one never changes. */
    private int ensureGxid(int slot) {
        int gxid = txns.gxid(slot);
        if (gxid == Gxids.INVALID) {
            gxid = allocateGxid();
            txns.assignGxid(slot, gxid);
        }
        return gxid;
    }

    private Response getGxid(int handle) {
        int slot = txns.slotOfHandle(handle);
        if (slot == TransactionTable.NONE) {
            return Response.Error.error("Failed to get the transaction id: no transaction with handle " + handle);
        }
        return new Response.HandleGxid(handle, ensureGxid(slot));
    }

    private Snapshot computeSnapshot(int[] requesters, int n) {
        return txns.snapshot(Gxids.advance(latestCompleted), requesters, n);
    }

    private Response snapshot(TxnRef ref) {
        int slot = txns.resolve(ref);
        if (slot == TransactionTable.NONE) {
            return NO_SNAPSHOT;
        }
        oneRequester[0] = slot;
        return new Response.SnapshotResult(txns.gxid(slot), Response.STATUS_OK, computeSnapshot(oneRequester, 1));
    }

    /** One snapshot shared by every entry found; unknown entries get status -1; none found: error. */
    private Response snapshotMulti(List<TxnRef> refs) {
        int[] found = new int[refs.size()];
        int n = 0;
        List<Integer> statuses = new ArrayList<>(refs.size());
        for (TxnRef ref : refs) {
            int slot = txns.resolve(ref);
            if (slot == TransactionTable.NONE) {
                statuses.add(Response.STATUS_ERROR);
            } else {
                found[n++] = slot;
                statuses.add(Response.STATUS_OK);
            }
        }
        if (n == 0) {
            return NO_SNAPSHOT;
        }
        return new Response.SnapshotMultiResult(statuses, computeSnapshot(found, n));
    }

    private Response snapshotGxid(TxnRef ref) {
        int slot = txns.resolve(ref);
        if (slot == TransactionTable.NONE) {
            return NO_SNAPSHOT;
        }
        int gxid = ensureGxid(slot);
        oneRequester[0] = slot;
        return new Response.SnapshotGxidResult(slot, gxid, Response.STATUS_OK, computeSnapshot(oneRequester, 1));
    }

    /** State code of an open transaction; for an unknown one -1 and the GXID asked (0 for a handle). */
    private Response status(TxnRef ref) {
        int slot = txns.resolve(ref);
        if (slot == TransactionTable.NONE) {
            return new Response.TxnStatus(ref.isGxid() ? ref.id() : Gxids.INVALID, TxnState.UNKNOWN);
        }
        return new Response.TxnStatus(txns.gxid(slot), txns.state(slot));
    }

    private List<Integer> preparedGxids() {
        List<Integer> gxids = new ArrayList<>(txns.preparedCount());
        for (int s = txns.head(); s != TransactionTable.NONE; s = txns.next(s)) {
            if (txns.isPrepared(s)) {
                gxids.add(txns.gxid(s));
            }
        }
        return gxids;
    }

    // ---- accessors ----

    public CoreLimits limits() {
        return limits;
    }

    /** The next GXID a begin would get. */
    public int nextGxid() {
        return nextGxid;
    }

    /** The latest completed GXID (XC's latestCompletedXid); snapshots have xmax one above it. */
    public int latestCompletedGxid() {
        return latestCompleted;
    }

    public int openTransactionCount() {
        return txns.count();
    }

    public int preparedCount() {
        return txns.preparedCount();
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
        return preparedChanges;
    }

    /** Sessions that have deduplication state. */
    public int sessionCount() {
        return sessions.count();
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
        return "GtmStateMachine[next=" + Gxids.toString(nextGxid) + ", open=" + txns.count() + "]";
    }
}
