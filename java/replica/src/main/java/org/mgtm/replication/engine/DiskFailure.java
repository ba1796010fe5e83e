package org.mgtm.replication.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a replica does when its raft log cannot be trusted (a write, fsync or read failed: full disk, EIO; or the
 * files were found truncated or corrupted): it stops at once, fail-stop, with one error line naming the file and
 * the error and exit status {@value #EXIT_STATUS} (EX_IOERR). Stopping on the thread that hit the error, before
 * it returns, is what guarantees that nothing the replica could not make durable is acknowledged: a follower's
 * answer, or a leader's count of its own copy, would come after the failed call. The others go on; the operator
 * fixes the disk and restarts the replica, which catches up from them (docs/operations.md, "Fault model").
 *
 * <p>Tests of the log class alone replace the handler ({@link #handleWith}); everything else keeps the default.</p>
 */
public final class DiskFailure {
    /** EX_IOERR of sysexits.h. */
    public static final int EXIT_STATUS = 74;

    /** Gets the message and the cause; the default logs them and halts the JVM. */
    @FunctionalInterface
    public interface Handler {
        void stop(String message, Throwable cause);
    }

    /** The exception a failing log call throws when the handler returns (tests only: the default never returns). */
    public static final class StorageFailedException extends IllegalStateException {
        StorageFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(DiskFailure.class);
    private static final Handler HALT = DiskFailure::halt;
    private static volatile Handler handler = HALT;

    private DiskFailure() {
    }

    /** Replaces the handler (null: the default, halting). For tests of the log class alone. */
    public static void handleWith(Handler h) {
        handler = h == null ? HALT : h;
    }

    /**
     * Stops the replica: the handler never returns by default; if a test's does, the returned exception is what the
     * caller throws, so the failing call never completes normally either.
     */
    static StorageFailedException stop(String message, Throwable cause) {
        handler.stop(message, cause);
        return new StorageFailedException(message, cause);
    }

    private static void halt(String message, Throwable cause) {
        String why = cause == null ? "" : " (" + cause + ")";
        log.error("FATAL: {}{}. Stopping now: fail-stop, exit status {}; this replica acknowledged nothing it could "
                + "not make durable (docs/operations.md, \"Fault model\").", message, why, EXIT_STATUS);
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(EXIT_STATUS);
    }
}
