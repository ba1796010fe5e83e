package org.mgtm.bench;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.mgtm.client.ClientOptions;
import org.mgtm.client.GtmConnection;
import org.mgtm.client.LeaderClient;
import org.mgtm.client.LeaderClientSettings;
import org.mgtm.protocol.WireFormat;
import org.mgtm.protocol.internal.InternalFormat;

/**
 * Where a driver sends its requests: an XC endpoint (a standalone mgtm, or a replica's XC port,
 * where only the leader answers), or a replicated group over the internal protocol, which follows
 * the leader by itself.
 *
 * @param protocol which of the two
 * @param xc       the XC endpoint (XC only)
 * @param members  internal-protocol addresses of the group's members (internal only)
 * @param secret   the group's shared secret (internal only)
 * @param format   XC host byte order and frame limit
 */
public record LinkTarget(Protocol protocol, InetSocketAddress xc, List<InetSocketAddress> members, String secret,
                         WireFormat format) {
    public enum Protocol { XC, INTERNAL }

    public LinkTarget {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(format, "format");
        members = members == null ? List.of() : List.copyOf(members);
        if (protocol == Protocol.XC && xc == null) {
            throw new IllegalArgumentException("the XC protocol needs an address");
        }
        if (protocol == Protocol.INTERNAL && (members.isEmpty() || secret == null || secret.isEmpty())) {
            throw new IllegalArgumentException("the internal protocol needs the members and the secret");
        }
    }

    public static LinkTarget xc(InetSocketAddress address) {
        return new LinkTarget(Protocol.XC, address, List.of(), null, WireFormat.DEFAULT);
    }

    public static LinkTarget internal(List<InetSocketAddress> members, String secret) {
        return new LinkTarget(Protocol.INTERNAL, null, members, secret, WireFormat.DEFAULT);
    }

    /** Opens one link whose answers complete on one loop of {@code group}. */
    CompletableFuture<GtmLink> open(EventLoopGroup group, String clientName) {
        if (protocol == Protocol.XC) {
            ClientOptions options = new ClientOptions(format, true, 1, 5000);
            return GtmConnection.connect(group, xc, options).thenApply(GtmLink::xc);
        }
        // The session is pinned to this loop, so its answers arrive where the driver keeps its state.
        EventLoop loop = group.next();
        LeaderClientSettings defaults = LeaderClientSettings.of(members, secret);
        LeaderClientSettings settings = new LeaderClientSettings(members, secret, clientName,
                InternalFormat.of(format), defaults.requestDeadlineMillis(), defaults.connectTimeoutMillis(),
                defaults.handshakeTimeoutMillis(), defaults.minBackoffMillis(), defaults.maxBackoffMillis(),
                defaults.pingIntervalMillis(), defaults.silenceTimeoutMillis());
        return CompletableFuture.completedFuture(GtmLink.internal(LeaderClient.start(loop, settings), loop));
    }

    /** For report lines: {@code xc 127.0.0.1:6666} or {@code internal a:6680,b:6680}. */
    public String describe() {
        if (protocol == Protocol.XC) {
            return "xc " + xc.getHostString() + ":" + xc.getPort();
        }
        return "internal " + members.stream().map(a -> a.getHostString() + ":" + a.getPort())
                .collect(Collectors.joining(","));
    }
}
