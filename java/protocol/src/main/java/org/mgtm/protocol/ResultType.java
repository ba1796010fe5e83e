package org.mgtm.protocol;

/**
 * The result types of 'S' answers ({@code GTM_ResultType}); big-endian int32 right after the frame
 * header of every success answer.
 */
public enum ResultType {
    TXN_BEGIN(0),
    TXN_BEGIN_GETGXID(1),
    TXN_BEGIN_GETGXID_MULTI(2),
    TXN_PREPARE(3),
    TXN_COMMIT(4),
    TXN_COMMIT_MULTI(5),
    TXN_ROLLBACK(6),
    TXN_ROLLBACK_MULTI(7),
    TXN_GET_GXID(8),
    SNAPSHOT_GET(9),
    SNAPSHOT_GET_MULTI(10),
    SNAPSHOT_GXID_GET(11),
    SEQUENCE_INIT(12),
    SEQUENCE_GET_CURRENT(13),
    SEQUENCE_GET_NEXT(14),
    SEQUENCE_GET_LAST(15),
    SEQUENCE_SET_VAL(16),
    SEQUENCE_RESET(17),
    SEQUENCE_CLOSE(18),
    SEQUENCE_RENAME(19),
    SEQUENCE_ALTER(20),
    TXN_GET_STATUS(21),
    TXN_GET_ALL_PREPARED(22),
    TXN_BEGIN_GETGXID_AUTOVACUUM(23);

    private static final ResultType[] BY_CODE = values();

    public final int code;

    ResultType(int code) {
        this.code = code;
    }

    /** The type with this wire code, or null when the code is outside the enum. */
    public static ResultType fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
