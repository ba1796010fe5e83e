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
 * {@code mgtm demo --pgxc-home DIR}: the failover demo on a real Postgres-XC 0.9.2 cluster. mgtm
 * replicas and an mgtm_proxy per node as in the GTM-level demo; then on each node its XC datanode and
 * coordinator, started by bin/node-start against the node's proxy; pgbench through every coordinator
 * at once with the leader killed (-9) in the middle; then the figures and the checks
 * ({@link XcDemoReport}). The lab ({@link XcLab}) is made on first use and kept. Everything started
 * here is stopped again, XC by bin/node-stop (pg_ctl stop -m fast), also on failure and Ctrl-C.
 */
final class XcDemo {
    /** The demo's options (see DemoCommand). */
    record Settings(String classPath, List<String> replicaHosts, List<String> nodeHosts, Path labDir, Path runDir,
                    int scale, int clients, int seconds, List<Integer> killAt) {
    }

    /** A leader kill: when (epoch microseconds), and which replica. */
    record Kill(long atMicros, String victim) {
    }

    private final XcInstallation xc;
    private final Settings settings;
    private final XcLab lab;
    private final Path runDir;
    private final List<LocalProcess> pgbenches = new ArrayList<>();
    private LabCluster cluster;
    private boolean nodesMayRun;
    private boolean stopped;

    XcDemo(XcInstallation xc, Settings settings) {
        this.xc = xc;
        this.settings = settings;
        this.lab = new XcLab(settings.labDir(), xc, settings.nodeHosts(), settings.scale());
        this.runDir = settings.runDir().toAbsolutePath();
    }

