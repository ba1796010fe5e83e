package org.mgtm.protocol.internal;

/**
 * Frame layout and message kinds. Client kinds are below 0x80 and server kinds above, so a peer wired
 * to the wrong side (or to itself) fails on its first frame instead of misreading it.
 */
final class Kinds {
    /** BE32 length word; it counts the kind byte and the payload, not itself. */
    static final int LENGTH_SIZE = 4;
    static final int KIND_SIZE = 1;

    static final int HELLO = 0x01;
    static final int XC_REQUEST = 0x02;
    static final int PING = 0x03;
    static final int STATUS_REQUEST = 0x04;
    static final int END_SESSION = 0x05;

    static final int WELCOME = 0x81;
    static final int XC_REPLY = 0x82;
    static final int PONG = 0x83;
    static final int STATUS = 0x84;
    static final int SESSION_ENDED = 0x85;
    static final int NOT_LEADER = 0x86;
    static final int ERROR = 0x87;

    private Kinds() {
    }

    static String name(int kind) {
        return switch (kind) {
            case HELLO -> "HELLO";
            case XC_REQUEST -> "XC_REQUEST";
            case PING -> "PING";
            case STATUS_REQUEST -> "STATUS_REQUEST";
            case END_SESSION -> "END_SESSION";
            case WELCOME -> "WELCOME";
            case XC_REPLY -> "XC_REPLY";
            case PONG -> "PONG";
            case STATUS -> "STATUS";
            case SESSION_ENDED -> "SESSION_ENDED";
            case NOT_LEADER -> "NOT_LEADER";
            case ERROR -> "ERROR";
            default -> String.format("0x%02x", kind);
        };
    }
}
