package org.mgtm.protocol.internal;

import java.net.InetSocketAddress;
import java.util.Objects;
import org.mgtm.protocol.Response;

/**
 * Messages from an mgtm replica to an internal client. ERROR, NOT_LEADER and SESSION_ENDED are the
 * last message of their connection: the server closes it after them.
 */
public sealed interface ServerMessage {

    int MAX_MEMBER_ID_LENGTH = 255;

    /**
     * The HELLO was accepted.
     *
     * @param term     the replica's current Raft term
     * @param memberId the answering replica's member id
     * @param leader   whether it is the leader (always true on a session connection; a tool
     *                 connection is accepted by followers too)
     * @param resumed  the session was known to the group and continues; false for a new session or a
     *                 tool connection
     */
    record Welcome(long term, String memberId, boolean leader, boolean resumed) implements ServerMessage {
        public Welcome {
            Fields.term(term);
            Fields.utf8(memberId, MAX_MEMBER_ID_LENGTH, "member id");
        }
    }

    /**
     * The answer to XC_REQUEST {@code requestNo}: an XC 'S' or 'E' answer, or {@link Response.None}
     * for requests that get no answer on the XC wire (so the client can still retire the number).
     * Replies may arrive in any order; the number says which request they answer.
     */
    record XcReply(long requestNo, Response response) implements ServerMessage {
        public XcReply {
            if (requestNo < 1) {
                throw new IllegalArgumentException("request number must be at least 1, got " + requestNo);
            }
            Objects.requireNonNull(response, "response");
        }
    }

    /** Answer to PING: its nonce and the replica's current term. */
    record Pong(long nonce, long term) implements ServerMessage {
        public Pong {
            Fields.term(term);
        }
    }

    /** Answer to STATUS_REQUEST: a JSON document whose content the server defines. */
    record Status(String json) implements ServerMessage {
        public Status {
            Objects.requireNonNull(json, "json");
        }
    }

    /** Answer to END_SESSION: the session and its open transactions are gone. */
    record SessionEnded() implements ServerMessage {
        public static final SessionEnded INSTANCE = new SessionEnded();
    }

    /**
     * This replica is not the leader (or no longer knows it is). Empty id or address: not known, for
     * instance during an election; the client then asks another member.
     *
     * @param term          the replica's current term, so a client can ignore news older than it has
     * @param leaderId      the leader's member id, or ""
     * @param leaderAddress the leader's internal address as "host:port" ("[v6]:port" for IPv6), or ""
     */
    record NotLeader(long term, String leaderId, String leaderAddress) implements ServerMessage {
        public static final int MAX_ADDRESS_LENGTH = 300;

        public NotLeader {
            Fields.term(term);
            Fields.utf8(leaderId, MAX_MEMBER_ID_LENGTH, "leader id");
            Fields.utf8(leaderAddress, MAX_ADDRESS_LENGTH, "leader address");
            if (!leaderAddress.isEmpty()) {
                if (leaderId.isEmpty()) {
                    throw new IllegalArgumentException("leader address without a leader id");
                }
                parse(leaderAddress);
            }
        }

        public static NotLeader unknown(long term) {
            return new NotLeader(term, "", "");
        }

        /** The leader's address, unresolved, or null when not known. */
        public InetSocketAddress leaderSocketAddress() {
            return leaderAddress.isEmpty() ? null : parse(leaderAddress);
        }

        private static InetSocketAddress parse(String address) {
            int colon = address.lastIndexOf(':');
            String host = colon > 0 ? address.substring(0, colon) : "";
            String port = address.substring(colon + 1);
            if (host.startsWith("[") && host.endsWith("]") && host.length() > 2) {
                host = host.substring(1, host.length() - 1);
            } else if (host.indexOf(':') >= 0 || host.indexOf('[') >= 0 || host.indexOf(']') >= 0) {
                host = "";
            }
            int p = port.length() >= 1 && port.length() <= 5 && port.chars().allMatch(c -> c >= '0' && c <= '9')
                    ? Integer.parseInt(port) : 0;
            if (host.isEmpty() || host.chars().anyMatch(c -> c <= ' ') || p < 1 || p > 65535) {
                throw new IllegalArgumentException("leader address \"" + address + "\" is not host:port");
            }
            return InetSocketAddress.createUnresolved(host, p);
        }
    }

    /** The connection is refused or ended, and why (for the client's log). */
    record Error(ErrorCode code, String message) implements ServerMessage {
        public Error {
            Objects.requireNonNull(code, "code");
            Fields.utf8(message, Fields.MAX_STR16, "error message");
        }
    }
}
