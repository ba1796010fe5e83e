package org.mgtm.proxy;

import java.util.BitSet;

/**
 * Backend slot numbers (the conid the GTM records as a transaction's backend id). A slot is reused
 * only after its previous holder's BACKEND_DISCONNECT has been applied, so a disconnect can never end
 * another backend's transactions (the original gtm_proxy renumbered slots and could, XC bug 39).
 * Slots fit the BE16 conid of multi-begin entries: 0..32767.
 */
final class SlotPool {
    static final int MAX_SLOTS = 32768;

    private final BitSet used = new BitSet(MAX_SLOTS);
    private int next;

    /** A free slot, or -1 when all are taken. */
    synchronized int take() {
        int slot = used.nextClearBit(next);
        if (slot >= MAX_SLOTS) {
            slot = used.nextClearBit(0);
            if (slot >= MAX_SLOTS) {
                return -1;
            }
        }
        used.set(slot);
        next = slot + 1 >= MAX_SLOTS ? 0 : slot + 1;
        return slot;
    }

    synchronized void release(int slot) {
        used.clear(slot);
    }

    synchronized int inUse() {
        return used.cardinality();
    }
}
