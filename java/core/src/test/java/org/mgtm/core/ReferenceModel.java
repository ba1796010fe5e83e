package org.mgtm.core;

import java.util.ArrayList;
import java.util.List;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.ResultType;
import org.mgtm.protocol.Snapshot;
import org.mgtm.protocol.TxnRef;

/**
 * A deliberately naive model of GXID allocation, the transaction set and snapshots: one list of
 * transaction objects in begin order, linear scans for everything, GXIDs held in longs with their
 * own wraparound arithmetic, and the grouped begin computed with the proxy's formula. It shares no
 * code with the state machine; the randomized test compares their replies. Sequences and
 * deduplication are not modelled (requests carry request number 0).
 */
final class ReferenceModel {
    static final class Txn {
        int handle;
        long gxid;
        long owner;
        int backend;
        boolean vacuum;
        /** What the transaction holds recent_global_xmin at: the snapshot xmin at its begin (0 for vacuum). */
        long xmin;
        /** What XC would have recorded: the xmin of its first snapshot (0 before it took one). */
        long firstSnapshotXmin;
        boolean prepared;
        int isolation;
        boolean readOnly;
    }

    final int maxTxns;
    final int maxNodes;
    long next = 3;
    long latest = 0xFFFF_FFFFL;
    int lastHandle = -1;
    long preparedChanges;
    final List<Txn> txns = new ArrayList<>();

    ReferenceModel(CoreLimits limits) {
        maxTxns = limits.maxTransactions();
        maxNodes = limits.maxPrepareNodes();
    }

    // ---- GXID arithmetic on unsigned values in longs ----

    static long advance(long g) {
        long n = (g + 1) & 0xFFFF_FFFFL;
        return n < 3 ? 3 : n;
    }

    static long retreat(long g) {
        long p = (g - 1) & 0xFFFF_FFFFL;
        return p < 3 ? 0xFFFF_FFFFL : p;
    }

    /** a precedes b: for normal ids, (a - b) mod 2^32 lies in the upper half. */
    static boolean precedes(long a, long b) {
        if (a < 3 || b < 3) {
            return a < b;
        }
        return ((a - b) & 0xFFFF_FFFFL) >= 0x8000_0000L;
    }

    static boolean precedesOrEquals(long a, long b) {
        return a == b || precedes(a, b);
    }

    static boolean follows(long a, long b) {
        return precedes(b, a);
    }

    static boolean followsOrEquals(long a, long b) {
        return precedesOrEquals(b, a);
    }

    // ---- commands ----

    Response apply(Command c) {
        if (c instanceof Command.EndSession e) {
            for (Txn t : new ArrayList<>(txns)) {
                if (t.owner == e.session() && !t.prepared) {
                    finish(t);
                }
            }
            return Response.None.INSTANCE;
        }
        if (c instanceof Command.Restart r) {
            for (Txn t : new ArrayList<>(txns)) {
                if (!t.prepared) {
                    finish(t);
                }
            }
            long n = r.nextGxidAtLeast() & 0xFFFF_FFFFL;
            if (follows(n, next)) {
                next = n;
                if (follows(retreat(n), latest)) {
                    latest = retreat(n);
                }
            }
            return Response.None.INSTANCE;
        }
        Command.Client cl = (Command.Client) c;
        return request(cl.session(), cl.backendId(), cl.request());
    }

