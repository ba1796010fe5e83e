package org.mgtm.core;

/**
 * Transaction state codes, as answered by TXN_GET_STATUS ({@code Response.TxnStatus.state}). The
 * numbers follow the XC {@code GTM_TransactionStates} enum (protocol notes, "Transaction states") for the two states an open
 * transaction can be in here; finished transactions are forgotten (there is no commit log), so a
 * committed or rolled-back GXID reads as {@link #UNKNOWN}, like one that never existed.
 */
public final class TxnState {
    /** Begun, not prepared (XC's STARTING; XC never used IN_PROGRESS). */
    public static final int RUNNING = 0;
    /** Prepared for two-phase commit: survives session ends and restarts until COMMIT/ROLLBACK. */
    public static final int PREPARED = 3;
    /** No open transaction has this GXID or handle. */
    public static final int UNKNOWN = -1;

    private TxnState() {
    }

    public static String name(int state) {
        return switch (state) {
            case RUNNING -> "running";
            case PREPARED -> "prepared";
            case UNKNOWN -> "unknown";
            default -> "state" + state;
        };
    }
}
