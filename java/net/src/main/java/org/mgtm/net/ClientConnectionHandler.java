package org.mgtm.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import org.mgtm.core.Command;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.WireMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thin glue between one XC connection and the sequencer: every command becomes a core command of
 * this connection's session; the connection's end ends the session (and its open transactions).
 */
final class ClientConnectionHandler extends SimpleChannelInboundHandler<WireMessage.Frontend> {
    private static final Logger log = LoggerFactory.getLogger(ClientConnectionHandler.class);

    private final Sequencer sequencer;
    private final long session;
    private Connection connection;

    ClientConnectionHandler(Sequencer sequencer, long session) {
        this.sequencer = sequencer;
        this.session = session;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        connection = new Connection(ctx.channel(), session, Connection.XC);
        super.channelActive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WireMessage.Frontend msg) {
        if (msg instanceof WireMessage.Command c) {
            int backendId = c.conid() == WireMessage.NO_CONID ? Command.NO_BACKEND : c.conid();
            connection.submitted();
            sequencer.submit(Command.Client.ofBackend(session, backendId, c.request()), connection, c.conid());
        } else if (msg instanceof WireMessage.InvalidCommand bad) {
            log.warn("{}: rejected message type {}: {}", connection, bad.messageType(), bad.error());
            connection.submitted();
            sequencer.submitAnswer(Response.Error.error(bad.error()), connection, bad.conid());
        } else if (msg instanceof WireMessage.Startup) {
            ctx.writeAndFlush(WireMessage.StartupAck.INSTANCE, ctx.voidPromise());
        } else if (msg instanceof WireMessage.Terminate) {
            ctx.close();
        }
        // Flush needs nothing: every batch's answers are flushed as soon as they are durable.
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        sequencer.drain();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        sequencer.submit(new Command.EndSession(session), null, WireMessage.NO_CONID);
        sequencer.drain();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String reason = cause.getMessage() != null ? cause.getMessage() : cause.toString();
        log.warn("closing connection of session {} from {}: {}", session, ctx.channel().remoteAddress(), reason);
        if (connection != null && ctx.channel().isActive()) {
            // Answers to the requests before the bad frame are still owed: close behind them.
            sequencer.submitClose(connection);
            sequencer.drain();
        } else {
            ctx.close();
        }
    }
}