    private Response request(long session, int backend, Request req) {
        if (req instanceof Request.TxnBeginGetGxid r) {
            return begin(session, backend, r.isolation(), r.readOnly(), false, true);
        } else if (req instanceof Request.TxnBeginGetGxidAutovacuum r) {
            return begin(session, backend, r.isolation(), r.readOnly(), true, true);
        } else if (req instanceof Request.TxnBegin r) {
            return begin(session, backend, r.isolation(), r.readOnly(), false, false);
        } else if (req instanceof Request.TxnBeginGetGxidMulti r) {
            List<Request.BeginEntry> entries = r.entries();
            if (entries.isEmpty()) {
                return Response.Error.error("Failed to start a new transaction: a grouped begin needs at least one entry");
            }
            if (txns.size() + entries.size() > maxTxns) {
                return Response.Error.error("Max transaction limit reached");
            }
            long g0 = next;
            for (int i = 0; i < entries.size(); i++) {
                if (inUse(g0)) {
                    return inUseError(g0);
                }
                g0 = advance(g0);
            }
            long first = next;
            long last = first;
            long xmin = snapshot(List.of()).xmin() & 0xFFFF_FFFFL;
            for (int i = 0; i < entries.size(); i++) {
                // gtm_proxy: first + i, plus 3 if that wrapped below first.
                long g = (first + i) & 0xFFFF_FFFFL;
                if (g < first) {
                    g += 3;
                }
                Request.BeginEntry e = entries.get(i);
                open(g, session, e.conid(), e.isolation(), e.readOnly(), false).xmin = xmin;
                last = g;
            }
            next = advance(last);
            return new Response.BeginGxidMulti(entries.size(), (int) first);
        } else if (req instanceof Request.TxnCommit r) {
            return end(r.txn(), true);
        } else if (req instanceof Request.TxnRollback r) {
            return end(r.txn(), false);
        } else if (req instanceof Request.TxnCommitMulti r) {
            return endMulti(r.txns(), true);
        } else if (req instanceof Request.TxnRollbackMulti r) {
            return endMulti(r.txns(), false);
        } else if (req instanceof Request.SnapshotGet r) {
            Txn t = find(r.txn());
            if (t == null) {
                return Response.Error.error("Failed to get a snapshot");
            }
            return new Response.SnapshotResult((int) t.gxid, 0, snapshot(List.of(t)));
        } else if (req instanceof Request.SnapshotGetMulti r) {
            List<Integer> statuses = new ArrayList<>();
            List<Txn> found = new ArrayList<>();
            for (TxnRef ref : r.txns()) {
                Txn t = find(ref);
                statuses.add(t == null ? -1 : 0);
                if (t != null) {
                    found.add(t);
                }
            }
            if (found.isEmpty()) {
                return Response.Error.error("Failed to get a snapshot");
            }
            return new Response.SnapshotMultiResult(statuses, snapshot(found));
        } else if (req instanceof Request.SnapshotGxidGet r) {
            Txn t = find(r.txn());
            if (t == null) {
                return Response.Error.error("Failed to get a snapshot");
            }
            if (!ensureGxid(t)) {
                return inUseError(next);
            }
            return new Response.SnapshotGxidResult(t.handle, (int) t.gxid, 0, snapshot(List.of(t)));
        } else if (req instanceof Request.TxnGetGxid r) {
            Txn t = find(TxnRef.handle(r.handle()));
            if (t == null) {
                return Response.Error.error("Failed to get the transaction id: no transaction with handle " + r.handle());
            }
            if (!ensureGxid(t)) {
                return inUseError(next);
            }
            return new Response.HandleGxid(r.handle(), (int) t.gxid);
        } else if (req instanceof Request.TxnPrepare r) {
            if (r.nodes().size() > maxNodes) {
                return Response.Error.error("Failed to prepare the transaction: " + r.nodes().size()
                        + " nodes, at most " + maxNodes + " allowed");
            }
            Txn t = find(r.txn());
            if (t == null) {
                return Response.Error.error("Failed to prepare the transaction: no transaction with " + name(r.txn()));
            }
            if (t.gxid == 0) {
                return Response.Error.error("Failed to prepare the transaction: transaction with handle "
                        + t.handle + " has no gxid");
            }
            t.prepared = true;
            preparedChanges++;
            return new Response.Prepared((int) t.gxid);
        } else if (req instanceof Request.TxnGetStatus r) {
            Txn t = find(r.txn());
            if (t == null) {
                return new Response.TxnStatus(r.txn().isGxid() ? r.txn().id() : 0, -1);
            }
            return new Response.TxnStatus((int) t.gxid, t.prepared ? 3 : 0);
        } else if (req instanceof Request.TxnGetAllPrepared) {
            List<Integer> out = new ArrayList<>();
            for (Txn t : txns) {
                if (t.prepared) {
                    out.add((int) t.gxid);
                }
            }
            return new Response.AllPrepared(out);
        } else if (req instanceof Request.BackendDisconnect) {
            for (Txn t : new ArrayList<>(txns)) {
                if (t.owner == session && !t.prepared && (backend == -1 || t.backend == backend)) {
                    finish(t);
                }
            }
            return Response.None.INSTANCE;
        }
        throw new IllegalArgumentException("not modelled: " + req);
    }

