package org.mgtm.check;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mgtm.protocol.Snapshot;

/**
 * Invariant 8, during the second pass: recent global xmin in a snapshot answer never passes the
 * first-snapshot xmin of a transaction that is certainly still open. Datanodes prune row versions
 * below recent global xmin, so a value too high makes rows vanish under a reader that still runs.
 *
 * <p>In XC the first snapshot computed for a transaction sets its xmin on the GTM, and recent
 * global xmin is the least such xmin of the open transactions (protocol notes, "Snapshots"). So a transaction
 * <em>holds</em> from the answer of its first snapshot (the first snapshot request naming it; see
 * {@link FactsPass}) until it ends. A later snapshot S is checked against it only if S was asked
 * after that first answer arrived, no commit or rollback naming the transaction was sent at or
 * before S's answer, and its session is proven alive at S's answer (it sent a request at or after
 * that time which succeeded). Lazy-vacuum transactions never hold (protocol notes, "Vacuum transactions").
 *
 * <p>Holders are kept ordered by their first xmin, so each snapshot looks at the lowest one that
 * qualifies: if that one is not passed, none is.
 */
final class XminHoldCheck {
    private final TxnFacts txns;
    private final Procs procs;
    private final Findings findings;
    /** Holding transactions by the place of their first xmin on the sweep's GXID line. */
    private final TreeMap<Long, List<Integer>> holders = new TreeMap<>();

    XminHoldCheck(TxnFacts txns, Procs procs, Findings findings) {
        this.txns = txns;
        this.procs = procs;
        this.findings = findings;
    }

    /**
     * Checks one snapshot answer against the holders.
     *
     * @param rgxminPlace its recent global xmin, placed on the sweep's GXID line
     * @param asked       when the snapshot was requested
     * @param done        when its answer arrived
     * @param invokeLine  the request's line
     * @param at          the answer's line
     */
    void check(Snapshot s, long rgxminPlace, long asked, long done, long invokeLine, long at) {
        for (Iterator<Map.Entry<Long, List<Integer>>> groups = holders.entrySet().iterator(); groups.hasNext(); ) {
            Map.Entry<Long, List<Integer>> group = groups.next();
            for (Iterator<Integer> it = group.getValue().iterator(); it.hasNext(); ) {
                int i = it.next();
                int owner = txns.owner[i];
                if (txns.endSent[i] <= done || procs.aliveUntil[owner] < done) {
                    // Ended, or its session cannot be shown alive from now on: it holds nothing any more.
                    it.remove();
                    txns.set(i, TxnFacts.HOLDING, false);
                    continue;
                }
                if (txns.firstSnapDone[i] >= asked) {
                    continue; // its first snapshot may have been computed after this one
                }
                findings.checked(8);
                if (group.getKey() < rgxminPlace) {
                    findings.violation(8, "snapshot " + s + ": recent global xmin passes xmin "
                            + GxidArithmetic.toString(txns.firstXmin[i]) + " of GXID " + GxidArithmetic.toString(txns.gxid[i])
                            + ", set by that transaction's first snapshot, answered before this one was asked;"
                            + " no commit/rollback was sent before this answer, and its session answered again"
                            + " afterwards", invokeLine, at, txns.firstSnapLine[i], procs.aliveLine[owner]);
                }
                return;
            }
            if (group.getValue().isEmpty()) {
                groups.remove();
            }
        }
    }

    /**
     * A transaction whose first snapshot was answered at {@code line} starts holding, unless it
     * cannot: a vacuum or twice-granted transaction, one granted outside the history (no session
     * to prove alive), or one whose end was already sent.
     */
    void firstSnapshot(int i, long xminPlace, long done, long line) {
        if (i < 0 || txns.firstSnap[i] != TxnFacts.SNAP_KNOWN || txns.firstSnapLine[i] != line
                || txns.has(i, TxnFacts.HOLDING) || txns.has(i, TxnFacts.VACUUM) || txns.has(i, TxnFacts.DUPLICATE)
                || txns.owner[i] < 0 || txns.endSent[i] <= done) {
            return;
        }
        txns.set(i, TxnFacts.HOLDING, true);
        holders.computeIfAbsent(xminPlace, k -> new ArrayList<>(2)).add(i);
    }
}
