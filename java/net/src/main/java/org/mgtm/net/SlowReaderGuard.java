package org.mgtm.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Bounds what a client that does not read its answers can cost. Every accepted connection has a write-buffer high
 * water mark ({@link Transport#WRITE_HIGH_WATER}); past it the channel is unwritable, and this handler stops reading
 * the client's requests (no requests, no more answers: the buffer stops growing) until the client has read enough.
 * A client that stays unwritable for {@link #TIMEOUT_SECONDS} is closed, and that is logged once per client.
 */
public final class SlowReaderGuard extends ChannelInboundHandlerAdapter {
    public static final long TIMEOUT_SECONDS = 10;
    private final RefusalLog refusals;
    private ScheduledFuture<?> deadline;

    public SlowReaderGuard(RefusalLog refusals) {
        this.refusals = refusals;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        boolean writable = ctx.channel().isWritable();
        ctx.channel().config().setAutoRead(writable);
        if (writable) {
            if (deadline != null) {
                deadline.cancel(false);
                deadline = null;
            }
            ctx.read();
        } else if (deadline == null) {
            deadline = ctx.executor().schedule(() -> {
                if (ctx.channel().isActive() && !ctx.channel().isWritable()) {
                    // The reason is the key of "once per client and reason": no per-connection figures in it.
                    refusals.refuse(ctx.channel().remoteAddress(), "it has not read its answers for "
                            + TIMEOUT_SECONDS + " s: closing the connection");
                    ctx.close();
                }
            }, TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (deadline != null) {
            deadline.cancel(false);
        }
        super.channelInactive(ctx);
    }
}
