package org.mgtm.core;

/**
 * Limits of the state machine. They are part of the replicated configuration: every replica must use
 * the same values, or the same commands could produce different answers.
 *
 * @param maxTransactions open transactions at once (the XC GTM had 4096 slots; xip never exceeds it)
 * @param maxPrepareNodes nodes one PREPARE may list (16 in XC)
 * @param maxRepliesPerSession cached replies kept per session for deduplication
 */
public record CoreLimits(int maxTransactions, int maxPrepareNodes, int maxRepliesPerSession) {
    public static final CoreLimits DEFAULT = new CoreLimits(4096, 16, 65536);

    public CoreLimits {
        if (maxTransactions < 1 || maxPrepareNodes < 0 || maxRepliesPerSession < 1) {
            throw new IllegalArgumentException("bad core limits: " + maxTransactions + "/" + maxPrepareNodes
                    + "/" + maxRepliesPerSession);
        }
    }
}
