package org.mgtm.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Size-limited file systems (tmpfs) mounted for the replicas' data directories, so that a chaos run can fill a
 * replica's disk. Unmounts exactly what it mounted: at {@link #close()}, and from a shutdown hook should the JVM be
 * stopped first. Needs root (CAP_SYS_ADMIN).
 */
public final class Tmpfs implements AutoCloseable {
    private final List<Path> mounted = new ArrayList<>();
    private final Thread cleanup = new Thread(this::unmountAll, "chaos-tmpfs-cleanup");

    public Tmpfs() {
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /** Throws with the reason when a tmpfs cannot be mounted here (not root, no mount command). */
    public static void require(Path scratch) throws IOException {
        Files.createDirectories(scratch);
        Path probe = Files.createTempDirectory(scratch, "tmpfs-probe");
        try {
            String out = run(List.of("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", probe.toString()));
            if (out != null) {
                throw new IOException("cannot mount a tmpfs (needs root with CAP_SYS_ADMIN): " + out);
            }
            run(List.of("umount", probe.toString()));
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    /** Mounts a tmpfs of {@code megabytes} MiB on {@code dir} (created if missing). */
    public synchronized void mount(Path dir, int megabytes) throws IOException {
        Files.createDirectories(dir);
        String out = run(List.of("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m,mode=0700", "tmpfs",
                dir.toString()));
        if (out != null) {
            throw new IOException("cannot mount a tmpfs on " + dir + ": " + out);
        }
        mounted.add(dir);
    }

    /** Unmounts whatever is mounted under {@code root} (left over by an interrupted run). */
    public static void unmountUnder(Path root) throws IOException {
        String prefix = root.toAbsolutePath().normalize() + "/";
        for (String line : Files.readAllLines(Path.of("/proc/mounts"), StandardCharsets.UTF_8)) {
            String[] f = line.split(" ");
            if (f.length > 1 && f[1].startsWith(prefix)) {
                run(List.of("umount", f[1]));
            }
        }
    }

    public synchronized void unmountAll() {
        for (Path p : mounted) {
            try {
                String out = run(List.of("umount", p.toString()));
                if (out != null) {
                    System.err.println("could not unmount " + p + ": " + out);
                }
            } catch (IOException e) {
                System.err.println("could not unmount " + p + ": " + e.getMessage());
            }
        }
        mounted.clear();
    }

    @Override
    public void close() {
        unmountAll();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // the JVM is shutting down and runs the hook anyway
        }
    }

    /** Runs a command; null when it succeeded, else its output. */
    private static String run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return String.join(" ", cmd) + " did not finish";
            }
            return p.exitValue() == 0 ? null : out + " (exit status " + p.exitValue() + ")";
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
