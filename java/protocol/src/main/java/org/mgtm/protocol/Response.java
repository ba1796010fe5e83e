package org.mgtm.protocol;

import java.util.List;

/**
 * What the GTM answers to one request, decoded: an 'S' success with its result type and payload,
 * an 'E' error, or nothing at all (BACKEND_DISCONNECT, UNREGISTER_COORD). The core state machine
 * returns these; the codecs put them on the wire.
 */
public sealed interface Response {

    /** Severity words an 'E' answer can carry. ERROR2 is what gtm_proxy uses for failed grouped entries. */
    String ERROR = "ERROR";
    String ERROR2 = "ERROR2";
    String FATAL = "FATAL";
    /**
     * The words every mgtm error answer carries when it cannot say whether the request was applied (a deadline
     * passed, the log did not confirm it, the group did not answer the proxy). XC backends see only an error's
     * text, so the text is where this is said; recorders of histories look for it.
     */
    String OUTCOME_UNKNOWN = "its outcome is unknown";

    int STATUS_OK = 0;
    int STATUS_ERROR = -1;

    /** 'E': severity ('S' field) and message ('M' field). */
    record Error(String severity, String message) implements Response {
        public static Error error(String message) {
            return new Error(ERROR, message);
        }
    }

    /**
     * An answer that exists only between mgtm processes (to the {@link Request.Extension} requests): never
     * on the XC wire.
     */
    non-sealed interface Extension extends Response {
    }

    /** Requests that get no answer on the wire. */
    record None() implements Response {
        public static final None INSTANCE = new None();
    }

    /** Every 'S' answer: it knows its result type. */
    sealed interface Success extends Response {
        ResultType resultType();
    }

    /** TXN_BEGIN: the transaction handle. */
    record BeginHandle(int handle) implements Success {
        public ResultType resultType() {
            return ResultType.TXN_BEGIN;
        }
    }

    /** TXN_BEGIN_GETGXID (result 1) or TXN_BEGIN_GETGXID_AUTOVACUUM (result 23): the GXID. */
    record BeginGxid(ResultType resultType, int gxid) implements Success {
    }

    /** TXN_BEGIN_GETGXID_MULTI: count and the first of a gap-free run of GXIDs. */
    record BeginGxidMulti(int count, int firstGxid) implements Success {
        public ResultType resultType() {
            return ResultType.TXN_BEGIN_GETGXID_MULTI;
        }
    }

    /** TXN_PREPARE: the echoed GXID. */
    record Prepared(int gxid) implements Success {
        public ResultType resultType() {
            return ResultType.TXN_PREPARE;
        }
    }

    /**
     * TXN_COMMIT (4) or TXN_ROLLBACK (6): the GXID and, as the GTM sends it, a BE32 status word;
     * {@code hasStatus} false is gtm_proxy's 4-byte form, which backends accept too.
     */
    record Ended(ResultType resultType, int gxid, boolean hasStatus, int status) implements Success {
    }

    /** TXN_COMMIT_MULTI (5) or TXN_ROLLBACK_MULTI (7): one status per entry, in request order. */
    record EndedMulti(ResultType resultType, List<Integer> statuses) implements Success {
        public EndedMulti {
            statuses = List.copyOf(statuses);
        }
    }

    /** TXN_GET_GXID: handle and GXID. */
    record HandleGxid(int handle, int gxid) implements Success {
        public ResultType resultType() {
            return ResultType.TXN_GET_GXID;
        }
    }

    /** SNAPSHOT_GET: the requester's GXID, one status and the snapshot. */
    record SnapshotResult(int gxid, int status, Snapshot snapshot) implements Success {
        public ResultType resultType() {
            return ResultType.SNAPSHOT_GET;
        }
    }

    /** SNAPSHOT_GET_MULTI: a status per entry and the one snapshot they share. */
    record SnapshotMultiResult(List<Integer> statuses, Snapshot snapshot) implements Success {
        public SnapshotMultiResult {
            statuses = List.copyOf(statuses);
        }

        public ResultType resultType() {
            return ResultType.SNAPSHOT_GET_MULTI;
        }
    }

    /**
     * SNAPSHOT_GXID_GET: in the layout the XC client parses (handle first), not the one the XC GTM
     * sent, which no client could read.
     */
    record SnapshotGxidResult(int handle, int gxid, int status, Snapshot snapshot) implements Success {
        public ResultType resultType() {
            return ResultType.SNAPSHOT_GXID_GET;
        }
    }

    /** INIT, SET_VAL, RESET, CLOSE, RENAME (the new key), ALTER: the key alone. */
    record SequenceKeyResult(ResultType resultType, SequenceKey key) implements Success {
    }

    /** GET_CURRENT, GET_NEXT, GET_LAST: key and value. */
    record SequenceValue(ResultType resultType, SequenceKey key, long value) implements Success {
    }

    /** TXN_GET_STATUS: the GXID and its state (see core's TxnState codes; -1 when unknown). */
    record TxnStatus(int gxid, int state) implements Success {
        public ResultType resultType() {
            return ResultType.TXN_GET_STATUS;
        }
    }

    /** TXN_GET_ALL_PREPARED: the GXIDs of every prepared transaction, in begin order. */
    record AllPrepared(List<Integer> gxids) implements Success {
        public AllPrepared {
            gxids = List.copyOf(gxids);
        }

        public ResultType resultType() {
            return ResultType.TXN_GET_ALL_PREPARED;
        }
    }
}
