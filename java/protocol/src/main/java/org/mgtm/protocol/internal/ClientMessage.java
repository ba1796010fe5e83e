package org.mgtm.protocol.internal;

import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import org.mgtm.protocol.Request;

/**
 * Messages from a client (an mgtm_proxy, mgtm-ctl) to an mgtm replica. A connection starts with
 * exactly one {@link Hello}; see docs/decisions/0004-internal-protocol.md for the exchange.
 */
public sealed interface ClientMessage {

    /**
     * The handshake.
     *
     * @param sessionId   the client's session, random and non-zero; {@link #NO_SESSION} for a tool
     *                    connection that only asks for status and pings (any replica accepts those)
     * @param resume      the client has used this session before (on any replica): the server must
     *                    continue it, or refuse with SESSION_EXPIRED if the group has ended it
     * @param xcHostOrder the byte order of host-order fields in this client's XC bodies; an encoder
     *                    only sends a HELLO that matches its own format
     * @param token       the group's shared secret as configured (its UTF-8 bytes)
     * @param clientName  free text for logs and status, e.g. "mgtm_proxy node1"
     */
    record Hello(long sessionId, boolean resume, ByteOrder xcHostOrder, byte[] token, String clientName)
            implements ClientMessage {

        public static final long NO_SESSION = 0;
        public static final int MAX_TOKEN_LENGTH = 1024;
        public static final int MAX_CLIENT_NAME_LENGTH = 255;

        public Hello {
            Objects.requireNonNull(xcHostOrder, "xcHostOrder");
            Objects.requireNonNull(token, "token");
            if (token.length > MAX_TOKEN_LENGTH) {
                throw new IllegalArgumentException("token is " + token.length + " bytes, at most "
                        + MAX_TOKEN_LENGTH + " allowed");
            }
            token = token.clone();
            Fields.utf8(clientName, MAX_CLIENT_NAME_LENGTH, "client name");
            if (resume && sessionId == NO_SESSION) {
                throw new IllegalArgumentException("cannot resume without a session id");
            }
        }

        /** A session-less (tool) connection. */
        public static Hello withoutSession(ByteOrder xcHostOrder, byte[] token, String clientName) {
            return new Hello(NO_SESSION, false, xcHostOrder, token, clientName);
        }

        public boolean hasSession() {
            return sessionId != NO_SESSION;
        }

        @Override
        public byte[] token() {
            return token.clone();
        }

        /** Whether this HELLO presents {@code expected}, compared in constant time for equal lengths. */
        public boolean tokenMatches(byte[] expected) {
            return MessageDigest.isEqual(expected, token);
        }

        /** Bytes for the encoder, not copied. */
        byte[] tokenBytes() {
            return token;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Hello h && sessionId == h.sessionId && resume == h.resume
                    && xcHostOrder.equals(h.xcHostOrder) && Arrays.equals(token, h.token)
                    && clientName.equals(h.clientName);
        }

        @Override
        public int hashCode() {
            return Objects.hash(sessionId, resume, xcHostOrder, Arrays.hashCode(token), clientName);
        }

        /** Never shows the token: HELLOs end up in logs. */
        @Override
        public String toString() {
            return "Hello[session=" + Long.toHexString(sessionId) + ", resume=" + resume + ", xcHostOrder="
                    + xcHostOrder + ", token=(" + token.length + " bytes), clientName=" + clientName + "]";
        }
    }

    /**
     * One XC request of the session. Request numbers are the session's own sequence, 1, 2, ...; a
     * request resubmitted after a reconnect keeps its number and is applied once.
     *
     * @param requestNo      this request's number, at least 1
     * @param ackedRequestNo the client has the replies of every request up to this number (0: none),
     *                       so the server may forget them; always below {@code requestNo}
     * @param backendId      the proxy backend slot the request is for, or -1 (core's NO_BACKEND)
     * @param request        the XC request
     */
    record XcRequest(long requestNo, long ackedRequestNo, int backendId, Request request) implements ClientMessage {
        public XcRequest {
            if (requestNo < 1) {
                throw new IllegalArgumentException("request number must be at least 1, got " + requestNo);
            }
            if (ackedRequestNo < 0 || ackedRequestNo >= requestNo) {
                throw new IllegalArgumentException("acknowledged request number " + ackedRequestNo
                        + " is outside [0, " + requestNo + ")");
            }
            Objects.requireNonNull(request, "request");
        }
    }

    /** Keepalive; the server answers PONG with the same nonce (lets the client match and time it). */
    record Ping(long nonce) implements ClientMessage {
    }

    /** Asks for the server's STATUS document (mgtm-ctl status). */
    record StatusRequest() implements ClientMessage {
        public static final StatusRequest INSTANCE = new StatusRequest();
    }

    /**
     * The client ends its session for good: its open transactions end (prepared ones stay). The server
     * answers SESSION_ENDED and closes; nothing the client sends after it is read.
     */
    record EndSession() implements ClientMessage {
        public static final EndSession INSTANCE = new EndSession();
    }

    /**
     * A decoding outcome, never sent: a HELLO of a version this code cannot read. The server answers
     * ERROR UNSUPPORTED_VERSION and closes; the decoder drops everything after it.
     */
    record UnsupportedHello(int version) implements ClientMessage {
    }
}
