package org.mgtm.protocol;

/**
 * The request message types of the Postgres-XC 0.9.2 GTM protocol ({@code GTM_MessageType}); the
 * numeric codes are the C enum's order and travel as a big-endian int32 after the 'C' frame header.
 */
public enum MessageType {
    INVALID(0),
    REGISTER_COORD(1),
    UNREGISTER_COORD(2),
    TXN_BEGIN(3),
    TXN_BEGIN_GETGXID(4),
    TXN_BEGIN_GETGXID_MULTI(5),
    TXN_PREPARE(6),
    TXN_COMMIT(7),
    TXN_COMMIT_MULTI(8),
    TXN_ROLLBACK(9),
    TXN_ROLLBACK_MULTI(10),
    TXN_GET_GXID(11),
    SNAPSHOT_GET(12),
    SNAPSHOT_GET_MULTI(13),
    SNAPSHOT_GXID_GET(14),
    SEQUENCE_INIT(15),
    SEQUENCE_GET_CURRENT(16),
    SEQUENCE_GET_NEXT(17),
    SEQUENCE_GET_LAST(18),
    SEQUENCE_SET_VAL(19),
    SEQUENCE_RESET(20),
    SEQUENCE_CLOSE(21),
    SEQUENCE_RENAME(22),
    SEQUENCE_ALTER(23),
    TXN_GET_STATUS(24),
    TXN_GET_ALL_PREPARED(25),
    TXN_BEGIN_GETGXID_AUTOVACUUM(26),
    DATA_FLUSH(27),
    BACKEND_DISCONNECT(28);

    private static final MessageType[] BY_CODE = values();

    public final int code;

    MessageType(int code) {
        this.code = code;
    }

    /** The type with this wire code, or null when the code is outside the enum. */
    public static MessageType fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
