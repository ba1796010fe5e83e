package org.mgtm.client;

import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import org.mgtm.protocol.internal.InternalFormat;

/**
 * How a {@link LeaderClient} finds and watches the group's leader.
 *
 * @param members           internal-protocol addresses of every member of the group
 * @param secret            the group's shared secret
 * @param clientName        shown in the replicas' logs
 * @param format            XC byte order of the group, and the frame limit
 * @param requestDeadlineMillis a request unanswered this long after submit fails (outcome unknown)
 * @param connectTimeoutMillis  TCP connect limit per attempt
 * @param handshakeTimeoutMillis WELCOME limit per attempt
 * @param minBackoffMillis  first pause after a failed attempt (the first retry is immediate)
 * @param maxBackoffMillis  longest pause between attempts
 * @param pingIntervalMillis PING period on an established connection
 * @param silenceTimeoutMillis a connection that brought nothing (not even a PONG) this long is dropped:
 *                          a hung or cut-off leader keeps its TCP connection open
 * @param tls               TLS client context for the internal port, or null: plaintext
 */
public record LeaderClientSettings(List<InetSocketAddress> members, String secret, String clientName,
                                   InternalFormat format, long requestDeadlineMillis, long connectTimeoutMillis,
                                   long handshakeTimeoutMillis, long minBackoffMillis, long maxBackoffMillis,
                                   long pingIntervalMillis, long silenceTimeoutMillis, SslContext tls) {
    /** Without TLS. */
    public LeaderClientSettings(List<InetSocketAddress> members, String secret, String clientName,
                                InternalFormat format, long requestDeadlineMillis, long connectTimeoutMillis,
                                long handshakeTimeoutMillis, long minBackoffMillis, long maxBackoffMillis,
                                long pingIntervalMillis, long silenceTimeoutMillis) {
        this(members, secret, clientName, format, requestDeadlineMillis, connectTimeoutMillis, handshakeTimeoutMillis,
                minBackoffMillis, maxBackoffMillis, pingIntervalMillis, silenceTimeoutMillis, null);
    }

    public LeaderClientSettings {
        members = List.copyOf(members);
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(clientName, "clientName");
        Objects.requireNonNull(format, "format");
        if (members.isEmpty()) {
            throw new IllegalArgumentException("no members");
        }
        if (requestDeadlineMillis <= 0 || connectTimeoutMillis <= 0 || handshakeTimeoutMillis <= 0
                || minBackoffMillis <= 0 || maxBackoffMillis < minBackoffMillis || pingIntervalMillis <= 0
                || silenceTimeoutMillis <= pingIntervalMillis) {
            throw new IllegalArgumentException("timeouts must be positive, backoff min <= max, silence > ping");
        }
    }

    /**
     * Defaults: 30 s request deadline, 1 s connect and handshake, 10-250 ms backoff, ping every 250 ms
     * and 1.5 s of silence for a hung leader: the group replaces one in about a second, and a false
     * alarm (a long pause) costs only a reconnect, since resubmitted requests apply once.
     */
    public static LeaderClientSettings of(List<InetSocketAddress> members, String secret) {
        return new LeaderClientSettings(members, secret, "mgtm-client", InternalFormat.DEFAULT, 30_000, 1000, 1000,
                10, 250, 250, 1500);
    }

    public LeaderClientSettings withRequestDeadlineMillis(long millis) {
        return new LeaderClientSettings(members, secret, clientName, format, millis, connectTimeoutMillis,
                handshakeTimeoutMillis, minBackoffMillis, maxBackoffMillis, pingIntervalMillis,
                silenceTimeoutMillis, tls);
    }

    public LeaderClientSettings withClientName(String name) {
        return new LeaderClientSettings(members, secret, name, format, requestDeadlineMillis, connectTimeoutMillis,
                handshakeTimeoutMillis, minBackoffMillis, maxBackoffMillis, pingIntervalMillis,
                silenceTimeoutMillis, tls);
    }

    /** TLS on the internal port (null: plaintext). */
    public LeaderClientSettings withTls(SslContext context) {
        return new LeaderClientSettings(members, secret, clientName, format, requestDeadlineMillis,
                connectTimeoutMillis, handshakeTimeoutMillis, minBackoffMillis, maxBackoffMillis, pingIntervalMillis,
                silenceTimeoutMillis, context);
    }
}
