package org.mgtm.core;

import java.util.ArrayList;
import java.util.List;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.ResultType;
import org.mgtm.protocol.Snapshot;
import org.mgtm.protocol.TxnRef;

/**
 * The GXID counters and every transaction operation of {@link GtmStateMachine}: begin (plain,
 * autovacuum, grouped, handle only), commit/rollback, prepare, GXID assignment, snapshots, status
 * queries and the ends of sessions, proxy backends and the service. Storage is in
 * {@link TransactionTable}; this class holds the rules (docs/protocol-notes.md, "GXID allocation" to "Two-phase commit", and the XC defects fixed).
 *
 * <p>Invariants kept here: (1) {@code nextGxid} is normal, moves only forward, and never names an
 * open transaction when handed out, so no GXID is handed out twice; (2) every open GXID precedes
 * {@code nextGxid}; (3) {@code latestCompleted} only moves forward, so every GXID below
 * {@code advance(latestCompleted)} that is not open has completed; (4) a prepared transaction ends
 * only by COMMIT/ROLLBACK naming it; (5) the xmin recorded for an open transaction never follows
 * the xmin of any snapshot it could be given, so recent_global_xmin never passes the xmin XC would
 * have recorded at its first snapshot (design invariant 8); see {@link #beginXmin()}.
 */
final class TransactionManager {
    /** Backend id that selects every backend of a session (BACKEND_DISCONNECT without a slot). */
    static final int ALL_BACKENDS = Command.NO_BACKEND;
    private static final Response.Error MAX_TXNS = Response.Error.error("Max transaction limit reached");
    private static final Response.Error NO_SNAPSHOT = Response.Error.error("Failed to get a snapshot");

    final TransactionTable txns;
    private final int maxPrepareNodes;
    /** The GXID the next begin gets. Always normal. */
    int nextGxid = Gxids.FIRST_NORMAL;
    /** XC's latestCompletedXid: snapshots have xmax = advance(latestCompleted). */
    int latestCompleted = Gxids.MAX;
    long preparedChanges;
    /**
     * Sub-cluster mode (null in a plain group): GXIDs come only from the ranges the G-GTM leased, and
     * {@code nextGxid} mirrors the cursor of those leases ({@link SubclusterTransactions}).
     */
    Subcluster subcluster;

    /** Starts like XC without -x or control file: next GXID 3, latest completed 0xFFFFFFFF. */
    TransactionManager(CoreLimits limits) {
        this.txns = new TransactionTable(limits.maxTransactions());
        this.maxPrepareNodes = limits.maxPrepareNodes();
    }

    /** TXN_BEGIN: a slot without a GXID. */
    Response beginHandle(long session, int backendId, int isolation, boolean readOnly) {
        if (txns.freeSlots() == 0) {
            return MAX_TXNS;
        }
        return new Response.BeginHandle(
                txns.begin(Gxids.INVALID, session, backendId, isolation, readOnly, false, beginXmin()));
    }

    /**
     * The xmin a beginning transaction records: the xmin of the snapshot the GTM would give at this
     * moment (XC records it at the transaction's first snapshot instead, which makes a snapshot a
     * write; here a snapshot changes nothing and can be answered without the log).
     *
     * <p>Invariant 5: every snapshot given to the transaction later has an xmin that follows or
     * equals this one. A later snapshot's xmin is the least of its xmax and the GXIDs it lists.
     * xmax only moves forward (invariant 3), so it stays at or above today's xmax, which is at or
     * above today's xmin. A GXID listed later belongs to a transaction that was open now (listed now,
     * so at or above today's xmin, or at or above today's xmax) or that got its GXID later (above
     * every GXID handed out so far, invariant 2; in sub-cluster mode, at or above the horizon
     * {@code advance(latestCompleted)} of that moment, which is at or above today's xmax, see
     * {@link SubclusterTransactions}). So the recorded xmin never follows the one XC would
     * record, and recent_global_xmin, the least recorded xmin of the open transactions (and the
     * snapshot's xmin), never follows XC's. The value is part of the replicated state (begins go
     * through the log), so every replica, and any later leader, holds it back the same way.
     */
    int beginXmin() {
        return txns.snapshot(Gxids.advance(latestCompleted)).xmin();
    }

    /**
     * Hands out {@code nextGxid} and advances it (skipping 0..2 at the wrap). Callers check
     * {@link #gxidsInUse} first. Invariant 2: the GXID handed out precedes the new counter.
     */
    private int allocateGxid() {
        if (subcluster != null) {
            int gxid = subcluster.leases.take();
            nextGxid = Gxids.advance(gxid);
            syncCursor();
            return gxid;
        }
        int gxid = nextGxid;
        nextGxid = Gxids.advance(gxid);
        return gxid;
    }

    /** Sub-cluster mode: {@code nextGxid} follows the leases' cursor while any GXID is leased. */
    void syncCursor() {
        if (subcluster != null && !subcluster.leases.isEmpty()) {
            nextGxid = subcluster.leases.cursor();
        }
    }

