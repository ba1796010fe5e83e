package org.mgtm.core;

import java.util.Arrays;
import org.mgtm.protocol.Snapshot;
import org.mgtm.protocol.TxnRef;

/**
 * The open transactions: a fixed number of slots (a slot index is the transaction handle), a list
 * of the open ones in begin order, and a GXID index. Storage is one primitive array per field, so
 * beginning, looking up and ending a transaction allocate nothing and cost O(1); the snapshot scan
 * is one pass over the begin-order list.
 *
 * <p>Invariants kept here:
 * <ul>
 *   <li>A slot is in the begin-order list iff its bit in {@code freeBits} is clear; {@code count}
 *       is the list's length.</li>
 *   <li>Every open transaction with a GXID (never 0) is in {@code byGxid} under that GXID, and no
 *       other key is; two open transactions never share a GXID.</li>
 *   <li>A free slot holds zeros (GXID Invalid, xmin Invalid, no nodes).</li>
 *   <li>An open transaction that is not lazy vacuum has a normal xmin (recorded at its begin, see
 *       {@link TransactionManager}); a lazy-vacuum one has xmin Invalid: it holds nothing back.</li>
 * </ul>
 */
final class TransactionTable {
    static final int NONE = -1;

    private final int capacity;
    // Per-slot fields. A slot's values are meaningful only while it is in use.
    private final int[] gxid;
    private final int[] xmin;
    private final int[] isolation;
    private final int[] backend;
    private final long[] owner;
    private final boolean[] readOnly;
    private final boolean[] vacuum;
    private final byte[] state;
    private final int[][] nodes;
    // Begin-order doubly linked list through the slots.
    private final int[] prev;
    private final int[] next;
    private int head = NONE;
    private int tail = NONE;
    private int count;
    /** How many listed transactions are prepared. */
    private int preparedCount;
    /** Bit i set = slot i free; bits past capacity stay clear. */
    private final long[] freeBits;
    /** The handle handed out last; the next begin takes the first free slot after it (round-robin). */
    private int lastHandle = NONE;
    private final IntIntMap byGxid;
    /** xip is collected here, then copied once into the snapshot's array of the right size. */
    private final int[] xipScratch;
    /** The last snapshot computed; null when it may be stale (see {@link #snapshot}). */
    private Snapshot lastSnapshot;

    TransactionTable(int capacity) {
        this.capacity = capacity;
        gxid = new int[capacity];
        xmin = new int[capacity];
        isolation = new int[capacity];
        backend = new int[capacity];
        owner = new long[capacity];
        readOnly = new boolean[capacity];
        vacuum = new boolean[capacity];
        state = new byte[capacity];
        nodes = new int[capacity][];
        prev = new int[capacity];
        next = new int[capacity];
        freeBits = new long[(capacity + 63) >>> 6];
        for (int i = 0; i < capacity; i++) {
            freeBits[i >>> 6] |= 1L << i;
        }
        byGxid = new IntIntMap(capacity);
        xipScratch = new int[capacity];
    }

    int count() {
        return count;
    }

    int preparedCount() {
        return preparedCount;
    }

    int freeSlots() {
        return capacity - count;
    }

    int lastHandle() {
        return lastHandle;
    }

    /**
     * Opens a transaction in the first free slot after the last handed-out one and returns the slot
     * (its handle). The caller has checked {@link #freeSlots()}; {@code gxid} may be Invalid;
     * {@code xmin} is what the transaction holds recent_global_xmin at (Invalid: nothing).
     */
    int begin(int gxid, long owner, int backend, int isolation, boolean readOnly, boolean vacuum, int xmin) {
        int from = lastHandle + 1 == capacity ? 0 : lastHandle + 1;
        int slot = firstFree(from, capacity);
        if (slot == NONE) {
            slot = firstFree(0, from);
        }
        if (slot == NONE) {
            throw new IllegalStateException("no free transaction slot");
        }
        lastHandle = slot;
        open(slot, gxid, TxnState.RUNNING, owner, backend, isolation, readOnly, vacuum, xmin, null);
        return slot;
    }

