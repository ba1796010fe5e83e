package org.mgtm.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process of the local lab (a replica or a proxy) started from the mgtm jar, logging to a file.
 * Only processes started here are ever signalled, through their own handle.
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

    /** Starts {@code java -cp JAR org.mgtm.Main ARGS} and waits until its log says "I'm running...". */
    static LabProcess start(String name, Path jar, Path log, List<String> args, long waitMillis)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m", "-Xmx384m", "-XX:+UseParallelGC", "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-cp", jar.toString(), "org.mgtm.Main"));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        LabProcess lp = new LabProcess(name, p, log);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        while (!Files.readString(log).contains("I'm running...")) {
            if (!p.isAlive()) {
                throw new IOException(name + " exited with status " + p.exitValue() + "; see " + log);
            }
            if (System.nanoTime() > deadline) {
                lp.kill9();
                throw new IOException(name + " did not start within " + waitMillis + " ms; see " + log);
            }
            Thread.sleep(50);
        }
        return lp;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
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

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ", log " + log + ")";
    }
}