    /**
     * Invariant 1 (a GXID is never handed out twice): GXIDs repeat only after a full 2^32 cycle, or
     * sooner through Restart hops; the next {@code count} GXIDs must not belong to a transaction
     * that is still open (typically a forgotten prepared one). Null if they are free, else the
     * error to answer. There is no 2^31 wraparound horizon beyond this, as in XC.
     */
    private Response.Error gxidsInUse(int count) {
        // Sub-cluster mode: a gap-free run inside one leased range, at or above the horizon.
        if (subcluster != null) {
            if (!subcluster.leases.reserve(count, SubclusterTransactions.horizon(this))) {
                return SubclusterTransactions.exhausted(subcluster, count);
            }
            syncCursor();
        }
        for (int i = 0; i < count; i++) {
            int gxid = Gxids.groupMember(nextGxid, i);
            if (txns.slotOfGxid(gxid) != TransactionTable.NONE) {
                return Response.Error.error("Failed to get a new transaction id: gxid " + Gxids.toString(gxid)
                        + " is still in use by an open transaction");
            }
        }
        return null;
    }

    Response beginGxid(long session, int backendId, int isolation, boolean readOnly, boolean vacuum) {
        if (txns.freeSlots() == 0) {
            return MAX_TXNS;
        }
        Response.Error inUse = gxidsInUse(1);
        if (inUse != null) {
            return inUse;
        }
        // A lazy-vacuum transaction holds nothing back (spec 9.6): it records no xmin.
        int xmin = vacuum ? Gxids.INVALID : beginXmin();
        int gxid = allocateGxid();
        txns.begin(gxid, session, backendId, isolation, readOnly, vacuum, xmin);
        return new Response.BeginGxid(
                vacuum ? ResultType.TXN_BEGIN_GETGXID_AUTOVACUUM : ResultType.TXN_BEGIN_GETGXID, gxid);
    }

