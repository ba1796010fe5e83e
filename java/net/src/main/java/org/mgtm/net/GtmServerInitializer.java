package org.mgtm.net;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.mgtm.protocol.WireFormat;
import org.mgtm.protocol.codec.XcRequestDecoder;
import org.mgtm.protocol.codec.XcResponseEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The whole XC-facing pipeline of an mgtm connection, built in one place. */
public final class GtmServerInitializer extends ChannelInitializer<SocketChannel> {
    private static final Logger log = LoggerFactory.getLogger(GtmServerInitializer.class);

    private final WireFormat format;
    private final Sequencer sequencer;
    private final int maxConnections;
    private final LongSupplier sessionIds;
    private final ClientAllowlist allowlist;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicInteger open = new AtomicInteger();

    /**
     * @param sessionIds gives each new connection its session id: a counter on a standalone server,
     *                   random 64-bit ids on a replica (ids must not collide across leaders)
     */
    public GtmServerInitializer(WireFormat format, Sequencer sequencer, int maxConnections, LongSupplier sessionIds,
                                ClientAllowlist allowlist) {
        this.sessionIds = sessionIds;
        this.allowlist = allowlist;
        this.format = format;
        this.sequencer = sequencer;
        this.maxConnections = maxConnections;
    }

    /** Closes every client connection (a replica that stops being leader drops its clients). */
    public void closeAll() {
        channels.close();
    }

    public int openConnections() {
        return open.get();
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        if (!allowlist.admits(ch.remoteAddress())) {
            log.warn("refusing connection from {}: not in the client allowlist ({})", ch.remoteAddress(), allowlist);
            ch.close();
            return;
        }
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            log.warn("refusing connection from {}: {} connections already open", ch.remoteAddress(), maxConnections);
            ch.close();
            return;
        }
        ch.closeFuture().addListener(f -> open.decrementAndGet());
        channels.add(ch);
        ch.config().setOption(ChannelOption.TCP_NODELAY, true);
        ch.config().setOption(ChannelOption.SO_KEEPALIVE, true);
        ch.pipeline()
                .addLast("xc-decoder", new XcRequestDecoder(format, true))
                .addLast("xc-encoder", new XcResponseEncoder(format))
                .addLast("gtm", new ClientConnectionHandler(sequencer, sessionIds.getAsLong()));
    }
}
