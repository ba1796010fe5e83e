package org.mgtm.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One run of pgbench through the XC lab with one GTM setup: the GTM side started above every XID the
 * nodes used, the capture (if asked for) started before the nodes so that every backend's GTM
 * connection is seen from its first packet, the nodes started against the proxies, the load, the
 * balances, then everything stopped again — the nodes before the GTM side, since XC's backends talk
 * to the GTM until they end — and only then the capture audited, on an idle machine. The demo and
 * every benchmark run go through here.
 */
final class XcRun {
    /**
     * pgbench clients per coordinator, seconds of load, first seconds reported apart as warm-up, the
     * race experiment, the capture, and the prefix of the timeline's files.
     */
    record Options(int clients, int seconds, int warmupSeconds, boolean race, boolean capture, String filePrefix) {
    }

    private XcRun() {
    }

    /** Runs {@code setup} in {@code session}'s lab, files in {@code dir}; the figures and checks. */
    static XcRunResult run(XcLabSession session, XcSetup setup, String classPath, List<String> replicaHosts,
                           Options options, Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        System.out.println("== " + setup.label() + ", pgbench -c " + options.clients() + " per coordinator; files in "
                + dir);
        long startGxid = session.startGxid();
        // Another lab on this machine may use the same addresses: never serve its processes, or ours to it.
        ListeningSockets.requireFree(setup.addresses(replicaHosts, session.lab.nodeHosts()));
        LabGtm gtm = setup.start(session, classPath, replicaHosts, dir, startGxid);
        session.useGtm(gtm);
        TrafficCapture capture = null;
        List<String> tcpdumpSaid = List.of();
        XcLoad.Outcome load;
        List<XcRunReport.Balance> before;
        List<XcRunReport.Balance> after;
        String finalLeader;
        try {
            if (options.capture()) {
                capture = TrafficCapture.start(session, dir, session.lab.nodeHosts(), LabCluster.CLIENT_PORT);
            }
            session.startNodes();
            before = session.balances();
            load = new XcLoad(session, gtm, new XcLoad.Settings(options.clients(), options.seconds(),
                    session.lab.scale(), setup.killAt(), options.race()), dir).run();
            after = session.balances();
            finalLeader = gtm.leader(300);
        } finally {
            if (capture != null) {
                tcpdumpSaid = capture.stop();
            }
            session.stopNodes();
            session.stopGtm();
        }
        TrafficCapture.Verdict verdict = capture == null ? null : capture.audit(dir, tcpdumpSaid);
        XcRunReport.Run run = new XcRunReport.Run(setup.label(), options.filePrefix(), options.clients(),
                options.seconds(), options.warmupSeconds(), !setup.killAt().isEmpty());
        return new XcRunReport(session.lab, run, load, before, after, finalLeader, verdict).print(dir);
    }
}