    /** First free slot in [from, to), or NONE; scans 64 slots per word. */
    private int firstFree(int from, int to) {
        if (from >= to) {
            return NONE;
        }
        int w = from >>> 6;
        long word = freeBits[w] & (-1L << from);
        int lastWord = (to - 1) >>> 6;
        while (true) {
            if (word != 0) {
                int slot = (w << 6) + Long.numberOfTrailingZeros(word);
                return slot < to ? slot : NONE;
            }
            if (++w > lastWord) {
                return NONE;
            }
            word = freeBits[w];
        }
    }

    private void open(int slot, int gxid, int state, long owner, int backend, int isolation, boolean readOnly,
                      boolean vacuum, int xmin, int[] nodes) {
        freeBits[slot >>> 6] &= ~(1L << slot);
        this.gxid[slot] = gxid;
        this.state[slot] = (byte) state;
        this.owner[slot] = owner;
        this.backend[slot] = backend;
        this.isolation[slot] = isolation;
        this.readOnly[slot] = readOnly;
        this.vacuum[slot] = vacuum;
        this.xmin[slot] = xmin;
        this.nodes[slot] = nodes;
        if (gxid != Gxids.INVALID) {
            byGxid.put(gxid, slot);
            gxidAppears(gxid);
        }
        prev[slot] = tail;
        next[slot] = NONE;
        if (tail == NONE) {
            head = slot;
        } else {
            next[tail] = slot;
        }
        tail = slot;
        count++;
        if (state == TxnState.PREPARED) {
            preparedCount++;
        }
    }

    /** Gives a GXID to an open transaction that has none. */
    void assignGxid(int slot, int newGxid) {
        if (gxid[slot] != Gxids.INVALID) {
            throw new IllegalStateException("transaction " + slot + " already has a GXID");
        }
        gxid[slot] = newGxid;
        byGxid.put(newGxid, slot);
        gxidAppears(newGxid);
    }

    /** Marks the transaction prepared (again, if it was: the node list is replaced). */
    void prepare(int slot, int[] nodeIds) {
        if (state[slot] != TxnState.PREPARED) {
            preparedCount++;
        }
        state[slot] = TxnState.PREPARED;
        nodes[slot] = nodeIds;
    }

    /** Closes the transaction in {@code slot} and frees the slot. */
    void end(int slot) {
        lastSnapshot = null;
        if (gxid[slot] != Gxids.INVALID) {
            byGxid.remove(gxid[slot]);
        }
        int p = prev[slot];
        int n = next[slot];
        if (p == NONE) {
            head = n;
        } else {
            next[p] = n;
        }
        if (n == NONE) {
            tail = p;
        } else {
            prev[n] = p;
        }
        count--;
        if (state[slot] == TxnState.PREPARED) {
            preparedCount--;
        }
        gxid[slot] = Gxids.INVALID;
        xmin[slot] = Gxids.INVALID;
        state[slot] = 0;
        nodes[slot] = null;
        freeBits[slot >>> 6] |= 1L << slot;
    }

    /** The slot of the open transaction with this GXID, or NONE. */
    int slotOfGxid(int id) {
        return id == Gxids.INVALID ? NONE : byGxid.get(id);
    }

    /** The slot of the open transaction with this handle, or NONE. */
    int slotOfHandle(int handle) {
        if (handle < 0 || handle >= capacity || (freeBits[handle >>> 6] & (1L << handle)) != 0) {
            return NONE;
        }
        return handle;
    }

    int resolve(TxnRef ref) {
        return ref.isGxid() ? slotOfGxid(ref.id()) : slotOfHandle(ref.id());
    }

    // Iteration in begin order: for (int s = head(); s != NONE; s = next(s)). Ending slot s is safe
    // once next(s) has been read.
    int head() {
        return head;
    }

    int next(int slot) {
        return next[slot];
    }

    int gxid(int slot) {
        return gxid[slot];
    }

    int state(int slot) {
        return state[slot];
    }

    boolean isPrepared(int slot) {
        return state[slot] == TxnState.PREPARED;
    }

    long owner(int slot) {
        return owner[slot];
    }

    int backend(int slot) {
        return backend[slot];
    }

    int isolation(int slot) {
        return isolation[slot];
    }

    boolean readOnly(int slot) {
        return readOnly[slot];
    }

    boolean vacuum(int slot) {
        return vacuum[slot];
    }

    int xmin(int slot) {
        return xmin[slot];
    }

