package org.mgtm.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mgtm.lab.LocalProcess;

/**
 * An mgtm server in a child JVM, for tests that must really kill it (SIGKILL, no shutdown hook), started by
 * the one local launcher ({@link LocalProcess}); its output goes to {@code <dataDir>.log}. Only processes this
 * class started are ever signalled, by their own handle.
 */
public final class ServerProcess implements AutoCloseable {
    private final LocalProcess process;
    private final InetSocketAddress address;

    private ServerProcess(LocalProcess process, InetSocketAddress address) {
        this.process = process;
        this.address = address;
    }

    /** Starts {@code mgtm server -h host -p port -D dataDir args...} and waits for "I'm running...". */
    public static ServerProcess start(String host, int port, Path dataDir, String... args) throws IOException,
            InterruptedException {
        List<String> command = new ArrayList<>(List.of("server", "-h", host, "-p", Integer.toString(port),
                "-D", dataDir.toString()));
        command.addAll(List.of(args));
        LocalProcess process = LocalProcess.mgtm("server", host,
                dataDir.resolveSibling(dataDir.getFileName() + ".log"), LocalProcess.ownClassPath(), command);
        try {
            process.start(60_000);
        } catch (IOException e) {
            throw new IOException(e.getMessage() + ":\n" + process.output(), e);
        }
        return new ServerProcess(process, new InetSocketAddress(host, port));
    }

    /** A TCP port on 127.0.0.1 that was free a moment ago. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    public InetSocketAddress address() {
        return address;
    }

    public long pid() {
        return process.pid();
    }

    /** What this start of the server has printed. */
    public String output() {
        return process.output();
    }

    /** SIGKILL: no shutdown hook, no final save, as a crash. */
    public void kill9() throws InterruptedException {
        process.kill9();
    }

    /** SIGTERM and wait for the exit; returns the exit code. */
    public int stop() throws InterruptedException {
        return process.stop(20);
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
