package org.mgtm.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.WireMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One XC backend (coordinator or datanode process) connected to the proxy. It answers the startup at
 * once (the original proxy made backends wait for a worker's poll, up to 1 s), gives the backend a
 * slot, hands its requests to the grouper and writes the answers back; when the backend goes away
 * its open transactions are ended at the GTM (BACKEND_DISCONNECT) and only then is its slot reused.
 */
final class BackendHandler extends SimpleChannelInboundHandler<WireMessage.Frontend> {
    private static final Logger log = LoggerFactory.getLogger(BackendHandler.class);

    private final Grouper grouper;
    private final SlotPool slots;
    private final ProxyMetrics metrics;
    private int slot = -1;

    BackendHandler(Grouper grouper, SlotPool slots, ProxyMetrics metrics) {
        this.grouper = grouper;
        this.slots = slots;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        slot = slots.take();
        if (slot < 0) {
            log.warn("refusing backend {}: all {} backend slots are in use", ctx.channel().remoteAddress(),
                    SlotPool.MAX_SLOTS);
            ctx.close();
            return;
        }
        super.channelActive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WireMessage.Frontend msg) {
        Channel channel = ctx.channel();
        if (msg instanceof WireMessage.Startup) {
            ctx.writeAndFlush(WireMessage.StartupAck.INSTANCE, ctx.voidPromise());
        } else if (msg instanceof WireMessage.Command c) {
            if (c.request() instanceof Request.BackendDisconnect || c.request() instanceof Request.UnregisterCoord) {
                return; // backends never send these; gtm_proxy handled UNREGISTER_COORD locally, unanswered
            }
            long since = System.nanoTime();
            grouper.submit(slot, c.request(), response -> {
                metrics.answered(c.request(), response, since);
                answer(channel, response);
            });
        } else if (msg instanceof WireMessage.InvalidCommand bad) {
            log.warn("backend {}: rejected message type {}: {}", channel.remoteAddress(), bad.messageType(),
                    bad.error());
            answer(channel, Response.Error.error(bad.error()));
        } else if (msg instanceof WireMessage.Terminate) {
            ctx.close();
        }
    }

    private static void answer(Channel channel, Response response) {
        if (!(response instanceof Response.None) && channel.isActive()) {
            channel.writeAndFlush(new WireMessage.Answer(WireMessage.NO_CONID, response), channel.voidPromise());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (slot >= 0) {
            int ended = slot;
            slot = -1;
            // The slot is free again only once the GTM has ended its transactions (or failed to answer:
            // then the proxy's session will expire and end them; the slot may be reused meanwhile).
            grouper.submit(ended, new Request.BackendDisconnect(), response -> slots.release(ended));
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String reason = cause.getMessage() != null ? cause.getMessage() : cause.toString();
        log.warn("closing backend connection from {}: {}", ctx.channel().remoteAddress(), reason);
        ctx.close();
    }
}
