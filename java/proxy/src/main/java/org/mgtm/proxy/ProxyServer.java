package org.mgtm.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.mgtm.net.ClientAllowlist;
import org.mgtm.net.ConnectionGate;
import org.mgtm.net.RefusalLog;
import org.mgtm.net.SlowReaderGuard;
import org.mgtm.net.Transport;
import org.mgtm.protocol.WireFormat;
import org.mgtm.protocol.codec.XcRequestDecoder;
import org.mgtm.protocol.codec.XcResponseEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mgtm_proxy: listens where XC coordinators and datanodes expect their GTM and serves them with the
 * XC 0.9.2 protocol, exactly as the original gtm_proxy answers its backends, over one session with the
 * replicated group ({@link Upstream}). The pipeline of a backend connection is built here, in one place.
 */
public final class ProxyServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);
    public static final int DEFAULT_MAX_CONNECTIONS = 4096;

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel listener;
    private final ProxyStats stats;
    private final SlotPool slots;
    private final ProxyMetrics metrics;

    private ProxyServer(EventLoopGroup boss, EventLoopGroup workers, Channel listener, ProxyStats stats,
                        SlotPool slots, ProxyMetrics metrics) {
        this.boss = boss;
        this.workers = workers;
        this.listener = listener;
        this.stats = stats;
        this.slots = slots;
        this.metrics = metrics;
    }

    /**
     * Starts listening on {@code host:port}; {@code upstreamLoop} is the event loop of the upstream
     * session, where all grouping happens. Its metrics are kept but not served.
     */
    public static ProxyServer start(String host, int port, WireFormat format, ClientAllowlist allowlist,
                                    int ioThreads, Upstream upstream, EventExecutor upstreamLoop) throws IOException {
        return start(host, port, format, allowlist, ioThreads, upstream, upstreamLoop, Grouper.DEFAULT_MAX_ROUNDS_OUT,
                DEFAULT_MAX_CONNECTIONS, new ProxyMetrics());
    }

    /**
     * As above, with up to {@code maxRoundsOut} rounds of grouped requests out at once ({@link Grouper}), at most
     * {@code maxConnections} backends connected at once, and the proxy's figures published through {@code metrics}.
     */
    public static ProxyServer start(String host, int port, WireFormat format, ClientAllowlist allowlist,
                                    int ioThreads, Upstream upstream, EventExecutor upstreamLoop, int maxRoundsOut,
                                    int maxConnections, ProxyMetrics metrics) throws IOException {
        RefusalLog refusals = new RefusalLog(log, "backend");
        ConnectionGate gate = new ConnectionGate(maxConnections, refusals);
        ProxyStats stats = new ProxyStats();
        SlotPool slots = new SlotPool();
        metrics.watch(stats, slots);
        Grouper grouper = new Grouper(upstream, upstreamLoop, stats, maxRoundsOut);
        EventLoopGroup boss = Transport.newGroup(1, "proxy-accept");
        EventLoopGroup workers = Transport.newGroup(ioThreads, "proxy-io");
        try {
            Channel listener = Transport.listen(boss, workers, host, port, new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    if (!allowlist.admits(ch.remoteAddress())) {
                        refusals.refuse(ch.remoteAddress(), "not in the client allowlist (" + allowlist + ")");
                        ch.close();
                        return;
                    }
                    if (!gate.admit(ch)) {
                        return;
                    }
                    ch.config().setOption(ChannelOption.TCP_NODELAY, true);
                    ch.pipeline()
                            .addLast("slow-reader", new SlowReaderGuard(refusals))
                            // Backends are always plain-framed, whatever their startup's isproxy byte says.
                            .addLast("xc-decoder", new XcRequestDecoder(format, false))
                            .addLast("xc-encoder", new XcResponseEncoder(format))
                            .addLast("backend", new BackendHandler(grouper, slots, metrics));
                }
            });
            return new ProxyServer(boss, workers, listener, stats, slots, metrics);
        } catch (IOException e) {
            boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    public InetSocketAddress boundAddress() {
        return (InetSocketAddress) listener.localAddress();
    }

    public ProxyStats stats() {
        return stats;
    }

    public ProxyMetrics metrics() {
        return metrics;
    }

    public int connectedBackends() {
        return slots.inUse();
    }

    @Override
    public void close() {
        metrics.close();
        listener.close().awaitUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
