package org.mgtm.protocol.internal;

/**
 * Why a server refused or ended a connection (the ERROR message). Every ERROR is the last message
 * of its connection. Per-request failures are not here: they travel as XC 'E' answers in XC_REPLY.
 */
public enum ErrorCode {
    /** The HELLO's token is not the group's shared secret. */
    BAD_TOKEN(1),
    /** The HELLO asks for a protocol version this server does not speak. */
    UNSUPPORTED_VERSION(2),
    /** The client encodes XC bodies in another host byte order than this server. */
    BYTE_ORDER_MISMATCH(3),
    /** A HELLO resumed a session the group has already ended (expired or END_SESSION). */
    SESSION_EXPIRED(4),
    /** A well-formed message that is not allowed here, e.g. XC_REQUEST on a session-less connection. */
    PROTOCOL_VIOLATION(5),
    /** The server cannot serve for a reason of its own (overload, shutdown, internal fault). */
    SERVER_ERROR(6);

    private static final ErrorCode[] VALUES = values();

    public final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    /** The error with this wire code, or null. */
    public static ErrorCode fromCode(int code) {
        for (ErrorCode c : VALUES) {
            if (c.code == code) {
                return c;
            }
        }
        return null;
    }
}
