package org.mgtm.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.internal.ClientMessage;
import org.mgtm.protocol.internal.InternalFormat;
import org.mgtm.protocol.internal.InternalReplyDecoder;
import org.mgtm.protocol.internal.InternalRequestEncoder;
import org.mgtm.protocol.internal.ServerMessage;

/**
 * One connection of the internal protocol to one mgtm replica: the handshake, XC requests matched to
 * their replies by request number, pings and status. It does not follow leaders or resubmit: that is
 * the business of the session layer built on it (mgtm_proxy); mgtm-ctl uses it as it is.
 *
 * <p>{@link #handshake()} completes with the WELCOME, or exceptionally with a {@link Refused} holding
 * the NOT_LEADER or ERROR the replica answered. When the connection ends, every pending future fails
 * with a {@link GtmException} whose {@link GtmException#isConnectionFailure()} is true (outcome unknown)
 * — unless the replica said why first (NOT_LEADER, ERROR), which then is the failure.
 */
public final class InternalConnection implements AutoCloseable {
    /** The replica refused the connection or the session and said why. */
    public static final class Refused extends GtmException {
        private final transient ServerMessage reason;

        Refused(ServerMessage reason) {
            super("REFUSED", String.valueOf(reason));
            this.reason = reason;
        }

        /** The NOT_LEADER, ERROR or SESSION_ENDED message. */
        public ServerMessage reason() {
            return reason;
        }
    }

    private final Channel channel;
    private final CompletableFuture<ServerMessage.Welcome> welcome = new CompletableFuture<>();
    // Touched only on the channel's event loop.
    private final Map<Long, CompletableFuture<Response>> pending = new HashMap<>();
    private final ArrayDeque<CompletableFuture<ServerMessage>> control = new ArrayDeque<>();
    private ServerMessage terminal;

    private InternalConnection(Channel channel) {
        this.channel = channel;
    }

    /** Connects and sends HELLO; await {@link #handshake()} before sending requests. */
    public static CompletableFuture<InternalConnection> connect(EventLoopGroup group, InetSocketAddress address,
                                                                InternalFormat format, ClientMessage.Hello hello,
                                                                int connectTimeoutMillis) {
        return connect(group, address, format, hello, connectTimeoutMillis, null);
    }

    /** As above, over TLS when {@code tls} is not null (the HELLO leaves once the TLS handshake is done). */
    public static CompletableFuture<InternalConnection> connect(EventLoopGroup group, InetSocketAddress address,
                                                                InternalFormat format, ClientMessage.Hello hello,
                                                                int connectTimeoutMillis, SslContext tls) {
        CompletableFuture<InternalConnection> connected = new CompletableFuture<>();
        InternalConnection[] holder = new InternalConnection[1];
        // A single event loop (a session layer pins its connections to its own loop) is typed by its group.
        EventLoopGroup owner = group instanceof EventLoop loop && loop.parent() != null ? loop.parent() : group;
        Bootstrap b = new Bootstrap().group(group)
                .channel(owner instanceof EpollEventLoopGroup ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        InternalConnection c = new InternalConnection(ch);
                        holder[0] = c;
                        if (tls != null) {
                            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), address.getHostString(),
                                    address.getPort()));
                        }
                        ch.pipeline()
                                .addLast("internal-encoder", new InternalRequestEncoder(format))
                                .addLast("internal-decoder", new InternalReplyDecoder(format))
                                .addLast("client", c.new Handler());
                    }
                });
        b.connect(address).addListener(f -> {
            if (!f.isSuccess()) {
                connected.completeExceptionally(GtmException.connectFailed(address, f.cause()));
            } else {
                holder[0].channel.writeAndFlush(hello);
                connected.complete(holder[0]);
            }
        });
        return connected;
    }

    public CompletableFuture<ServerMessage.Welcome> handshake() {
        return welcome;
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) channel.remoteAddress();
    }

    /** Sends one XC request of the session; completes with its reply (an 'E' reply completes normally). */
    public CompletableFuture<Response> request(long requestNo, long ackedRequestNo, int backendId, Request request) {
        CompletableFuture<Response> reply = new CompletableFuture<>();
        inLoop(() -> {
            if (!channel.isActive()) {
                reply.completeExceptionally(failure());
                return;
            }
            pending.put(requestNo, reply);
            channel.writeAndFlush(new ClientMessage.XcRequest(requestNo, ackedRequestNo, backendId, request),
                    channel.voidPromise());
        });
        return reply;
    }

    /** The replica's status document (JSON). */
    public CompletableFuture<String> status() {
        return control(ClientMessage.StatusRequest.INSTANCE).thenApply(m -> ((ServerMessage.Status) m).json());
    }

    /** Round trip with the replica; completes with the leader term it reports. */
    public CompletableFuture<Long> ping(long nonce) {
        return control(new ClientMessage.Ping(nonce)).thenApply(m -> ((ServerMessage.Pong) m).term());
    }

    /** Ends the session (its transactions end); completes when the replica confirms. */
    public CompletableFuture<ServerMessage> endSession() {
        return control(ClientMessage.EndSession.INSTANCE);
    }

    private CompletableFuture<ServerMessage> control(ClientMessage message) {
        CompletableFuture<ServerMessage> answer = new CompletableFuture<>();
        inLoop(() -> {
            if (!channel.isActive()) {
                answer.completeExceptionally(failure());
                return;
            }
            control.add(answer);
            channel.writeAndFlush(message, channel.voidPromise());
        });
        return answer;
    }

    private void inLoop(Runnable task) {
        if (channel.eventLoop().inEventLoop()) {
            task.run();
        } else {
            channel.eventLoop().execute(task);
        }
    }

    private GtmException failure() {
        return terminal != null && !(terminal instanceof ServerMessage.SessionEnded) ? new Refused(terminal)
                : GtmException.lost("connection to " + channel.remoteAddress() + " lost");
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5000);
    }

    /** Closes without waiting: the only way to close from the connection's own event loop. */
    public ChannelFuture closeAsync() {
        return channel.close();
    }

    private final class Handler extends SimpleChannelInboundHandler<ServerMessage> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ServerMessage msg) {
            if (msg instanceof ServerMessage.Welcome w) {
                welcome.complete(w);
            } else if (msg instanceof ServerMessage.XcReply r) {
                CompletableFuture<Response> f = pending.remove(r.requestNo());
                if (f != null) {
                    f.complete(r.response());
                }
            } else if (msg instanceof ServerMessage.NotLeader || msg instanceof ServerMessage.Error) {
                terminal = msg;
                welcome.completeExceptionally(new Refused(msg));
            } else {
                if (msg instanceof ServerMessage.SessionEnded) {
                    terminal = msg;
                }
                CompletableFuture<ServerMessage> f = control.poll();
                if (f != null) {
                    f.complete(msg);
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            GtmException failure = failure();
            welcome.completeExceptionally(failure);
            pending.values().forEach(f -> f.completeExceptionally(failure));
            pending.clear();
            control.forEach(f -> f.completeExceptionally(failure));
            control.clear();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