    /**
     * A grouped begin gets all its slots or none, and a gap-free run of GXIDs in entry order:
     * successive {@link #allocateGxid()} calls, which is exactly {@link Gxids#groupMember} of the
     * first (the proxy's computation). Each entry's conid becomes its backend id.
     */
    Response beginMulti(long session, List<Request.BeginEntry> entries) {
        if (entries.isEmpty()) {
            return Response.Error.error("Failed to start a new transaction: a grouped begin needs at least one entry");
        }
        if (entries.size() > txns.freeSlots()) {
            return MAX_TXNS;
        }
        Response.Error inUse = gxidsInUse(entries.size());
        if (inUse != null) {
            return inUse;
        }
        int first = nextGxid;
        int xmin = beginXmin();
        for (Request.BeginEntry e : entries) {
            txns.begin(allocateGxid(), session, e.conid(), e.isolation(), e.readOnly(), false, xmin);
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
    Response end(TxnRef ref, boolean commit) {
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

    Response endMulti(List<TxnRef> refs, boolean commit) {
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

    /** Removes an open transaction (commit and rollback alike) and moves latestCompleted (protocol notes, "Ending transactions"). */
    private void finish(int slot) {
        if (txns.isPrepared(slot)) {
            preparedChanges++;
        }
        int gxid = txns.gxid(slot);
        txns.end(slot);
        if (subcluster != null) {
            subcluster.cross.remove(gxid);
        }
        // Invariant 3: latestCompleted only moves forward; a transaction without a GXID moves nothing.
        if (Gxids.isNormal(gxid) && Gxids.followsOrEquals(gxid, latestCompleted)) {
            latestCompleted = gxid;
        }
    }

    /**
     * Ends the session's transactions of one backend slot ({@link #ALL_BACKENDS}: of every slot), as
     * rollbacks, in begin order. Invariant 4: prepared transactions are kept (XC bug 15 dropped
     * them); they wait for COMMIT/ROLLBACK by GXID from any session.
     */
    void endOwned(long session, int backendId) {
        for (int s = txns.head(), next; s != TransactionTable.NONE; s = next) {
            next = txns.next(s);
            if (txns.owner(s) == session && !txns.isPrepared(s)
                    && (backendId == ALL_BACKENDS || txns.backend(s) == backendId)) {
                finish(s);
            }
        }
    }

    /**
     * No session survives a restart: every transaction that is not prepared ends (invariant 4).
     * {@code atLeast} raises the GXID counter if it follows it, never lowers it (invariant 1); then,
     * as XC's start with -x did, latestCompleted becomes the GXID before it, only if that is later
     * (invariant 3).
     */
    void restart(int atLeast) {
        for (int s = txns.head(), next; s != TransactionTable.NONE; s = next) {
            next = txns.next(s);
            if (!txns.isPrepared(s)) {
                finish(s);
            }
        }
        raise(atLeast);
    }

    /** Moves the counter up to {@code atLeast} (invariant 1: never down), latestCompleted with it (invariant 3). */
    void raise(int atLeast) {
        if (Gxids.follows(atLeast, nextGxid)) {
            nextGxid = atLeast;
            int before = Gxids.retreat(atLeast);
            if (Gxids.follows(before, latestCompleted)) {
                latestCompleted = before;
            }
        }
        if (subcluster != null) {
            subcluster.leases.skipBefore(atLeast);
            syncCursor();
        }
    }

    /**
     * Gives every open transaction that is not lazy vacuum and has no xmin the xmin a begin would
     * record now (a state written before xmins were recorded at begin, see {@link StateSnapshotCodec});
     * returns how many it found.
     */
    int giveMissingXmins() {
        int found = 0;
        int xmin = beginXmin();
        for (int s = txns.head(); s != TransactionTable.NONE; s = txns.next(s)) {
            if (!txns.vacuum(s) && txns.xmin(s) == Gxids.INVALID) {
                txns.restoreXmin(s, xmin);
                found++;
            }
        }
        return found;
    }

    /** Sessions that own a transaction which is not prepared, ascending. */
    java.util.TreeSet<Long> owningSessions() {
        java.util.TreeSet<Long> owners = new java.util.TreeSet<>();
        for (int s = txns.head(); s != TransactionTable.NONE; s = txns.next(s)) {
            if (!txns.isPrepared(s)) {
                owners.add(txns.owner(s));
            }
        }
        return owners;
    }

    Response prepare(TxnRef ref, List<Integer> nodes) {
        if (nodes.size() > maxPrepareNodes) {
            return Response.Error.error("Failed to prepare the transaction: " + nodes.size()
                    + " nodes, at most " + maxPrepareNodes + " allowed");
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

    /**
     * TXN_GET_GXID and SNAPSHOT_GXID_GET: a transaction without a GXID gets one; one never changes.
     * Null, or the error if no GXID can be handed out.
     */
    private Response.Error ensureGxid(int slot) {
        if (txns.gxid(slot) == Gxids.INVALID) {
            Response.Error inUse = gxidsInUse(1);
            if (inUse != null) {
                return inUse;
            }
            txns.assignGxid(slot, allocateGxid());
        }
        return null;
    }

    Response getGxid(int handle) {
        int slot = txns.slotOfHandle(handle);
        if (slot == TransactionTable.NONE) {
            return Response.Error.error("Failed to get the transaction id: no transaction with handle " + handle);
        }
        Response.Error err = ensureGxid(slot);
        return err != null ? err : new Response.HandleGxid(handle, txns.gxid(slot));
    }

    /** The current snapshot. It changes nothing: the requester's xmin was fixed at its begin (invariant 5). */
    private Snapshot currentSnapshot() {
        return txns.snapshot(Gxids.advance(latestCompleted));
    }

    Response snapshot(TxnRef ref) {
        int slot = txns.resolve(ref);
        if (slot == TransactionTable.NONE) {
            return NO_SNAPSHOT;
        }
        return new Response.SnapshotResult(txns.gxid(slot), Response.STATUS_OK, currentSnapshot());
    }

    /** One snapshot shared by every entry found; unknown entries get status -1; none found: error. */
    Response snapshotMulti(List<TxnRef> refs) {
        boolean found = false;
        List<Integer> statuses = new ArrayList<>(refs.size());
        for (TxnRef ref : refs) {
            boolean known = txns.resolve(ref) != TransactionTable.NONE;
            found |= known;
            statuses.add(known ? Response.STATUS_OK : Response.STATUS_ERROR);
        }
        if (!found) {
            return NO_SNAPSHOT;
        }
        return new Response.SnapshotMultiResult(statuses, currentSnapshot());
    }

    Response snapshotGxid(TxnRef ref) {
        int slot = txns.resolve(ref);
        if (slot == TransactionTable.NONE) {
            return NO_SNAPSHOT;
        }
        Response.Error err = ensureGxid(slot);
        if (err != null) {
            return err;
        }
        return new Response.SnapshotGxidResult(slot, txns.gxid(slot), Response.STATUS_OK, currentSnapshot());
    }

    /** State code of an open transaction; for an unknown one -1 and the GXID asked (0 for a handle). */
    Response status(TxnRef ref) {
        int slot = txns.resolve(ref);
        if (slot == TransactionTable.NONE) {
            return new Response.TxnStatus(ref.isGxid() ? ref.id() : Gxids.INVALID, TxnState.UNKNOWN);
        }
        return new Response.TxnStatus(txns.gxid(slot), txns.state(slot));
    }

    List<Integer> preparedGxids() {
        List<Integer> gxids = new ArrayList<>(txns.preparedCount());
        for (int s = txns.head(); s != TransactionTable.NONE; s = txns.next(s)) {
            if (txns.isPrepared(s)) {
                gxids.add(txns.gxid(s));
            }
        }
        return gxids;
    }
}
