package org.mgtm.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The reader of the race experiment (issue 9 item 6): every 0.2 s a new psql through one coordinator
 * reads, in one SERIALIZABLE transaction, the snapshot, every branch row with its xmin and xmax, and
 * sum(delta) ({@link RaceSample}). One psql per reading, so every reading is a new session with a new
 * snapshot, as an application's short report would be. Runs on its own thread until stopped.
 */
final class RaceReader {
    static final long INTERVAL_MICROS = 200_000;
    /** One reading; the statements go to psql as a file (-f), each printing unaligned, colon-separated. */
    static final String READING = """
            BEGIN ISOLATION LEVEL SERIALIZABLE;
            SELECT txid_current_snapshot();
            SELECT bid, bbalance, xmin, xmax FROM pgbench_branches;
            SELECT sum(delta) FROM pgbench_history;
            COMMIT;
            """;
    private static final long PSQL_TIMEOUT_MILLIS = 30_000;

    private final XcInstallation xc;
    private final String host;
    private final int branches;
    private final Path sql;
    private final Path log;
    private final List<RaceSample> samples = new ArrayList<>();
    private final Thread thread = new Thread(this::readUntilStopped, "race-reader");
    private volatile boolean stopping;

    /** A reader through the coordinator at {@code host} of a database of {@code branches} branches; files in {@code dir}. */
    RaceReader(XcInstallation xc, String host, int branches, Path dir) throws IOException {
        this.xc = xc;
        this.host = host;
        this.branches = branches;
        this.sql = dir.resolve("race-reading.sql");
        this.log = dir.resolve("race-reader.log");
        Files.writeString(sql, READING);
    }

    void start() {
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops after the reading under way; the readings in the order taken. */
    List<RaceSample> stop() throws InterruptedException {
        stopping = true;
        thread.join(PSQL_TIMEOUT_MILLIS + 5_000);
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    private void readUntilStopped() {
        long next = XcLoad.nowMicros();
        while (!stopping) {
            long at = XcLoad.nowMicros();
            RaceSample sample = read(at);
            synchronized (samples) {
                samples.add(sample);
            }
            next = Math.max(next + INTERVAL_MICROS, at);
            long wait = next - XcLoad.nowMicros();
            try {
                if (wait > 0) {
                    TimeUnit.MICROSECONDS.sleep(wait);
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private RaceSample read(long at) {
        try {
            String out = LocalProcess.run("race reader", xc.command("psql", "-X", "-q", "-At", "-F:", "-h", host, "-p",
                    Integer.toString(XcLab.COORDINATOR_PORT), "-d", XcLab.DATABASE, "-f", sql.toString()), Map.of(),
                    log, PSQL_TIMEOUT_MILLIS);
            return RaceSample.parse(at, out, branches);
        } catch (IOException e) {
            return RaceSample.failed(at, e.getMessage().lines().findFirst().orElse("psql failed"), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return RaceSample.failed(at, "interrupted", "");
        }
    }
}
