package org.mgtm.server;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.mgtm.protocol.WireFormat;
import org.mgtm.protocol.codec.XcRequestDecoder;
import org.mgtm.protocol.codec.XcResponseEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The whole XC-facing pipeline of an mgtm connection, built in one place. */
final class GtmServerInitializer extends ChannelInitializer<SocketChannel> {
    private static final Logger log = LoggerFactory.getLogger(GtmServerInitializer.class);

    private final WireFormat format;
    private final CommandSequencer sequencer;
    private final int maxConnections;
    private final AtomicLong sessions = new AtomicLong();
    private final AtomicInteger open = new AtomicInteger();

    GtmServerInitializer(WireFormat format, CommandSequencer sequencer, int maxConnections) {
        this.format = format;
        this.sequencer = sequencer;
        this.maxConnections = maxConnections;
    }

    int openConnections() {
        return open.get();
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            log.warn("refusing connection from {}: {} connections already open", ch.remoteAddress(), maxConnections);
            ch.close();
            return;
        }
        ch.closeFuture().addListener(f -> open.decrementAndGet());
        ch.config().setOption(ChannelOption.TCP_NODELAY, true);
        ch.config().setOption(ChannelOption.SO_KEEPALIVE, true);
        ch.pipeline()
                .addLast("xc-decoder", new XcRequestDecoder(format, true))
                .addLast("xc-encoder", new XcResponseEncoder(format))
                .addLast("gtm", new ClientConnectionHandler(sequencer, sessions.incrementAndGet()));
    }
}