    private static String name(TxnRef ref) {
        return ref.isGxid() ? "gxid " + Integer.toUnsignedString(ref.id()) : "handle " + ref.id();
    }

    private Response begin(long session, int backend, int iso, boolean ro, boolean vacuum, boolean withGxid) {
        if (txns.size() == maxTxns) {
            return Response.Error.error("Max transaction limit reached");
        }
        if (withGxid && inUse(next)) {
            return inUseError(next);
        }
        long xmin = vacuum ? 0 : snapshot(List.of()).xmin() & 0xFFFF_FFFFL;
        long g = 0;
        if (withGxid) {
            g = next;
            next = advance(next);
        }
        Txn t = open(g, session, backend, iso, ro, vacuum);
        t.xmin = xmin;
        if (!withGxid) {
            return new Response.BeginHandle(t.handle);
        }
        return new Response.BeginGxid(vacuum ? ResultType.TXN_BEGIN_GETGXID_AUTOVACUUM : ResultType.TXN_BEGIN_GETGXID,
                (int) g);
    }

    private Txn open(long gxid, long owner, int backend, int iso, boolean ro, boolean vacuum) {
        int h = lastHandle;
        do {
            h = (h + 1) % maxTxns;
        } while (handleUsed(h));
        lastHandle = h;
        Txn t = new Txn();
        t.handle = h;
        t.gxid = gxid;
        t.owner = owner;
        t.backend = backend;
        t.isolation = iso;
        t.readOnly = ro;
        t.vacuum = vacuum;
        txns.add(t);
        return t;
    }

    private boolean handleUsed(int h) {
        for (Txn t : txns) {
            if (t.handle == h) {
                return true;
            }
        }
        return false;
    }

    /** False if the transaction needs a GXID and the next one is still open. */
    private boolean ensureGxid(Txn t) {
        if (t.gxid == 0) {
            if (inUse(next)) {
                return false;
            }
            t.gxid = next;
            next = advance(next);
        }
        return true;
    }

    private boolean inUse(long gxid) {
        for (Txn t : txns) {
            if (t.gxid == gxid) {
                return true;
            }
        }
        return false;
    }

    private static Response inUseError(long gxid) {
        return Response.Error.error("Failed to get a new transaction id: gxid " + gxid
                + " is still in use by an open transaction");
    }

    Txn find(TxnRef ref) {
        long id = ref.id() & 0xFFFF_FFFFL;
        for (Txn t : txns) {
            if (ref.isGxid() ? (t.gxid != 0 && t.gxid == id) : t.handle == ref.id()) {
                return t;
            }
        }
        return null;
    }

    private Response end(TxnRef ref, boolean commit) {
        Txn t = find(ref);
        if (t == null) {
            return Response.Error.error((commit ? "Failed to commit the transaction" : "Failed to roll back the transaction")
                    + ": no transaction with " + name(ref));
        }
        finish(t);
        return new Response.Ended(commit ? ResultType.TXN_COMMIT : ResultType.TXN_ROLLBACK, (int) t.gxid, true, 0);
    }

