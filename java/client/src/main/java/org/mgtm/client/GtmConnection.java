package org.mgtm.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.WireMessage;
import org.mgtm.protocol.codec.XcRequestEncoder;
import org.mgtm.protocol.codec.XcResponseDecoder;

/**
 * One XC GTM protocol connection, asynchronous: each request's future completes with its answer
 * (answers come back in request order, so requests may be pipelined). Works against mgtm, an
 * original XC gtm or gtm_proxy. Error answers complete the future normally with a
 * {@link Response.Error}; only a lost connection completes it exceptionally ({@link GtmException}).
 */
public final class GtmConnection implements AutoCloseable {
    private final Channel channel;
    private final boolean proxyFraming;
    // Touched only on the channel's event loop: the order of this queue is the order on the wire.
    private final ArrayDeque<CompletableFuture<Response>> pending = new ArrayDeque<>();

    private GtmConnection(Channel channel, boolean proxyFraming) {
        this.channel = channel;
        this.proxyFraming = proxyFraming;
    }

    /** Opens the connection and completes once the GTM has acknowledged the startup message. */
    public static CompletableFuture<GtmConnection> connect(EventLoopGroup group, InetSocketAddress address,
                                                           ClientOptions options) {
        CompletableFuture<GtmConnection> ready = new CompletableFuture<>();
        Bootstrap bootstrap = new Bootstrap().group(group)
                .channel(Epoll.isAvailable() && group instanceof io.netty.channel.epoll.EpollEventLoopGroup
                        ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, options.connectTimeoutMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        GtmConnection connection = new GtmConnection(ch, options.proxyFraming());
                        ch.pipeline()
                                .addLast("xc-encoder", new XcRequestEncoder(options.format()))
                                .addLast("xc-decoder", new XcResponseDecoder(options.format(), options.proxyFraming()))
                                .addLast("client", connection.new Handler(ready));
                    }
                });
        ChannelFuture connecting = bootstrap.connect(address);
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                ready.completeExceptionally(GtmException.connectFailed(address, f.cause()));
            } else {
                connecting.channel().writeAndFlush(new WireMessage.Startup(options.coordinatorId(), options.proxyFraming()));
            }
        });
        return ready;
    }

    public boolean proxyFraming() {
        return proxyFraming;
    }

    public Channel channel() {
        return channel;
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    /** Sends a request on a plain connection. */
    public CompletableFuture<Response> request(Request request) {
        return send(WireMessage.NO_CONID, request, true);
    }

    /** Sends a request with a proxy header (proxy framing only). */
    public CompletableFuture<Response> request(int conid, Request request) {
        return send(conid, request, true);
    }

    /**
     * Writes a request without flushing; call {@link #flush()} after a group, as gtm_proxy does.
     * Requests that get no answer (BACKEND_DISCONNECT) complete with {@link Response.None} once written.
     */
    public CompletableFuture<Response> write(int conid, Request request) {
        return send(conid, request, false);
    }

    /** Flushes written requests; on proxy connections also sends the 'F' message gtm_proxy ends rounds with. */
    public void flush() {
        inLoop(() -> {
            if (proxyFraming) {
                channel.write(WireMessage.Flush.INSTANCE);
            }
            channel.flush();
        });
    }

    private CompletableFuture<Response> send(int conid, Request request, boolean flush) {
        if (proxyFraming == (conid == WireMessage.NO_CONID)) {
            throw new IllegalArgumentException(proxyFraming ? "proxy framing needs a conid" : "plain framing has no conid");
        }
        CompletableFuture<Response> answer = new CompletableFuture<>();
        boolean answered = expectsAnswer(request);
        inLoop(() -> {
            if (!channel.isActive()) {
                answer.completeExceptionally(GtmException.lost("connection to " + channel.remoteAddress() + " is closed"));
                return;
            }
            if (answered) {
                pending.add(answer);
            }
            WireMessage.Command command = new WireMessage.Command(conid, request);
            if (flush) {
                channel.writeAndFlush(command, channel.voidPromise());
            } else {
                channel.write(command, channel.voidPromise());
            }
            if (!answered) {
                answer.complete(Response.None.INSTANCE);
            }
        });
        return answer;
    }

    private static boolean expectsAnswer(Request request) {
        return !(request instanceof Request.BackendDisconnect) && !(request instanceof Request.UnregisterCoord);
    }

    private void inLoop(Runnable task) {
        if (channel.eventLoop().inEventLoop()) {
            task.run();
        } else {
            channel.eventLoop().execute(task);
        }
    }

    /** Says goodbye ('X') and closes. */
    @Override
    public void close() {
        if (channel.isActive()) {
            channel.writeAndFlush(WireMessage.Terminate.INSTANCE).addListener(f -> channel.close());
        }
        channel.closeFuture().awaitUninterruptibly(5000);
    }

    /** Drops the connection without a goodbye, as a crashed backend would. */
    public void abort() {
        channel.close().awaitUninterruptibly(5000);
    }

    private final class Handler extends SimpleChannelInboundHandler<WireMessage.Backend> {
        private final CompletableFuture<GtmConnection> ready;

        Handler(CompletableFuture<GtmConnection> ready) {
            this.ready = ready;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WireMessage.Backend msg) {
            if (msg instanceof WireMessage.StartupAck) {
                ready.complete(GtmConnection.this);
            } else if (msg instanceof WireMessage.Answer answer) {
                CompletableFuture<Response> f = pending.poll();
                if (f == null) {
                    ctx.fireExceptionCaught(GtmException.lost("answer without a request: " + answer));
                    return;
                }
                f.complete(answer.response());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            GtmException lost = GtmException.lost("connection to " + ctx.channel().remoteAddress() + " lost");
            ready.completeExceptionally(lost);
            CompletableFuture<Response> f;
            while ((f = pending.poll()) != null) {
                f.completeExceptionally(lost);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
