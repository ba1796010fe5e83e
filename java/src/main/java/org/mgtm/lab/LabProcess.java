package org.mgtm.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A process of the local lab, logging to a file: an mgtm replica or proxy started from the mgtm class
 * path, or any other program of the lab (node-start, pgbench, psql, initdb). Only processes started
 * here are ever signalled, through their own handle.
 */
final class LabProcess implements AutoCloseable {
    final String name;
    private final Process process;
    private final Path log;

    private LabProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code java -cp CLASSPATH org.mgtm.Main ARGS} and waits until its log says "I'm running...". */
    static LabProcess start(String name, String classPath, Path log, List<String> args, long waitMillis)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m", "-Xmx384m", "-XX:+UseParallelGC", "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-cp", classPath, "org.mgtm.Main"));
        command.addAll(args);
        LabProcess lp = spawn(name, command, Map.of(), null, log);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        while (!Files.readString(log).contains("I'm running...")) {
            if (!lp.process.isAlive()) {
                throw new IOException(name + " exited with status " + lp.process.exitValue() + "; see " + log);
            }
            if (System.nanoTime() > deadline) {
                lp.kill9();
                throw new IOException(name + " did not start within " + waitMillis + " ms; see " + log);
            }
            Thread.sleep(50);
        }
        return lp;
    }

    /**
     * Starts {@code command} with {@code environment} added to this process's, in {@code workDir} (null:
     * the current directory), its output and errors going to {@code log} (replaced); does not wait.
     */
    static LabProcess spawn(String name, List<String> command, Map<String, String> environment, Path workDir, Path log)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        if (workDir != null) {
            builder.directory(workDir.toFile());
        }
        return new LabProcess(name, builder.start(), log);
    }

    /**
     * Runs {@code command} to its end (as {@link #spawn}) and returns its output; throws when it fails or
     * takes longer than {@code timeoutMillis}, with the end of its output in the message.
     */
    static String run(String name, List<String> command, Map<String, String> environment, Path log, long timeoutMillis)
            throws IOException, InterruptedException {
        try (LabProcess p = spawn(name, command, environment, null, log)) {
            int status = p.waitFor(timeoutMillis);
            String output = Files.readString(log);
            if (status != 0) {
                throw new IOException(name + " failed (" + (status < 0 ? "timed out" : "exit status " + status) + "): "
                        + String.join(" ", command) + "\n" + tail(output, 15) + "(log: " + log + ")");
            }
            return output;
        }
    }

    /**
     * Waits until this process (or a program it started, as runuser does) listens on {@code host:port},
     * for programs that say nothing on their output when they serve (the original gtm and gtm_proxy log
     * to their own files). Looks at the kernel's socket tables, never connects ({@link ListeningSockets}).
     * Fails when the process exits first or {@code waitMillis} pass.
     */
    void awaitListening(String host, int port, long waitMillis) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        while (!ListeningSockets.heldBy(process.toHandle(), ListeningSockets.listeners(host, port))) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with status " + process.exitValue() + " before it served "
                        + host + ":" + port + "; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(name + " did not serve " + host + ":" + port + " within " + waitMillis
                        + " ms; see " + log);
            }
            Thread.sleep(100);
        }
    }

    /** Waits for the end of the process: its exit status, or -1 if it still runs after {@code timeoutMillis}. */
    int waitFor(long timeoutMillis) throws InterruptedException {
        return process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    /** SIGKILL: a crash, no goodbye. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM, then SIGKILL if it does not stop within 10 s. */
    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            kill9();
        }
    }

    private static String tail(String text, int lines) {
        String[] all = text.split("\n");
        StringBuilder sb = new StringBuilder();
        for (int i = Math.max(0, all.length - lines); i < all.length; i++) {
            sb.append("  | ").append(all[i]).append('\n');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ", log " + log + ")";
    }
}