    private Response endMulti(List<TxnRef> refs, boolean commit) {
        List<Integer> statuses = new ArrayList<>();
        for (TxnRef ref : refs) {
            Txn t = find(ref);
            if (t == null) {
                statuses.add(-1);
            } else {
                finish(t);
                statuses.add(0);
            }
        }
        return new Response.EndedMulti(commit ? ResultType.TXN_COMMIT_MULTI : ResultType.TXN_ROLLBACK_MULTI, statuses);
    }

    private void finish(Txn t) {
        txns.remove(t);
        if (t.prepared) {
            preparedChanges++;
        }
        if (t.gxid >= 3 && followsOrEquals(t.gxid, latest)) {
            latest = t.gxid;
        }
    }

    /** Spec 9.5, line by line. */
    private Snapshot snapshot(List<Txn> requesters) {
        long xmax = advance(latest);
        long xmin = xmax;
        long globalXmin = xmax;
        List<Long> xip = new ArrayList<>();
        for (Txn t : txns) {
            if (t.vacuum) {
                continue;
            }
            if (t.xmin >= 3 && precedes(t.xmin, globalXmin)) {
                globalXmin = t.xmin;
            }
            if (t.gxid >= 3) {
                if (followsOrEquals(t.gxid, xmax)) {
                    continue;
                }
                if (precedes(t.gxid, xmin)) {
                    xmin = t.gxid;
                }
                xip.add(t.gxid);
            }
        }
        if (precedes(xmin, globalXmin)) {
            globalXmin = xmin;
        }
        // Only XC's bookkeeping: the requester's first snapshot would set its xmin there.
        for (Txn r : requesters) {
            if (r.firstSnapshotXmin == 0) {
                r.firstSnapshotXmin = xmin;
            }
        }
        int[] arr = new int[xip.size()];
        for (int i = 0; i < arr.length; i++) {
            arr[i] = (int) (long) xip.get(i);
        }
        return new Snapshot((int) xmin, (int) xmax, (int) globalXmin, arr);
    }

    /**
     * recent_global_xmin as XC computes it (spec 9.5, xmins set by first snapshots), for the current
     * state: what invariant 8 says the answered one must not pass.
     */
    long xcRecentGlobalXmin() {
        long xmax = advance(latest);
        long xmin = xmax;
        long globalXmin = xmax;
        for (Txn t : txns) {
            if (t.vacuum) {
                continue;
            }
            if (t.firstSnapshotXmin >= 3 && precedes(t.firstSnapshotXmin, globalXmin)) {
                globalXmin = t.firstSnapshotXmin;
            }
            if (t.gxid >= 3 && precedes(t.gxid, xmax) && precedes(t.gxid, xmin)) {
                xmin = t.gxid;
            }
        }
        return precedes(xmin, globalXmin) ? xmin : globalXmin;
    }

    /**
     * Every GXID and xmin of an open transaction lies within 2^31 below the counter, so their
     * modulo-2^31 order is their order of appearance.
     */
    boolean withinWraparoundHorizon() {
        for (Txn t : txns) {
            for (long v : new long[] {t.gxid, t.xmin, t.firstSnapshotXmin}) {
                if (v >= 3 && !precedesOrEquals(v, next)) {
                    return false;
                }
            }
        }
        return true;
    }

    int preparedCount() {
        int n = 0;
        for (Txn t : txns) {
            n += t.prepared ? 1 : 0;
        }
        return n;
    }

    /** The model's transactions in the format of the "txn" lines of GtmStateMachine.describe(). */
    List<String> txnLines() {
        List<String> out = new ArrayList<>();
        for (Txn t : txns) {
            out.add("txn handle=" + t.handle + " gxid=" + t.gxid + " state=" + (t.prepared ? "prepared" : "running")
                    + " owner=" + t.owner + " backend=" + t.backend + " vacuum=" + t.vacuum + " xmin=" + t.xmin
                    + " iso=" + t.isolation + " ro=" + t.readOnly);
        }
        return out;
    }
}
