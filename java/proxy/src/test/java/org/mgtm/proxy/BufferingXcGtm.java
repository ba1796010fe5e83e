package org.mgtm.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.mgtm.core.Command;
import org.mgtm.core.CoreLimits;
import org.mgtm.core.GtmStateMachine;
import org.mgtm.protocol.WireFormat;
import org.mgtm.protocol.WireMessage;
import org.mgtm.protocol.codec.XcRequestDecoder;
import org.mgtm.protocol.codec.XcResponseEncoder;

/**
 * A stand-in for the original C gtm on proxy connections, for tests: answers come from the real
 * core, but, as the C gtm does (protocol notes 8.3-8.4), an answer on a proxy connection is only
 * buffered; the connection's buffered answers leave when the client sends 'F'. Records every frame
 * it reads, in order.
 */
final class BufferingXcGtm implements AutoCloseable {
    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final GtmStateMachine core = new GtmStateMachine(CoreLimits.DEFAULT);
    private final List<WireMessage.Frontend> received = new CopyOnWriteArrayList<>();
    private final Channel server;

    BufferingXcGtm() throws InterruptedException {
        core.apply(new Command.Restart(1000));
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new XcRequestDecoder(WireFormat.DEFAULT, true),
                                new XcResponseEncoder(WireFormat.DEFAULT), new Handler());
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Every frame read so far, on all connections, in order. */
    List<WireMessage.Frontend> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<WireMessage.Frontend> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WireMessage.Frontend msg) {
            received.add(msg);
            if (msg instanceof WireMessage.Startup) {
                ctx.writeAndFlush(WireMessage.StartupAck.INSTANCE);
            } else if (msg instanceof WireMessage.Command c) {
                var reply = core.apply(Command.Client.ofBackend(1, c.conid(), c.request()));
                if (!(reply instanceof org.mgtm.protocol.Response.None)) {
                    ctx.write(new WireMessage.Answer(c.conid(), reply));
                }
            } else if (msg instanceof WireMessage.Flush) {
                ctx.flush();
            }
        }
    }
}
