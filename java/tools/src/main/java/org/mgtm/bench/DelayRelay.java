package org.mgtm.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.mgtm.net.Transport;

/**
 * A TCP relay that delays every byte by a fixed time in each direction, to put a GTM "further away"
 * from its clients without changing it: the real-XC experiments measure how XC's own read race grows
 * with the GTM's round trip. Order is kept: delayed writes of one connection run on its event loop in
 * submission order (equal delays give deadlines in order, and Netty runs equal deadlines FIFO).
 */
public final class DelayRelay implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel listener;
    private final InetSocketAddress target;
    private final long delayMicros;
    private final LongAdder connections = new LongAdder();

    private DelayRelay(EventLoopGroup group, InetSocketAddress listen, InetSocketAddress target, long delayMicros)
            throws IOException {
        this.group = group;
        this.target = target;
        this.delayMicros = delayMicros;
        this.listener = Transport.listen(group, group, listen.getHostString(), listen.getPort(),
                new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel client) {
                        client.config().setAutoRead(false);
                        client.config().setOption(ChannelOption.TCP_NODELAY, true);
                        client.pipeline().addLast(new ClientSide());
                    }
                });
    }

    /** Listens on {@code listen} and relays each connection to {@code target}, {@code delayMicros} each way. */
    public static DelayRelay start(InetSocketAddress listen, InetSocketAddress target, long delayMicros)
            throws IOException {
        if (delayMicros < 0) {
            throw new IllegalArgumentException("the delay must not be negative");
        }
        return new DelayRelay(Transport.newGroup(2, "relay"), listen, target, delayMicros);
    }

    public InetSocketAddress boundAddress() {
        return (InetSocketAddress) listener.localAddress();
    }

    public long connections() {
        return connections.sum();
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** The accepted side: connects to the target, then relays both ways. */
    private final class ClientSide extends ChannelInboundHandlerAdapter {
        private Channel server;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel client = ctx.channel();
            connections.increment();
            Class<? extends Channel> type = Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class;
            new Bootstrap().group(client.eventLoop()).channel(type)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new Forward(client))
                    .connect(target).addListener((ChannelFutureListener) f -> {
                        if (f.isSuccess()) {
                            server = f.channel();
                            client.read();
                        } else {
                            client.close();
                        }
                    });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            relay((ByteBuf) msg, server, ctx.channel());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.channel().read();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closeLater(server);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** The target side: relays the answers back to the client. */
    private final class Forward extends ChannelInboundHandlerAdapter {
        private final Channel client;

        Forward(Channel client) {
            this.client = client;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            relay((ByteBuf) msg, client, ctx.channel());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closeLater(client);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private void relay(ByteBuf bytes, Channel to, Channel from) {
        if (delayMicros == 0) {
            to.writeAndFlush(bytes);
            return;
        }
        from.eventLoop().schedule(() -> {
            to.writeAndFlush(bytes);
        }, delayMicros, TimeUnit.MICROSECONDS);
    }

    /** Closes after the bytes still on their way have been written. */
    private void closeLater(Channel channel) {
        if (channel == null) {
            return;
        }
        channel.eventLoop().schedule(() -> {
            channel.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }, delayMicros, TimeUnit.MICROSECONDS);
    }
}
