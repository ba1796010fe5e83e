package org.mgtm.proxy;

import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.mgtm.client.ClientOptions;
import org.mgtm.client.GtmConnection;
import org.mgtm.client.LeaderClient;
import org.mgtm.client.LeaderClientSettings;
import org.mgtm.client.Member;
import org.mgtm.config.Signals;
import org.mgtm.net.ClientAllowlist;
import org.mgtm.net.TlsConfig;
import org.mgtm.net.Transport;
import org.mgtm.protocol.WireFormat;
import org.mgtm.protocol.internal.InternalFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mgtm proxy}: runs mgtm_proxy where a node's coordinator and datanode expect their GTM. With
 * {@code --members} it holds one session with a replicated group and hides leader changes; with
 * {@code --upstream-xc host:port} it sits in front of a standalone mgtm (or an original XC gtm) with
 * no failover.
 */
@Command(name = "proxy",
        description = "Run mgtm_proxy: serves Postgres-XC 0.9.2 backends, groups their requests and follows the "
                + "leader of a replicated mgtm group.")
public final class ProxyCommand implements Callable<Integer> {
    // -h is the host here (as in pgbench and gtm_proxy), so help is --help only.
    @Option(names = "--help", usageHelp = true, description = "Show this help message and exit.")
    boolean helpRequested;

    @Option(names = "--config", description = "Settings file (key = value, keys as the long options with _ for -).")
    Path config;

    @Option(names = {"-h", "--host"}, defaultValue = "127.0.0.1", description = "Listen address (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = {"-p", "--port"}, defaultValue = "6666", description = "Listen port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--members", description = "The mgtm group: id@host:raft_port,... (its members' internal ports "
            + "are on the same hosts).")
    String members;

    @Option(names = "--internal-port", defaultValue = "6680", description = "The group's internal port (default: ${DEFAULT-VALUE}).")
    int internalPort;

    @Option(names = "--secret", description = "The group's shared secret.")
    String secret;

    @Option(names = "--upstream-xc", description = "Instead of a group: host:port of a standalone mgtm or XC gtm.")
    String upstreamXc;

    @Option(names = "--deadline-ms", defaultValue = "30000",
            description = "Backends waiting longer than this for a leader get an error (default: ${DEFAULT-VALUE}).")
    long deadlineMs;

    @Option(names = "--allow-clients", defaultValue = ClientAllowlist.LOOPBACK,
            description = "Backend addresses that may connect (CIDR list or *; default: ${DEFAULT-VALUE}).")
    String allowClients;

    @Option(names = "--host-order", defaultValue = "little", description = "XC host byte order: little or big.")
    String hostOrder;

    @Option(names = "--io-threads", defaultValue = "2", description = "Network threads (default: ${DEFAULT-VALUE}).")
    int ioThreads;

    @Option(names = "--subcluster", description = "The sub-cluster whose group this proxy serves (docs/subclusters.md): "
            + "shown at start and in the stop line, for operators; XC backends are not told.")
    String subcluster;

    @Option(names = "--max-rounds-out", defaultValue = "" + Grouper.DEFAULT_MAX_ROUNDS_OUT,
            description = "Rounds of grouped requests out to the GTM at once; a request that arrives while fewer "
                    + "are out leaves at once (default: ${DEFAULT-VALUE}).")
    int maxRoundsOut;

    @Option(names = "--metrics-port", defaultValue = "0",
            description = "Serve Prometheus metrics at http://<--host>:PORT/metrics; 0 = off (default: ${DEFAULT-VALUE}; "
                    + "docs/operations.md lists the metrics).")
    int metricsPort;

    @Option(names = "--max-connections", defaultValue = "" + ProxyServer.DEFAULT_MAX_CONNECTIONS,
            description = "Backend connections at most (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--internal-tls", defaultValue = "false", arity = "1",
            description = "Talk to the group over TLS (the replicas' internal_tls); needs the stores below.")
    boolean internalTls;

    @Option(names = "--tls-keystore", description = "PKCS#12 file with this proxy's key and certificate.")
    Path tlsKeystore;

    @Option(names = "--tls-truststore", description = "PKCS#12 file with the group CA's certificate.")
    Path tlsTruststore;

    @Option(names = "--tls-password", description = "Password of both stores (default: the group secret).")
    String tlsPassword;

    @Override
    public Integer call() throws Exception {
        ByteOrder order = WireFormat.parseHostOrder(hostOrder);
        WireFormat format = new WireFormat(order, WireFormat.DEFAULT_MAX_FRAME_LENGTH);
        ProxyMetrics metrics = new ProxyMetrics();
        metrics.serve(host, metricsPort);
        EventLoopGroup upstreamGroup = Transport.newGroup(1, "proxy-upstream");
        Upstream upstream;
        AutoCloseable session;
        if (upstreamXc != null) {
            int colon = upstreamXc.lastIndexOf(':');
            InetSocketAddress address = new InetSocketAddress(upstreamXc.substring(0, colon),
                    Integer.parseInt(upstreamXc.substring(colon + 1)));
            GtmConnection link = GtmConnection.connect(upstreamGroup, address,
                    new ClientOptions(format, true, 1, 5000)).get(10, TimeUnit.SECONDS);
            upstream = new XcUpstream(link);
            session = link;
        } else {
            if (members == null || secret == null) {
                throw new IllegalArgumentException("give --members and --secret (or --upstream-xc)");
            }
            List<InetSocketAddress> addresses = Member.internalAddresses(members, internalPort);
            LeaderClientSettings d = LeaderClientSettings.of(addresses, secret);
            LeaderClientSettings settings = new LeaderClientSettings(addresses, secret, "mgtm_proxy@" + host + ":" + port,
                    InternalFormat.of(format), deadlineMs, d.connectTimeoutMillis(), d.handshakeTimeoutMillis(),
                    d.minBackoffMillis(), d.maxBackoffMillis(), d.pingIntervalMillis(), d.silenceTimeoutMillis(),
                    internalTls ? TlsConfig.of(true, tlsKeystore, tlsTruststore, tlsPassword, secret).clientContext()
                            : null);
            LeaderClient client = LeaderClient.start(upstreamGroup, settings);
            metrics.watch(client);
            upstream = client::submit;
            session = client;
        }
        ProxyServer proxy = ProxyServer.start(host, port, format, ClientAllowlist.parse(allowClients), ioThreads,
                upstream, upstreamGroup.next(), maxRoundsOut, maxConnections, metrics);
        System.out.println("mgtm_proxy listening on " + proxy.boundAddress()
                + (subcluster == null ? "" : ", serving sub-cluster " + subcluster));
        System.out.println("I'm running...");
        System.out.flush();
        Signals.awaitStop();
        ProxyStats st = proxy.stats();
        System.out.printf(java.util.Locale.ROOT, "mgtm_proxy" + (subcluster == null ? "" : " of sub-cluster "
                + subcluster.replace("%", "%%")) + " stopping: %d rounds (up to %d out), %d MULTI requests "
                + "carrying %d backend requests, %d forwarded, %d failed; %.2f backend requests per upstream request, "
                + "%.2f per round%n", st.rounds(), maxRoundsOut, st.multiRequests(), st.groupedBackendRequests(),
                st.forwardedRequests(), st.failedRequests(), st.requestsPerUpstreamRequest(), st.requestsPerRound());
        proxy.close();
        session.close();
        upstreamGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        return 0;
    }
}
