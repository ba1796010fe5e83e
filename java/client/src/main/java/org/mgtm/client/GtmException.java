package org.mgtm.client;

/** A GTM answered a request with an 'E' error, or the connection to it failed. */
public class GtmException extends RuntimeException {
    /** See {@link org.mgtm.protocol.Response#OUTCOME_UNKNOWN}. */
    public static final String OUTCOME_UNKNOWN = org.mgtm.protocol.Response.OUTCOME_UNKNOWN;

    private final String severity;

    public GtmException(String severity, String message) {
        super(severity + ": " + message);
        this.severity = severity;
    }

    public GtmException(String message, Throwable cause) {
        super(message, cause);
        this.severity = null;
    }

    /**
     * Connecting to {@code address} failed: one readable line ("cannot connect to 127.0.0.1:6666: connection
     * refused"), without the transport's own prefixes and repeated address; the cause stays attached.
     */
    public static GtmException connectFailed(java.net.InetSocketAddress address, Throwable cause) {
        String why = String.valueOf(cause.getMessage())
                .replaceFirst("^[A-Za-z]+\\(\\.\\.\\) failed: ", "")   // Netty epoll: "finishConnect(..) failed: "
                .replaceFirst(": /?[^ ]*$", "")                             // ": /127.0.0.1:6666" at the end
                .toLowerCase(java.util.Locale.ROOT);
        return new GtmException("cannot connect to " + address.getHostString() + ":" + address.getPort() + ": " + why,
                cause);
    }

    /** The connection failed: no answer came. */
    public static GtmException lost(String message) {
        return new GtmException(message, (Throwable) null);
    }

    /** The 'E' answer's severity (ERROR, FATAL, ERROR2), or null when the connection failed. */
    public String severity() {
        return severity;
    }

    /** True when no answer came at all: the outcome of the request is unknown. */
    public boolean isConnectionFailure() {
        return severity == null;
    }

    /** No answer came, or the answer says the request may or may not have been applied. */
    public boolean isOutcomeUnknown() {
        return isConnectionFailure() || String.valueOf(getMessage()).contains(OUTCOME_UNKNOWN);
    }
}
