package org.mgtm.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The load of one real-XC run: pgbench TPC-B through every coordinator at once (each with -l, so
 * every completed transaction has a time), the leader killed at the given seconds, the leader noted
 * every second; with the race experiment also one client moving money between two random branches
 * through the first coordinator and the {@link RaceReader} through the last one.
 */
final class XcLoad {
    /** The transfer client's script: two branches' balances changed in one transaction, the total kept. */
    static final String TRANSFER = """
            \\set nbranches :scale
            \\setrandom a 1 :nbranches
            \\setrandom b 1 :nbranches
            \\setrandom x 1 1000
            BEGIN;
            UPDATE pgbench_branches SET bbalance = bbalance - :x WHERE bid = :a;
            UPDATE pgbench_branches SET bbalance = bbalance + :x WHERE bid = :b;
            END;
            """;

    /** pgbench -c per coordinator, -T, -s of the database, leader kills (seconds into the load), the race. */
    record Settings(int clients, int seconds, int scale, List<Integer> killAt, boolean race) {
    }

    /** A leader kill: when (epoch microseconds), and which replica. */
    record Kill(long atMicros, String victim) {
    }

    /**
     * What happened: the start (epoch microseconds), the kills, the leader at each second (replicated
     * GTMs only), each coordinator's pgbench log, output and exit status, and the race (or null).
     */
    record Outcome(long startMicros, List<Kill> kills, Map<Integer, String> leaders, List<PgbenchLog> logs,
                   List<String> outputs, List<Integer> exitCodes, RaceSummary race) {
    }

    private final XcLabSession session;
    private final LabGtm gtm;
    private final Settings settings;
    private final Path dir;

    XcLoad(XcLabSession session, LabGtm gtm, Settings settings, Path dir) {
        this.session = session;
        this.gtm = gtm;
        this.settings = settings;
        this.dir = dir;
    }

    Outcome run() throws IOException, InterruptedException {
        XcLab lab = session.lab;
        System.out.printf(Locale.ROOT, "== load: pgbench -n -s %d -c %d -T %d through each of %d coordinators%s%s%n",
                settings.scale(), settings.clients(), settings.seconds(), lab.nodes(),
                settings.race() ? "; a transfer client through coordinator 1, the race reader through coordinator "
                        + lab.nodes() : "", settings.killAt().isEmpty() ? "" : "; killing the leader at "
                        + settings.killAt() + " s");
        List<LocalProcess> pgbenches = new ArrayList<>();
        LocalProcess transfer = null;
        RaceReader reader = null;
        if (settings.race()) {
            Files.writeString(dir.resolve("transfer.sql"), TRANSFER);
            reader = new RaceReader(session.xc, lab.host(lab.nodes() - 1), settings.scale(), dir);
        }
        long startMicros = nowMicros();
        for (int n = 0; n < lab.nodes(); n++) {
            pgbenches.add(pgbench("pgbench via coordinator " + (n + 1), pgbenchDir(n), n, settings.clients()));
        }
        List<Kill> kills = new ArrayList<>();
        Map<Integer, String> leaders = new LinkedHashMap<>();
        RaceSummary race = null;
        try {
            if (settings.race()) {
                transfer = pgbench("transfer client via coordinator 1", dir.resolve("transfer"), 0, 1, "-f",
                        dir.resolve("transfer.sql").toString());
                reader.start();
            }
            killAndWatch(startMicros, pgbenches, kills, leaders);
            for (LocalProcess p : pgbenches) {
                awaitEnd(p);
            }
            if (transfer != null) {
                awaitEnd(transfer);
                List<RaceSample> samples = reader.stop();
                race = new RaceSummary(samples, PgbenchLog.readDir(dir.resolve("transfer")).transactions(),
                        PgbenchLog.abortedClients(transfer.output()).size());
            }
        } finally {
            if (reader != null && race == null) {
                reader.stop(); // the run failed: no more readings of a lab that is being stopped
            }
        }
        List<PgbenchLog> logs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        List<Integer> exitCodes = new ArrayList<>();
        for (int n = 0; n < lab.nodes(); n++) {
            logs.add(PgbenchLog.readDir(pgbenchDir(n)));
            outputs.add(pgbenches.get(n).output());
            exitCodes.add(pgbenches.get(n).waitFor(0));
        }
        return new Outcome(startMicros, kills, leaders, logs, outputs, exitCodes, race);
    }

    /**
     * Starts pgbench with {@code clients} clients through coordinator {@code node}, working (and logging
     * with -l) in {@code workDir}; {@code script}: -f FILE for another script than TPC-B.
     */
    private LocalProcess pgbench(String name, Path workDir, int node, int clients, String... script) throws IOException {
        List<String> args = new ArrayList<>(List.of("-n", "-s", Integer.toString(settings.scale()), "-c",
                Integer.toString(clients), "-T",
                Integer.toString(settings.seconds()), "-l", "-h", session.lab.host(node), "-p",
                Integer.toString(XcLab.COORDINATOR_PORT)));
        args.addAll(List.of(script));
        args.add(XcLab.DATABASE);
        LocalProcess p = session.track(LocalProcess.program(name, dir.resolve(workDir.getFileName() + ".log"),
                session.xc.command("pgbench", args.toArray(String[]::new)), Map.of(), session.userDir(workDir)));
        p.launch();
        return p;
    }

    /** Kills the leader at the kill times and notes the leader every second, until pgbench ends. */
    private void killAndWatch(long startMicros, List<LocalProcess> pgbenches, List<Kill> kills,
                              Map<Integer, String> leaders) throws InterruptedException {
        int nextKill = 0;
        for (int tenth = 1; tenth <= settings.seconds() * 10 && pgbenches.stream().anyMatch(LocalProcess::alive);
                tenth++) {
            long wait = startMicros + tenth * 100_000L - nowMicros();
            if (wait > 0) {
                TimeUnit.MICROSECONDS.sleep(wait);
            }
            if (nextKill < settings.killAt().size() && tenth >= settings.killAt().get(nextKill) * 10) {
                nextKill++;
                LocalProcess victim = gtm.killLeader();
                if (victim != null) {
                    kills.add(new Kill(nowMicros(), victim.name));
                    System.out.printf(Locale.ROOT, "   %5.1f s  kill -9 of the leader %s%n", tenth / 10.0, victim);
                }
            }
            if (tenth % 10 == 0 && gtm.replicated()) {
                String leader = gtm.leader(200);
                leaders.put(tenth / 10, leader == null ? "(none)" : leader);
            }
        }
    }

    private static void awaitEnd(LocalProcess p) throws InterruptedException {
        if (p.waitFor(120_000) < 0) {
            System.out.println("   " + p + " did not end 120 s after its time: stopping it");
            p.stop();
        }
    }

    private Path pgbenchDir(int node) {
        return dir.resolve("pgbench-coordinator" + (node + 1));
    }

    static long nowMicros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }
}
