package org.mgtm.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;

/**
 * Netty plumbing shared by every listening port: native epoll where available, NIO otherwise; every accepted
 * connection's outbound buffer has a high water mark ({@link SlowReaderGuard} acts on it).
 */
public final class Transport {
    /** Past this many bytes waiting to be written to a client, its connection stops reading (SlowReaderGuard). */
    public static final int WRITE_HIGH_WATER = 256 * 1024;
    public static final int WRITE_LOW_WATER = 64 * 1024;

    private Transport() {
    }

    public static EventLoopGroup newGroup(int threads, String name) {
        DefaultThreadFactory factory = new DefaultThreadFactory(name);
        return Epoll.isAvailable() ? new EpollEventLoopGroup(threads, factory) : new NioEventLoopGroup(threads, factory);
    }

    /** Binds a listening socket; a failure names the address. */
    public static Channel listen(EventLoopGroup boss, EventLoopGroup workers, String host, int port,
                                 ChannelHandler childHandler) throws IOException {
        Class<? extends ServerChannel> type = Epoll.isAvailable() ? EpollServerSocketChannel.class
                : NioServerSocketChannel.class;
        try {
            return new ServerBootstrap().group(boss, workers).channel(type)
                    .option(ChannelOption.SO_BACKLOG, 2048)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                            new WriteBufferWaterMark(WRITE_LOW_WATER, WRITE_HIGH_WATER))
                    .childHandler(childHandler)
                    .bind(host, port).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding " + host + ":" + port, e);
        } catch (Exception e) {
            throw new IOException(bindFailure(host, port, e), e);
        }
    }

    /** One line naming the problem and the fix; the two ordinary causes are told apart by the OS's words. */
    static String bindFailure(String host, int port, Exception e) {
        String why = String.valueOf(e.getMessage());
        String where = "cannot listen on " + host + ":" + port;
        if (why.contains("Address already in use")) {
            return where + ": the address is already in use (another mgtm, gtm or gtm_proxy?): stop that process "
                    + "or choose another port";
        }
        if (why.contains("Cannot assign requested address")) {
            return where + ": " + host + " is not an address of this machine: give one of its own addresses";
        }
        if (why.contains("Permission denied")) {
            return where + ": permission denied (ports below 1024 need root): choose a port above 1023";
        }
        return where + ": " + why;
    }
}
