package org.mgtm.server;

import java.nio.file.Path;
import org.mgtm.core.CoreLimits;
import org.mgtm.net.ClientAllowlist;
import org.mgtm.protocol.WireFormat;

/**
 * A standalone mgtm's settings.
 *
 * @param host          listen address
 * @param port          listen port (0 = any free port, for tests)
 * @param dataDir       data directory (created if missing)
 * @param startGxid     the lowest GXID to hand out (gtm's -x); 0 = none. Never moves the counter back.
 * @param reserveChunk  GXIDs reserved on disk ahead of use
 * @param wireFormat    host byte order and frame size limit
 * @param limits        state machine limits
 * @param ioThreads     Netty event loop threads
 * @param maxConnections connections served at once; more are closed at accept
 * @param allowlist     client addresses that may connect
 */
public record ServerConfig(String host, int port, Path dataDir, int startGxid, int reserveChunk,
                           WireFormat wireFormat, CoreLimits limits, int ioThreads, int maxConnections,
                           ClientAllowlist allowlist) {
    public static final int DEFAULT_PORT = 6666;
    public static final int DEFAULT_RESERVE_CHUNK = 100_000;

    public static ServerConfig defaults(String host, int port, Path dataDir) {
        return new ServerConfig(host, port, dataDir, 0, DEFAULT_RESERVE_CHUNK, WireFormat.DEFAULT, CoreLimits.DEFAULT,
                Math.max(1, Runtime.getRuntime().availableProcessors()), 4096,
                ClientAllowlist.parse(ClientAllowlist.LOOPBACK));
    }

    public ServerConfig withStartGxid(int gxid) {
        return new ServerConfig(host, port, dataDir, gxid, reserveChunk, wireFormat, limits, ioThreads, maxConnections,
                allowlist);
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, dataDir, startGxid, reserveChunk, wireFormat, limits, ioThreads,
                maxConnections, allowlist);
    }
}
