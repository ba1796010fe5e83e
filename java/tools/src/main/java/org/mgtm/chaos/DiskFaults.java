package org.mgtm.chaos;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.mgtm.lab.LocalCluster;
import org.mgtm.lab.LocalProcess;

/**
 * The disk faults of a chaos run, on replicas whose data directory is a tmpfs of its own ({@link Tmpfs}): a disk
 * filled up under load (the replica must stop with exit status 74 and a FATAL line, then catch up once the space is
 * back), and a log damaged or cut short while the replica is down (it must refuse to start the same way; the
 * operator's repair follows: its data directory emptied while the others are up, then it receives a snapshot).
 */
final class DiskFaults {
    static final int FAIL_STOP_STATUS = 74;
    private final LocalCluster cluster;
    private final Path dataRoot;

    DiskFaults(LocalCluster cluster, Path dataRoot) {
        this.cluster = cluster;
        this.dataRoot = dataRoot;
    }

    private Path dataDir(LocalProcess replica) {
        return dataRoot.resolve(replica.name);
    }

    private Path logFile(LocalProcess replica) {
        return dataDir(replica).resolve(replica.name + ".log").resolve("log.entries");
    }

    /** Fills the victim's disk until it stops, keeps it full for {@code lengthMillis}, frees it and restarts it. */
    String fill(LocalProcess victim, long lengthMillis) throws Exception {
        Path filler = dataDir(victim).resolve("disk-filler");
        long t0 = System.nanoTime();
        long written = 0;
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            for (int size = chunk.length; size >= 512; ) {
                try {
                    out.write(chunk, 0, size);
                    out.flush();
                    written += size;
                } catch (IOException full) {
                    size /= 2;
                }
            }
        } catch (IOException full) {
            // closing a file on a full disk may fail too
        }
        int status = victim.waitFor(60_000);
        String stopped = status < 0 ? "did NOT stop within 60 s" : "stopped with exit status " + status
                + String.format(Locale.ROOT, " %.1f s after its disk filled", secondsSince(t0));
        String fatal = lastFatal(victim);
        LocalProcess leader = cluster.awaitLeader(30_000, victim);
        Thread.sleep(lengthMillis);
        Files.deleteIfExists(filler);
        if (victim.alive()) {
            victim.kill9();
        }
        victim.start(90_000);
        return String.format(Locale.ROOT, "%s: disk filled (%d MiB), %s (%s); leader then %s; space freed after "
                        + "%.1f s and restarted", victim.name, written >> 20, stopped, fatal,
                leader == null ? "NONE" : leader.name, lengthMillis / 1000.0) + verdict(status);
    }

    /** Kills the victim, damages its log, starts it (it must refuse), then repairs it as docs/operations.md says. */
    String damage(LocalProcess victim, boolean truncate) throws Exception {
        victim.kill9();
        Path log = logFile(victim);
        long size = Files.size(log);
        String what;
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "rw")) {
            if (truncate) {
                long to = Math.max(8, size * 6 / 10);
                f.setLength(to);
                what = "log.entries cut from " + size + " to " + to + " bytes";
            } else {
                long at = Math.max(8, size / 2);
                for (long p = at; p < Math.min(size, at + 16); p++) {
                    f.seek(p);
                    int b = f.read();
                    f.seek(p);
                    f.write(b ^ 0xA5);
                }
                what = "16 bytes flipped at byte " + at + " of " + size + " in log.entries";
            }
        }
        victim.launch();
        int status = victim.waitFor(90_000);
        String fatal = lastFatal(victim);
        LocalProcess leader = cluster.awaitLeader(30_000, null);
        // The repair: only while the others are up (they are: the runner faults one replica at a time).
        emptyDirectory(dataDir(victim));
        victim.start(90_000);
        return String.format(Locale.ROOT, "%s: %s; at start it %s (%s); leader meanwhile %s; data_dir emptied and "
                        + "restarted", victim.name, what, status < 0 ? "did NOT stop" : "stopped with exit status "
                        + status, fatal, leader == null ? "NONE" : leader.name) + verdict(status);
    }

    private static String verdict(int status) {
        return status == FAIL_STOP_STATUS ? "" : "; UNEXPECTED: the replica did not fail-stop";
    }

    /** The victim's last FATAL log line (the fail-stop message), shortened. */
    static String lastFatal(LocalProcess victim) {
        List<String> lines = victim.output().lines().toList();   // since its current start
        for (int i = lines.size() - 1; i >= 0; i--) {
            int at = lines.get(i).indexOf("FATAL: ");
            if (at >= 0) {
                String l = lines.get(i).substring(at);
                int stop = l.indexOf(". Stopping now");
                return (stop > 0 ? l.substring(0, stop) : l).replace(',', ';');
            }
        }
        return "no FATAL line";
    }

    private static void emptyDirectory(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir)) {
                    Files.delete(p);
                }
            }
        }
    }

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
