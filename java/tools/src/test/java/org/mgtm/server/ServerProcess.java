package org.mgtm.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An mgtm server in a child JVM, for tests that must really kill it (SIGKILL, no shutdown hook).
 * Only processes this class started are ever signalled, by their own handle.
 */
public final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final InetSocketAddress address;
    private final StringBuffer output = new StringBuffer();

    private ServerProcess(Process process, InetSocketAddress address) {
        this.process = process;
        this.address = address;
    }

    /** Starts {@code mgtm server -h host -p port -D dataDir args...} and waits for "I'm running...". */
    public static ServerProcess start(String host, int port, Path dataDir, String... args) throws IOException,
            InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "org.mgtm.Main", "server",
                "-h", host, "-p", Integer.toString(port), "-D", dataDir.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        ServerProcess server = new ServerProcess(process, new InetSocketAddress(host, port));
        CountDownLatch running = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    server.output.append(line).append('\n');
                    if (line.contains("I'm running...")) {
                        running.countDown();
                    }
                }
            } catch (IOException e) {
                // the process is gone; its output ends here
            }
        }, "mgtm-child-output");
        reader.setDaemon(true);
        reader.start();
        while (!running.await(100, TimeUnit.MILLISECONDS)) {
            if (!process.isAlive()) {
                throw new IOException("mgtm exited with " + process.exitValue() + ":\n" + server.output);
            }
        }
        return server;
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

    public String output() {
        return output.toString();
    }

    /** SIGKILL: no shutdown hook, no final save, as a crash. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM and wait for the exit; returns the exit code. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill9();
        }
    }
}
