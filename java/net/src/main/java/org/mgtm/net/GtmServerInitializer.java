package org.mgtm.net;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
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
    private final RefusalLog refusals = new RefusalLog(log, "XC connection");
    private final ConnectionGate gate;

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
        this.gate = new ConnectionGate(maxConnections, refusals);
    }

    /** Closes every client connection (a replica that stops being leader drops its clients). */
    public void closeAll() {
        channels.close();
    }

    public int openConnections() {
        return gate.open();
    }

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
        channels.add(ch);
        ch.config().setOption(ChannelOption.TCP_NODELAY, true);
        ch.config().setOption(ChannelOption.SO_KEEPALIVE, true);
        ch.pipeline()
                .addLast("slow-reader", new SlowReaderGuard(refusals))
                .addLast("xc-decoder", new XcRequestDecoder(format, true))
                .addLast("xc-encoder", new XcResponseEncoder(format))
                .addLast("gtm", new ClientConnectionHandler(sequencer, sessionIds.getAsLong()));
    }
}
