package org.mgtm.lab;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mgtm.bench.DelayRelay;

/**
 * One GTM that is not a group, with a proxy on every node host in front of it: the original gtm or
 * {@code mgtm server} on the first replica host, optionally behind a {@link DelayRelay} on the next
 * port of that host (the proxies then connect to the relay), and on each node host the original
 * gtm_proxy or {@code mgtm proxy --upstream-xc}, each a {@link LocalProcess}. The original programs
 * run as the XC user with their data directories given to it; they log to their own files and say
 * nothing when they serve, so readiness is their own listening socket
 * ({@link LocalProcess#awaitListening}): never a connection, which would leave gtm_proxy unable to serve.
 */
final class SingleGtm implements LabGtm {
    /** Which program is the GTM. */
    enum Server {
        ORIGINAL("original gtm"), MGTM("mgtm server");

        final String label;

        Server(String label) {
            this.label = label;
        }
    }

    /** Which program is the proxy on each node. */
    enum Proxy {
        ORIGINAL("gtm_proxy"), MGTM("mgtm_proxy");

        final String label;

        Proxy(String label) {
            this.label = label;
        }
    }

    /** The original gtm_proxy's worker threads (-n), as in the experiments of issue 9. */
    static final int GTM_PROXY_WORKERS = 2;
    private static final long START_MILLIS = 30_000;

    private final List<LocalProcess> proxies = new ArrayList<>();
    private LocalProcess gtm;
    private DelayRelay relay;

    private SingleGtm() {
    }

    /**
     * Starts the GTM at {@code gtmHost} handing out GXIDs from {@code startGxid} on (the original gtm's
     * data directory is new on every start, so its -x is what counts), the relay when
     * {@code relayMicros} is not null, then a proxy per node host. Logs and data go to {@code dir}.
     * Whatever started is stopped again if a step fails.
     */
    static SingleGtm start(XcInstallation xc, String classPath, Server server, Proxy proxy, Long relayMicros,
                           String gtmHost, List<String> nodeHosts, Path dir, long startGxid)
            throws IOException, InterruptedException {
        SingleGtm single = new SingleGtm();
        try {
            int port = LabCluster.CLIENT_PORT;
            System.out.printf("== starting the %s on %s:%d%n", server.label, gtmHost, port);
            single.gtm = server == Server.ORIGINAL
                    ? startOriginal(xc, "gtm", dir.resolve("gtm"), gtmHost, port, "gtm", "-h", gtmHost, "-p",
                            Integer.toString(port), "-x", Long.toString(startGxid))
                    : startMgtm("mgtm server", gtmHost, classPath, dir, List.of("server", "-h", gtmHost, "-p",
                            Integer.toString(port), "-D", dir.resolve("mgtm-server").toString(), "-x",
                            Long.toString(startGxid)));
            int upstreamPort = port;
            if (relayMicros != null) {
                upstreamPort = port + 1;
                single.relay = DelayRelay.start(new InetSocketAddress(gtmHost, upstreamPort),
                        new InetSocketAddress(gtmHost, port), relayMicros);
                System.out.printf("   relay on %s:%d adding %d us each way%n", gtmHost, upstreamPort, relayMicros);
            }
            System.out.println("== starting " + nodeHosts.size() + " " + proxy.label + " on " + String.join(", ", nodeHosts));
            for (int i = 0; i < nodeHosts.size(); i++) {
                String host = nodeHosts.get(i);
                String name = "proxy" + (i + 1);
                single.proxies.add(proxy == Proxy.ORIGINAL
                        ? startOriginal(xc, name, dir.resolve(name), host, port, "gtm_proxy", "-h", host, "-p",
                                Integer.toString(port), "-s", gtmHost, "-t", Integer.toString(upstreamPort), "-n",
                                Integer.toString(GTM_PROXY_WORKERS))
                        : startMgtm(name, host, classPath, dir, List.of("proxy", "-h", host, "-p",
                                Integer.toString(port), "--upstream-xc", gtmHost + ":" + upstreamPort)));
            }
            return single;
        } catch (IOException | InterruptedException | RuntimeException e) {
            single.close();
            throw e;
        }
    }

    /** Starts {@code mgtm ARGS} logging to {@code dir/NAME.log} (spaces as dashes) and waits until it serves. */
    private static LocalProcess startMgtm(String name, String host, String classPath, Path dir, List<String> args)
            throws IOException, InterruptedException {
        LocalProcess p = LocalProcess.mgtm(name, host, dir.resolve(name.replace(' ', '-') + ".log"), classPath, args);
        try {
            p.start(START_MILLIS);
        } catch (IOException e) {
            p.close();
            throw e;
        }
        return p;
    }

    /**
     * Starts an original XC program ({@code gtm} or {@code gtm_proxy}) as the XC user with a new data
     * directory {@code data} (-D) and its log in it (-l), and waits until it serves.
     */
    private static LocalProcess startOriginal(XcInstallation xc, String name, Path data, String host, int port,
                                              String program, String... args) throws IOException, InterruptedException {
        Files.createDirectories(data);
        xc.giveToUser(data);
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("-D", data.toString(), "-l", data.resolve(program + ".log").toString()));
        LocalProcess p = LocalProcess.program(name, data.getParent().resolve(name + ".out"),
                xc.command(program, all.toArray(String[]::new)), Map.of(), null);
        try {
            p.launch();
            p.awaitListening(host, port, START_MILLIS);
        } catch (IOException e) {
            p.stop();
            throw new IOException(e.getMessage() + " (its own log: " + data.resolve(program + ".log") + ")", e);
        }
        return p;
    }

    @Override
    public String memberSpec() {
        return "";
    }

    @Override
    public boolean replicated() {
        return false;
    }

    @Override
    public String leader(long timeoutMillis) {
        return null;
    }

    @Override
    public LocalProcess killLeader() {
        return null;
    }

    /**
     * Stops the proxies, the relay, then the GTM: SIGTERM (runuser passes it on to an original program),
     * SIGKILL after 10 s.
     */
    @Override
    public void close() throws InterruptedException {
        for (LocalProcess p : proxies) {
            p.stop();
        }
        if (relay != null) {
            relay.close();
        }
        if (gtm != null) {
            gtm.stop();
        }
    }
}
