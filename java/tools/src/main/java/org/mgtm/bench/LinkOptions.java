package org.mgtm.bench;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mgtm.client.Member;
import org.mgtm.protocol.WireFormat;
import picocli.CommandLine.Option;

/**
 * The target options the grants and open-transactions drivers share. No {@code -h} for the host,
 * unlike {@code mgtm bench}: it would shadow {@code -h/--help}.
 */
final class LinkOptions {
    @Option(names = "--protocol", defaultValue = "xc",
            description = "xc: XC GTM protocol to --host:--port as gtm_proxy (a standalone mgtm, or the leader's "
                    + "XC port); internal: the internal protocol to --members as mgtm_proxy (follows the leader). "
                    + "Default: ${DEFAULT-VALUE}.")
    String protocol;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "XC host (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = {"-p", "--port"}, defaultValue = "6666", description = "XC port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--members",
            description = "Internal protocol: the group as in mgtm replica --members (id@host:raft_port,..., "
                    + "reached at --internal-port on each host), or host:internal_port,...")
    String members;

    @Option(names = "--internal-port", defaultValue = "6680",
            description = "Internal port of members given as id@host:raft_port (default: ${DEFAULT-VALUE}).")
    int internalPort;

    @Option(names = "--secret", description = "Internal protocol: the group's shared secret.")
    String secret;

    @Option(names = "--host-order", defaultValue = "little", description = "XC host byte order: little or big.")
    String hostOrder;

    LinkTarget target() {
        WireFormat format = new WireFormat(WireFormat.parseHostOrder(hostOrder), WireFormat.DEFAULT_MAX_FRAME_LENGTH);
        return switch (protocol.toLowerCase(Locale.ROOT)) {
            case "xc" -> new LinkTarget(LinkTarget.Protocol.XC, new InetSocketAddress(host, port), List.of(), null,
                    format);
            case "internal" -> {
                if (members == null) {
                    throw new IllegalArgumentException("--protocol internal needs --members");
                }
                yield new LinkTarget(LinkTarget.Protocol.INTERNAL, null, Member.internalAddresses(members, internalPort), secret, format);
            }
            default -> throw new IllegalArgumentException("--protocol must be xc or internal, got '" + protocol + "'");
        };
    }

}
