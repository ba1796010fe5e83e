package org.mgtm.protocol.codec;

/**
 * A frame whose boundaries are sound but whose payload is not. The request side turns it into an
 * {@code InvalidCommand} (the connection survives); the response side turns it into an
 * {@link XcProtocolException}. No stack trace: it is an expected outcome of bad client input and can
 * be frequent.
 */
final class PayloadException extends RuntimeException {

    static final String INSUFFICIENT_DATA = "insufficient data left in message";
    static final String INVALID_FORMAT = "invalid message format";

    PayloadException(String message) {
        super(message, null, false, false);
    }
}
