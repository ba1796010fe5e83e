package org.mgtm.server;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mgtm.config.Signals;
import org.mgtm.core.CoreLimits;
import org.mgtm.net.ClientAllowlist;
import org.mgtm.protocol.WireFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mgtm server}: runs a standalone GTM until SIGTERM/SIGINT, then saves and exits 0. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run a standalone mgtm (one replica, no replication) serving Postgres-XC 0.9.2 backends "
                + "and gtm_proxy workers.")
public final class ServerCommand implements Callable<Integer> {
    @Option(names = "--config", description = "Settings file (key = value, keys as the long options with _ for -); "
            + "the command line overrides it.")
    Path config;

    @Option(names = {"-h", "--host"}, defaultValue = "127.0.0.1", description = "Listen address (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = {"-p", "--port"}, defaultValue = "6666", description = "Listen port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = {"-D", "--data-dir"}, required = true, description = "Data directory; created if missing.")
    Path dataDir;

    @Option(names = {"-x", "--start-gxid"}, defaultValue = "0",
            description = "Lowest GXID to hand out, like gtm -x; set it above the XC nodes' initdb XIDs. "
                    + "Never moves the counter below GXIDs already handed out.")
    long startGxid;

    @Option(names = "--reserve-chunk", defaultValue = "" + ServerConfig.DEFAULT_RESERVE_CHUNK,
            description = "GXIDs reserved on disk ahead of use (default: ${DEFAULT-VALUE}).")
    int reserveChunk;

    @Option(names = "--host-order", defaultValue = "little",
            description = "Byte order of the nodes' host-order fields: little (x86, default) or big.")
    String hostOrder;

    @Option(names = "--max-frame-length", defaultValue = "" + WireFormat.DEFAULT_MAX_FRAME_LENGTH,
            description = "Largest frame accepted; a longer one closes its connection (default: ${DEFAULT-VALUE}).")
    int maxFrameLength;

    @Option(names = "--io-threads", defaultValue = "2", description = "Network threads (default: ${DEFAULT-VALUE}).")
    int ioThreads;

    @Option(names = "--max-connections", defaultValue = "4096", description = "Open connections at most (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--max-transactions", defaultValue = "4096",
            description = "Open transactions at most, as XC's 4096 slots (default: ${DEFAULT-VALUE}).")
    int maxTransactions;

    @Option(names = "--allow-clients", defaultValue = ClientAllowlist.LOOPBACK,
            description = "Client addresses that may connect: comma-separated CIDR blocks, or * (default: ${DEFAULT-VALUE}).")
    String allowClients;

    @Override
    public Integer call() throws Exception {
        if (startGxid < 0 || startGxid > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("--start-gxid must be a 32-bit unsigned value, got " + startGxid);
        }
        ByteOrder order = WireFormat.parseHostOrder(hostOrder);
        ServerConfig config = new ServerConfig(host, port, dataDir, (int) startGxid, reserveChunk,
                new WireFormat(order, maxFrameLength), new CoreLimits(maxTransactions, 16, 65536), ioThreads,
                maxConnections, ClientAllowlist.parse(allowClients));
        GtmServer server = GtmServer.start(config);
        System.out.println("I'm running...");
        System.out.flush();
        Signals.awaitStop();
        System.out.println("stopping (signal received)");
        server.close();
        return 0;
    }
}