    int run() throws Exception {
        xc.check();
        DemoCommand.deleteTree(runDir);
        Files.createDirectories(runDir);
        // Ctrl-C ends the JVM without running finally blocks: the hook stops what was started.
        Thread hook = new Thread(this::stopAllQuietly, "xc-demo-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return demo();
        } finally {
            stopAll();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs (or ran) stopAll itself
            }
            System.out.println("== stopped everything the demo started; logs in " + runDir);
        }
    }

    private int demo() throws Exception {
        System.out.printf("== Postgres-XC 0.9.2 in %s, running as %s; lab in %s%n", xc.home, xc.user, lab.root);
        lab.checkIsLab();
        // An earlier run killed before it could clean up may have left XC running in the lab.
        nodesMayRun = true;
        stopNodes();
        boolean ready = lab.ready();
        if (!ready) {
            System.out.println("== first use (or another scale or node count): a new lab, pgbench scale " + settings.scale());
            lab.initialize(runDir);
        }
        long nextXid = lab.highestNextXid(runDir);
        long startGxid = nextXid + 1000;
        System.out.printf("   highest NextXID of the XC instances: %d; mgtm hands out GXIDs from %d on (or above its "
                + "kept counter, if higher)%n", nextXid, startGxid);
        cluster = LabCluster.start(settings.classPath(), settings.replicaHosts(), settings.nodeHosts(), runDir,
                lab.mgtmData(), startGxid);
        lab.writeSettings(cluster.memberSpec(), LabCluster.SECRET, LabCluster.CLIENT_PORT, LabCluster.INTERNAL_PORT);
        startNodes();
        if (!ready) {
            lab.createPgbenchDatabase(runDir);
            System.out.println("   stopping the nodes to bring the other coordinators' catalogs in step");
            stopNodes();
            lab.copyFirstCoordinatorCatalog();
            startNodes();
            lab.markReady();
        }
        List<XcDemoReport.Balance> before = balances();
        List<Kill> kills = new ArrayList<>();
        Map<Integer, String> leaders = new LinkedHashMap<>();
        long startMicros = runLoad(kills, leaders);
        List<PgbenchLog> logs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        for (int n = 0; n < lab.nodes(); n++) {
            logs.add(PgbenchLog.readDir(pgbenchDir(n)));
            outputs.add(pgbenches.get(n).output());
        }
        List<Integer> exitCodes = new ArrayList<>();
        for (LocalProcess p : pgbenches) {
            exitCodes.add(p.waitFor(0));
        }
        XcDemoReport report = new XcDemoReport(settings, lab, startMicros, kills, leaders, logs, outputs, exitCodes,
                before, balances(), cluster.leader(300));
        return report.print(runDir);
    }

    /**
     * Runs pgbench through every coordinator at once, kills the leader at the kill times, and notes the
     * leader every second. Returns when the load started (epoch microseconds).
     */
    private long runLoad(List<Kill> kills, Map<Integer, String> leaders) throws Exception {
        System.out.printf(Locale.ROOT, "== load: pgbench -n -s %d -c %d -T %d through each of %d coordinators; "
                + "killing the leader at %s s%n", settings.scale(), settings.clients(), settings.seconds(), lab.nodes(),
                settings.killAt());
        long startMicros = nowMicros();
        for (int n = 0; n < lab.nodes(); n++) {
            Path dir = pgbenchDir(n);
            Files.createDirectories(dir);
            xc.giveToUser(dir); // pgbench -l writes its log into its working directory
            LocalProcess pgbench = LocalProcess.program("pgbench via coordinator " + (n + 1),
                    runDir.resolve("pgbench-coordinator" + (n + 1) + ".log"), xc.command("pgbench", "-n", "-s",
                    Integer.toString(settings.scale()), "-c", Integer.toString(settings.clients()), "-T",
                    Integer.toString(settings.seconds()), "-l", "-h", lab.host(n), "-p",
                    Integer.toString(XcLab.COORDINATOR_PORT), XcLab.DATABASE), Map.of(), dir);
            pgbench.launch();
            pgbenches.add(pgbench);
        }
        int nextKill = 0;
        for (int tenth = 1; tenth <= settings.seconds() * 10 && pgbenches.stream().anyMatch(LocalProcess::alive);
                tenth++) {
            long wait = startMicros + tenth * 100_000L - nowMicros();
            if (wait > 0) {
                TimeUnit.MICROSECONDS.sleep(wait);
            }
            if (nextKill < settings.killAt().size() && tenth >= settings.killAt().get(nextKill) * 10) {
                nextKill++;
                LocalProcess victim = cluster.killLeader();
                if (victim != null) {
                    kills.add(new Kill(nowMicros(), victim.name));
                    System.out.printf(Locale.ROOT, "   %5.1f s  kill -9 of the leader %s%n", tenth / 10.0, victim);
                }
            }
            if (tenth % 10 == 0) {
                String leader = cluster.leader(200);
                leaders.put(tenth / 10, leader == null ? "(none)" : leader);
            }
        }
        for (LocalProcess p : pgbenches) {
            if (p.waitFor(120_000) < 0) {
                System.out.println("   " + p + " did not end 120 s after its time: stopping it");
                p.close();
            }
        }
        return startMicros;
    }

    private Path pgbenchDir(int node) {
        return runDir.resolve("pgbench-coordinator" + (node + 1));
    }

    /** sum(bbalance), sum(delta) and the history's rows through every coordinator, one query each. */
    private List<XcDemoReport.Balance> balances() throws IOException, InterruptedException {
        List<XcDemoReport.Balance> out = new ArrayList<>();
        for (int n = 0; n < lab.nodes(); n++) {
            Path log = runDir.resolve("psql.log");
            String host = lab.host(n);
            int port = XcLab.COORDINATOR_PORT;
            out.add(new XcDemoReport.Balance(
                    xc.query(host, port, XcLab.DATABASE, "SELECT sum(bbalance) FROM pgbench_branches", log),
                    xc.query(host, port, XcLab.DATABASE, "SELECT sum(delta) FROM pgbench_history", log),
                    xc.query(host, port, XcLab.DATABASE, "SELECT count(*) FROM pgbench_history", log)));
        }
        return out;
    }

    private void startNodes() throws IOException, InterruptedException {
        nodesMayRun = true;
        for (int n = 0; n < lab.nodes(); n++) {
            nodeScript("node-start", n);
        }
    }

    private void stopNodes() throws IOException, InterruptedException {
        for (int n = 0; n < lab.nodes(); n++) {
            if (Files.exists(lab.nodeConf(n))) {
                nodeScript("node-stop", n);
            }
        }
        nodesMayRun = false;
    }

    /** Runs bin/node-start or bin/node-stop for a node and shows what it printed. */
    private void nodeScript(String script, int node) throws IOException, InterruptedException {
        synchronized (this) {
            if (stopped && script.equals("node-start")) {
                throw new IllegalStateException("the demo is stopping");
            }
        }
        String out = LocalProcess.run(script + " node" + (node + 1), List.of(binDir().resolve(script).toString(), "-c",
                lab.nodeConf(node).toString()), Map.of("PGXC_HOME", xc.home.toString(), "MGTM_NO_BUILD", "1"),
                runDir.resolve(script + "-node" + (node + 1) + ".log"), 300_000);
        out.lines().filter(l -> !l.isBlank()).forEach(l -> System.out.println("   " + l));
    }

    /** The repository's (or installation's) bin/: $MGTM_HOME/bin, else the first bin/node-start above here. */
    static Path binDir() throws IOException {
        String home = System.getenv("MGTM_HOME");
        if (home != null && Files.isExecutable(Path.of(home, "bin", "node-start"))) {
            return Path.of(home, "bin").toAbsolutePath();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isExecutable(p.resolve("bin/node-start"))) {
                return p.resolve("bin");
            }
        }
        throw new IOException("bin/node-start not found: run from the mgtm repository or set MGTM_HOME");
    }

    /** Stops pgbench, XC (node-stop: pg_ctl stop -m fast) and the mgtm processes; once. */
    private synchronized void stopAll() throws InterruptedException {
        if (stopped) {
            return;
        }
        stopped = true;
        for (LocalProcess p : pgbenches) {
            p.close();
        }
        if (nodesMayRun) {
            try {
                stopNodes();
            } catch (IOException e) {
                System.out.println("   stopping XC failed: " + e.getMessage());
            }
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private void stopAllQuietly() {
        try {
            stopAll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static long nowMicros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }
}