    /** The PREPARE node list (not a copy), or null before PREPARE. */
    int[] nodes(int slot) {
        return nodes[slot];
    }

    /**
     * A snapshot exactly as XC computes it (protocol notes, "Snapshots"). It changes nothing: a transaction's xmin is fixed
     * at its begin ({@link TransactionManager}), not by its first snapshot as in XC.
     *
     * <p>The last snapshot computed is reused while it is still what the scan would give. It stays
     * valid until a transaction ends ({@link #end}) or xmax moves (checked here), because nothing
     * else changes its inputs: a GXID handed out later follows-or-equals xmax (it is never listed,
     * and {@link #open}/{@link #assignGxid} drop the cache if one ever did not), and a beginning
     * transaction records the snapshot's own xmin as its xmin, which never precedes
     * recent_global_xmin. The cache is derived from the state alone (it is in no snapshot, digest
     * or reply of its own), so filling it on a read changes no state.
     *
     * @param xmax latestCompleted advanced by one
     */
    Snapshot snapshot(int xmax) {
        Snapshot snap = lastSnapshot;
        if (snap == null || snap.xmax() != xmax) {
            snap = scan(xmax);
            lastSnapshot = snap;
        }
        return snap;
    }

    /** One pass over the begin-order list (protocol notes, "Snapshots"). */
    private Snapshot scan(int xmax) {
        // xmax, snapXmin and globalXmin are always normal here, so "a precedes b" is (a - b) < 0.
        int snapXmin = xmax;
        int globalXmin = xmax;
        int xcnt = 0;
        for (int s = head; s != NONE; s = next[s]) {
            // Lazy-vacuum transactions are invisible: not listed, and neither their GXID nor their
            // xmin holds anything back.
            if (vacuum[s]) {
                continue;
            }
            int tx = xmin[s];
            if (Gxids.isNormal(tx) && tx - globalXmin < 0) {
                globalXmin = tx;
            }
            int g = gxid[s];
            // A transaction without a GXID (TXN_BEGIN) is never listed; nor is one that follows or
            // equals xmax: it began after the last completion and is invisible anyway. Requesters
            // are listed like any other.
            if (Gxids.isNormal(g) && xmax - g > 0) {
                if (g - snapXmin < 0) {
                    snapXmin = g;
                }
                xipScratch[xcnt++] = g;
            }
        }
        if (snapXmin - globalXmin < 0) {
            globalXmin = snapXmin;
        }
        return new Snapshot(snapXmin, xmax, globalXmin, Arrays.copyOf(xipScratch, xcnt));
    }

    /** Drops the reused snapshot if a newly listed GXID would change it. */
    private void gxidAppears(int g) {
        Snapshot snap = lastSnapshot;
        if (snap != null && Gxids.isNormal(g) && !Gxids.followsOrEquals(g, snap.xmax())) {
            lastSnapshot = null;
        }
    }

    /**
     * Re-opens a transaction read from a state snapshot, appending it to the begin order. Throws
     * IllegalArgumentException when the data contradicts the invariants (corrupt snapshot).
     */
    void restore(int slot, int gxid, int state, long owner, int backend, int isolation, boolean readOnly,
                 boolean vacuum, int xmin, int[] nodes) {
        if (slot < 0 || slot >= capacity || slotOfHandle(slot) != NONE) {
            throw new IllegalArgumentException("bad or duplicate handle " + slot);
        }
        if (gxid != Gxids.INVALID && (!Gxids.isNormal(gxid) || byGxid.get(gxid) != IntIntMap.MISSING)) {
            throw new IllegalArgumentException("bad or duplicate gxid " + Gxids.toString(gxid));
        }
        if (state != TxnState.RUNNING && state != TxnState.PREPARED) {
            throw new IllegalArgumentException("bad transaction state " + state);
        }
        open(slot, gxid, state, owner, backend, isolation, readOnly, vacuum, xmin, nodes);
    }

    /** Sets the xmin of a transaction restored without one (see {@link TransactionManager#giveMissingXmins()}). */
    void restoreXmin(int slot, int newXmin) {
        xmin[slot] = newXmin;
    }

    void restoreLastHandle(int handle) {
        if (handle < NONE || handle >= capacity) {
            throw new IllegalArgumentException("bad handle cursor " + handle);
        }
        lastHandle = handle;
    }
}
