package org.mgtm.lab;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One process on this machine, as every local group starts it: the lab demos, the chaos run and the process
 * tests (replica groups, proxies, crash recovery, the raft engine's) start mgtm processes here, so they all
 * run with the same JVM flags and the same start, wait and stop; the real-XC demo and benchmark start the
 * lab's other programs (node-start, pgbench, psql, tcpdump, the original gtm and gtm_proxy) here too
 * ({@link #program}, {@link #run}), awaiting those that print nothing when they serve by their own listening
 * socket ({@link #awaitListening}). bin/lib/mgtm-common.sh starts processes the same way from the shell, with
 * the same flags (LocalProcessTest holds the two together).
 *
 * <p>The child's output goes straight into its log file (reading its pipe instead races with the JVM draining
 * it at exit); a watcher follows the file from where each start began and hands every line to the listeners,
 * which is how "I'm running..." is awaited. Only processes started here are ever signalled, through their own
 * {@link Process} handle and pid.
 */
public final class LocalProcess implements AutoCloseable {
    /** The line every mgtm program prints once it serves. */
    public static final String RUNNING = "I'm running...";
    /**
     * Heap, collector and JIT when {@code MGTM_JAVA_OPTS} is not set: the default of bin/lib/mgtm-common.sh
     * (C1 only on 2 cores or fewer, docs/decisions/0011).
     */
    public static final String DEFAULT_JAVA_OPTS = "-Xms256m -Xmx1g -XX:+UseParallelGC"
            + (Runtime.getRuntime().availableProcessors() <= 2 ? " -XX:TieredStopAtLevel=1" : "");
    /** The flags every mgtm process gets after {@code MGTM_JAVA_OPTS}: the same in bin/lib/mgtm-common.sh. */
    public static final List<String> FIXED_FLAGS = List.of("-Djava.net.preferIPv4Stack=true",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-Dorg.slf4j.simpleLogger.log.org.jgroups=warn",
            "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSS");

    public final String name;
    public final String host;
    public final Path log;
    private final List<String> command;
    private final Map<String, String> environment;
    private final Path workDir;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private volatile Process process;
    private volatile PrintWriter stdin;
    private volatile boolean paused;
    private volatile long startOffset;
    private volatile long runningAtNanos;

    private LocalProcess(String name, String host, Path log, List<String> command, Map<String, String> environment,
                         Path workDir) {
        this.name = name;
        this.host = host;
        this.log = log;
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.workDir = workDir;
    }

    /** {@code mgtm ARGS} ({@code org.mgtm.Main}) from {@code classPath}; not started yet. */
    public static LocalProcess mgtm(String name, String host, Path log, String classPath, List<String> args) {
        return java(name, host, log, classPath, "org.mgtm.Main", args);
    }

    /**
     * As {@link #mgtm(String, String, Path, String, List)} with {@code extraFlags} after the usual flags (the last
     * -Xmx wins): a test that starts nine JVMs on a small machine gives each a small heap.
     */
    public static LocalProcess mgtm(String name, String host, Path log, String classPath, List<String> args,
                                    List<String> extraFlags) {
        LocalProcess p = java(name, host, log, classPath, "org.mgtm.Main", args);
        if (extraFlags.isEmpty()) {
            return p;
        }
        List<String> command = new ArrayList<>(p.command);
        command.addAll(1 + jvmFlags().size(), extraFlags);
        return new LocalProcess(name, host, log, command, Map.of(), null);
    }

    /** Any main class from {@code classPath} (a test's own node program), with the same flags. */
    public static LocalProcess java(String name, String host, Path log, String classPath, String mainClass,
                                    List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags());
        command.addAll(List.of("-cp", classPath, mainClass));
        command.addAll(args);
        return new LocalProcess(name, host, log, command, Map.of(), null);
    }

    /** Any other program: {@code command} with {@code environment} added to this process's, in {@code workDir} (null: here). */
    public static LocalProcess program(String name, Path log, List<String> command, Map<String, String> environment,
                                       Path workDir) {
        return new LocalProcess(name, null, log, command, environment, workDir);
    }

    /**
     * Runs a program (as {@link #program}) to its end and returns its output; throws when it fails or takes
     * longer than {@code timeoutMillis}, with the end of its output in the message.
     */
    public static String run(String name, List<String> command, Map<String, String> environment, Path log,
                             long timeoutMillis) throws IOException, InterruptedException {
        LocalProcess p = program(name, log, command, environment, null);
        try {
            p.launch();
            int status = p.waitFor(timeoutMillis);
            if (status != 0) {
                throw new IOException(name + " failed (" + (status < 0 ? "timed out" : "exit status " + status) + "): "
                        + String.join(" ", command) + "\n" + p.tail(15) + "\n(log: " + log + ")");
            }
            return p.output();
        } finally {
            p.close();
        }
    }

    /** This JVM's class path, made absolute: the mgtm jar when run from it, the test class path in a test. */
    public static String ownClassPath() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> parts = new ArrayList<>();
        for (String p : cp.split(java.io.File.pathSeparator)) {
            if (!p.isEmpty()) {
                parts.add(Path.of(p).toAbsolutePath().toString());
            }
        }
        return String.join(java.io.File.pathSeparator, parts);
    }

    /** SIGTERM, then SIGKILL after 10 s. */
    public void stop() throws InterruptedException {
        stop(10);
    }

    /** {@code MGTM_JAVA_OPTS} (or its default), then the fixed flags. */
    public static List<String> jvmFlags() {
        String opts = System.getenv("MGTM_JAVA_OPTS");
        List<String> flags = new ArrayList<>();
        for (String f : (opts == null || opts.isBlank() ? DEFAULT_JAVA_OPTS : opts).trim().split("\\s+")) {
            flags.add(f);
        }
        flags.addAll(FIXED_FLAGS);
        return flags;
    }

    /** Calls {@code listener} with every line the process prints, over all its starts. */
    public LocalProcess onLine(Consumer<String> listener) {
        listeners.add(listener);
        return this;
    }

    public boolean alive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    public boolean paused() {
        return paused;
    }

    public long pid() {
        return process.pid();
    }

    /** When the current start printed "I'm running..." (System.nanoTime), or 0. */
    public long runningAtNanos() {
        return runningAtNanos;
    }

    /** The process's standard input (a test node reads commands there). */
    public PrintWriter stdin() {
        return stdin;
    }

    /** Starts the process (again, after a kill or stop) and waits until it prints "I'm running...". */
    public void start(long waitMillis) throws IOException, InterruptedException {
        launch();
        awaitRunning(waitMillis);
    }

    /** Starts the process without waiting; a line in the log marks each start. */
    public synchronized void launch() throws IOException {
        if (alive()) {
            throw new IllegalStateException(name + " is running");
        }
        Files.createDirectories(log.toAbsolutePath().getParent());
        Files.writeString(log, "---- " + name + " starting at " + java.time.Instant.now() + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        startOffset = Files.size(log);
        runningAtNanos = 0;
        paused = false;
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        if (workDir != null) {
            builder.directory(workDir.toFile());
        }
        Process p = builder.start();
        process = p;
        stdin = new PrintWriter(new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8), true);
        Thread watcher = new Thread(() -> watch(p, startOffset), "watch-" + name);
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Waits until the current start printed "I'm running..."; fails if the process exits first. */
    public void awaitRunning(long waitMillis) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        Process p = process;
        while (runningAtNanos == 0) {
            if (!p.isAlive() && runningAtNanos == 0) {
                Thread.sleep(50); // the watcher's last read after the exit
                if (runningAtNanos != 0) {
                    break;
                }
                throw new IOException(name + " exited with status " + p.exitValue() + "; see " + log + "\n" + tail(30));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(name + " did not start within " + waitMillis + " ms; see " + log);
            }
            Thread.sleep(20);
        }
    }

    /**
     * Waits until this process (or a program it started, as runuser does) listens on {@code host:port}, for
     * programs that say nothing on their output when they serve (the original gtm and gtm_proxy log to their
     * own files). Looks at the kernel's socket tables, never connects ({@link ListeningSockets}): a socket of
     * another program at that address does not count. Fails when the process exits first or {@code waitMillis}
     * pass.
     */
    public void awaitListening(String host, int port, long waitMillis) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        Process p = process;
        while (!ListeningSockets.heldBy(p.toHandle(), ListeningSockets.listeners(host, port))) {
            if (!p.isAlive()) {
                throw new IOException(name + " exited with status " + p.exitValue() + " before it served " + host
                        + ":" + port + "; see " + log + "\n" + tail(30));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(name + " did not serve " + host + ":" + port + " within " + waitMillis
                        + " ms; see " + log);
            }
            Thread.sleep(100);
        }
    }

    /** Follows the log from where this start began writing, line by line, until the process has exited. */
    private void watch(Process p, long offset) {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            f.seek(offset);
            StringBuilder line = new StringBuilder();
            byte[] buf = new byte[8192];
            boolean exited = false;
            while (true) {
                int n = f.read(buf);
                if (n <= 0) {
                    if (exited || process != p) {
                        return;
                    }
                    exited = !p.isAlive(); // one more read after the exit picks up its last lines
                    Thread.sleep(5);
                    continue;
                }
                for (int i = 0; i < n; i++) {
                    if (buf[i] != '\n') {
                        line.append((char) (buf[i] & 0xff));
                        continue;
                    }
                    String text = line.toString();
                    line.setLength(0);
                    if (runningAtNanos == 0 && text.contains(RUNNING)) {
                        runningAtNanos = System.nanoTime();
                    }
                    for (Consumer<String> l : listeners) {
                        l.accept(text);
                    }
                }
            }
        } catch (IOException e) {
            // the log is gone: nothing more to watch
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What the current start has printed so far. */
    public String output() {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long n = f.length() - startOffset;
            if (n <= 0) {
                return "";
            }
            byte[] b = new byte[(int) Math.min(n, 1 << 20)];
            f.seek(startOffset);
            f.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** The last {@code n} lines of the log. */
    public String tail(int n) {
        List<String> lines = Arrays.asList(output().split("\n"));
        return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    /** Waits up to {@code millis} for the process to end: its exit status, or -1 if it still runs. */
    public int waitFor(long millis) throws InterruptedException {
        Process p = process;
        return p.waitFor(millis, TimeUnit.MILLISECONDS) ? p.exitValue() : -1;
    }

    /** Waits up to {@code millis} for the process to exit by itself; true if it did. */
    public boolean awaitExit(long millis) throws InterruptedException {
        Process p = process;
        return p == null || p.waitFor(millis, TimeUnit.MILLISECONDS);
    }

    /** SIGKILL, as a crash, and wait until it is gone (a stopped process dies too). */
    public void kill9() throws InterruptedException {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroyForcibly();
        p.waitFor(20, TimeUnit.SECONDS);
        paused = false;
    }

    /** SIGTERM (after SIGCONT if paused), then SIGKILL if it has not exited within {@code graceSeconds}; the exit status. */
    public int stop(long graceSeconds) throws InterruptedException {
        Process p = process;
        if (p == null) {
            return -1;
        }
        if (p.isAlive()) {
            if (paused) {
                try {
                    resume();
                } catch (IOException e) {
                    kill9();
                    return p.exitValue();
                }
            }
            p.destroy();
            if (!p.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                kill9();
            }
        }
        return p.exitValue();
    }

    /** SIGSTOP: the process hangs with its sockets open. */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
        paused = true;
    }

    /** SIGCONT after {@link #pause}. */
    public void resume() throws IOException, InterruptedException {
        if (paused && alive()) {
            signal("CONT");
        }
        paused = false;
    }

    private void signal(String sig) throws IOException, InterruptedException {
        if (!alive()) {
            throw new IllegalStateException(name + " is not running");
        }
        int rc = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).inheritIO().start().waitFor();
        if (rc != 0) {
            throw new IOException("kill -" + sig + " " + process.pid() + " failed with " + rc);
        }
    }

    /** SIGKILL if still alive: what a test or the shutdown hook does with what it started. */
    @Override
    public void close() throws InterruptedException {
        kill9();
    }

    @Override
    public String toString() {
        Process p = process;
        return name + (host == null ? "" : "@" + host) + (p == null ? "" : " (pid " + p.pid() + ", log " + log + ")");
    }
}
