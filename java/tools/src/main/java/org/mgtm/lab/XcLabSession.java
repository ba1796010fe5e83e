package org.mgtm.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One use of the kept XC lab ({@link XcLab}) by the real-XC demo or benchmark: the lab made on first
 * use, the nodes started by bin/node-start against whatever GTM side ({@link LabGtm}) serves the
 * proxy port, the start GXID above every XID the nodes used, the balance queries, and stopping
 * everything that was started — pgbench and the other tracked programs, XC by bin/node-stop
 * (pg_ctl stop -m fast), the GTM side — on {@link #close()}, on failure and on Ctrl-C (a shutdown
 * hook: Ctrl-C ends the JVM without running finally blocks).
 */
final class XcLabSession implements AutoCloseable {
    /** Margin above the highest XID of the nodes: GXIDs handed out must never meet one a node used. */
    private static final long GXID_MARGIN = 1000;
    /**
     * The margin when an instance crashed: its control file holds its last checkpoint's NextXID, and
     * the XIDs it used since then (a checkpoint interval of pgbench at most) are not in it.
     */
    private static final long GXID_MARGIN_AFTER_CRASH = 1_000_000;

    final XcInstallation xc;
    final XcLab lab;
    final Path runDir;
    private final List<LocalProcess> tracked = new ArrayList<>();
    private final Thread hook = new Thread(this::closeQuietly, "xc-lab-stop");
    private LabGtm gtm;
    private boolean nodesMayRun;
    private boolean stopped;

    private XcLabSession(XcInstallation xc, XcLab lab, Path runDir) {
        this.xc = xc;
        this.lab = lab;
        this.runDir = runDir.toAbsolutePath();
    }

