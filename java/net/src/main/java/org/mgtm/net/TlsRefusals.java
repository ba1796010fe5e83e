package org.mgtm.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * Sits behind a server's {@code SslHandler}: a client whose TLS handshake fails (no certificate, one the group CA did
 * not sign, plaintext, a replay of recorded bytes) is closed and logged once (through {@link RefusalLog}), and the
 * handshake's exceptions go no further up the pipeline.
 */
public final class TlsRefusals extends ChannelInboundHandlerAdapter {
    private final RefusalLog refusals;
    private boolean failed;

    public TlsRefusals(RefusalLog refusals) {
        this.refusals = refusals;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
            failed = true;
            Throwable c = done.cause();
            refusals.refuse(ctx.channel().remoteAddress(), "TLS handshake failed ("
                    + (c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName()) + ")");
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        if (failed || !ctx.channel().isActive()) {
            return; // the handshake's own failure, reported once above
        }
        super.exceptionCaught(ctx, cause);
    }
}
