package org.mgtm.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Starts in-process standalone servers on loopback with a throw-away data directory. */
public final class TestServers {
    private TestServers() {
    }

    /** A server on 127.0.0.1 at a free port; {@code startGxid} 0 = none. */
    public static GtmServer start(int startGxid) {
        try {
            Path dir = Files.createTempDirectory("mgtm-test");
            return start(ServerConfig.defaults("127.0.0.1", 0, dir.resolve("data")).withStartGxid(startGxid));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static GtmServer start(ServerConfig config) {
        try {
            return GtmServer.start(config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