    /**
     * Checks the installation and the lab, stops XC nodes an earlier run killed before it could clean
     * up may have left, and makes a new lab (initdb) when there is none of this scale and node count.
     * {@code runDir} is created, not emptied (the caller chooses what to remove).
     */
    static XcLabSession open(XcInstallation xc, XcLab lab, Path runDir) throws IOException, InterruptedException {
        XcLabSession session = new XcLabSession(xc, lab, runDir);
        Runtime.getRuntime().addShutdownHook(session.hook);
        try {
            xc.check();
            Files.createDirectories(session.runDir);
            System.out.printf("== Postgres-XC 0.9.2 in %s, running as %s; lab in %s%n", xc.home, xc.user, lab.root);
            lab.checkIsLab();
            session.nodesMayRun = true;
            session.stopNodes();
            if (!lab.ready()) {
                System.out.println("== first use (or another scale or node count): a new lab");
                lab.initialize(session.runDir);
            }
            return session;
        } catch (IOException | InterruptedException | RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /**
     * The GXID a GTM must start from: above the highest NextXID in the nodes' control files. The nodes
     * must be stopped (a shutdown checkpoint writes the control file).
     */
    long startGxid() throws IOException, InterruptedException {
        XcInstallation.ControlData nodes = lab.highestNextXid(runDir);
        long start = nodes.nextXid() + (nodes.shutDownCleanly() ? GXID_MARGIN : GXID_MARGIN_AFTER_CRASH);
        if (!nodes.shutDownCleanly()) {
            System.out.println("   an XC instance was not shut down cleanly: its control file may lag the XIDs it "
                    + "used, so the GTM starts " + GXID_MARGIN_AFTER_CRASH + " above it");
        }
        System.out.printf("   highest NextXID of the XC instances: %d; the GTM hands out GXIDs from %d on%n",
                nodes.nextXid(), start);
        return start;
    }

    /**
     * Hands {@code gtm}, which already serves the proxy port, to the session: it is stopped with it (or
     * by {@link #stopGtm()}) from now on; stopped at once if the session is stopping already.
     */
    void useGtm(LabGtm gtm) throws InterruptedException {
        synchronized (this) {
            if (!stopped) {
                this.gtm = gtm;
                return;
            }
        }
        gtm.close();
        throw new IllegalStateException("the run is stopping");
    }

    /**
     * Starts every node's XC instances against the GTM given to {@link #useGtm(LabGtm)}. On the lab's
     * first use also makes the pgbench database and brings the other coordinators' catalogs in step.
     */
    void startNodes() throws IOException, InterruptedException {
        LabGtm current;
        synchronized (this) {
            current = gtm;
        }
        lab.writeSettings(current.memberSpec(), LabCluster.SECRET, LabCluster.CLIENT_PORT, LabCluster.INTERNAL_PORT);
        startEveryNode();
        if (!lab.ready()) {
            lab.createPgbenchDatabase(runDir);
            System.out.println("   stopping the nodes to bring the other coordinators' catalogs in step");
            stopNodes();
            lab.copyFirstCoordinatorCatalog();
            startEveryNode();
            lab.markReady();
        }
    }

    private void startEveryNode() throws IOException, InterruptedException {
        nodesMayRun = true;
        for (int n = 0; n < lab.nodes(); n++) {
            nodeScript("node-start", n);
        }
    }

    /** Stops every node's XC instances (bin/node-stop: pg_ctl stop -m fast). */
    void stopNodes() throws IOException, InterruptedException {
        for (int n = 0; n < lab.nodes(); n++) {
            if (Files.exists(lab.nodeConf(n))) {
                nodeScript("node-stop", n);
            }
        }
        nodesMayRun = false;
    }

    /** Stops the GTM side given to {@link #useGtm(LabGtm)}; the nodes should be stopped first. */
    void stopGtm() throws InterruptedException {
        LabGtm current;
        synchronized (this) {
            current = gtm;
            gtm = null;
        }
        if (current != null) {
            current.close();
        }
    }

    /** Runs bin/node-start or bin/node-stop for a node and shows what it printed. */
    private void nodeScript(String script, int node) throws IOException, InterruptedException {
        synchronized (this) {
            if (stopped && script.equals("node-start")) {
                throw new IllegalStateException("the run is stopping");
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

    /**
     * Stops {@code p} with the session (Ctrl-C included) unless it ended before; returns it, to be
     * launched: a program is tracked before it starts, so none escapes a session that is stopping.
     */
    synchronized LocalProcess track(LocalProcess p) {
        if (stopped) {
            throw new IllegalStateException("the run is stopping");
        }
        tracked.add(p);
        return p;
    }

    /** A directory the XC user may write into (pgbench -l writes its log into its working directory). */
    Path userDir(Path dir) throws IOException {
        Files.createDirectories(dir);
        xc.giveToUser(dir);
        return dir;
    }

    /** sum(bbalance), sum(delta) and the history's rows through every coordinator, one query each. */
    List<XcRunReport.Balance> balances() throws IOException, InterruptedException {
        List<XcRunReport.Balance> out = new ArrayList<>();
        for (int n = 0; n < lab.nodes(); n++) {
            out.add(new XcRunReport.Balance(query(n, "SELECT sum(bbalance) FROM pgbench_branches"),
                    query(n, "SELECT sum(delta) FROM pgbench_history"),
                    query(n, "SELECT count(*) FROM pgbench_history")));
        }
        return out;
    }

    private String query(int node, String sql) throws IOException, InterruptedException {
        return xc.query(lab.host(node), XcLab.COORDINATOR_PORT, XcLab.DATABASE, sql, runDir.resolve("psql.log"));
    }

    /** Stops the tracked programs, XC and the GTM side; once. */
    @Override
    public void close() throws InterruptedException {
        List<LocalProcess> programs;
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            programs = new ArrayList<>(tracked);
        }
        for (LocalProcess p : programs) {
            p.stop(); // SIGTERM (runuser passes it on), SIGKILL after 10 s
        }
        if (nodesMayRun) {
            try {
                stopNodes();
            } catch (IOException e) {
                System.out.println("   stopping XC failed: " + e.getMessage());
            }
        }
        stopGtm();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs (or ran) close itself
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
