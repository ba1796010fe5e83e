package org.mgtm.replication;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.mgtm.core.Command;
import org.mgtm.net.Connection;
import org.mgtm.net.RefusalLog;
import org.mgtm.net.Sequencer;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.internal.ClientMessage;
import org.mgtm.protocol.internal.ErrorCode;
import org.mgtm.protocol.internal.ServerMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One internal-protocol connection (an mgtm_proxy session, or mgtm-ctl): the handshake checks the
 * shared secret and the XC byte order, then either binds the connection to a client session on the
 * leader or serves status and pings on any replica. Requests go through the replicated sequencer
 * with their (session, request number), so a resubmitted request is applied once.
 */
final class InternalConnectionHandler extends SimpleChannelInboundHandler<ClientMessage> {
    private static final Logger log = LoggerFactory.getLogger(InternalConnectionHandler.class);
    /** Tag of an END_SESSION command: its answer is SESSION_ENDED, not an XC reply. */
    private static final long END_SESSION_TAG = -1;

    /** Whether a resumed session can continue. */
    enum SessionState {
        /** The state has its transactions or cached replies. */
        KNOWN,
        /** The state, complete up to this leader's term, does not know it: the group ended it. */
        ENDED,
        /**
         * Not known yet: a new leader may not have applied the entries its predecessor committed until
         * an entry of its own term commits, and the session's first requests may be among them.
         */
        NOT_YET
    }

    /** How often a HELLO that resumes a session not known yet is looked at again. */
    private static final long RESUME_RECHECK_MILLIS = 20;

    /** What the handler needs to know about its replica. */
    interface Replica {
        boolean isLeader();

        long term();

        String memberId();

        /** NOT_LEADER naming the current leader and its internal address, as far as known. */
        ServerMessage.NotLeader notLeader();

        /** What the replicated state says of a session a client resumes. */
        SessionState session(long session);

        String statusJson();

        /** Whether the group holds as many sessions as it may (a new one is refused). */
        boolean sessionsFull();
    }

    private final Replica replica;
    private final Sequencer sequencer;
    private final SessionExpiry expiry;
    private final byte[] token;
    private final ByteOrder xcOrder;
    private final RefusalLog refusals;
    private Connection connection;
    private boolean helloSeen;

    InternalConnectionHandler(Replica replica, Sequencer sequencer, SessionExpiry expiry, byte[] token,
                              ByteOrder xcOrder, RefusalLog refusals) {
        this.refusals = refusals;
        this.replica = replica;
        this.sequencer = sequencer;
        this.expiry = expiry;
        this.token = token;
        this.xcOrder = xcOrder;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ClientMessage msg) {
        if (!helloSeen) {
            hello(ctx, msg);
            return;
        }
        if (msg instanceof ClientMessage.Ping ping) {
            ctx.writeAndFlush(new ServerMessage.Pong(ping.nonce(), replica.term()));
        } else if (msg instanceof ClientMessage.StatusRequest) {
            ctx.writeAndFlush(new ServerMessage.Status(replica.statusJson()));
        } else if (connection == null) {
            refuse(ctx, ErrorCode.PROTOCOL_VIOLATION, "a connection without a session may only ask for status and ping");
        } else if (msg instanceof ClientMessage.XcRequest r) {
            sequencer.submit(new Command.Client(connection.session, r.backendId(), r.requestNo(), r.ackedRequestNo(),
                    r.request()), connection, r.requestNo());
        } else if (msg instanceof ClientMessage.EndSession) {
            sequencer.submit(new Command.EndSession(connection.session), connection, END_SESSION_TAG);
            sequencer.submitClose(connection);
        } else {
            refuse(ctx, ErrorCode.PROTOCOL_VIOLATION, "unexpected " + msg.getClass().getSimpleName());
        }
    }

    private void hello(ChannelHandlerContext ctx, ClientMessage msg) {
        if (msg instanceof ClientMessage.UnsupportedHello u) {
            refuse(ctx, ErrorCode.UNSUPPORTED_VERSION, "protocol version " + u.version() + " is not supported");
            return;
        }
        if (!(msg instanceof ClientMessage.Hello hello)) {
            refuse(ctx, ErrorCode.PROTOCOL_VIOLATION, "the first message must be HELLO");
            return;
        }
        if (!hello.tokenMatches(token)) {
            refusals.refuse(ctx.channel().remoteAddress(), "wrong secret (client name '" + hello.clientName() + "')");
            refuse(ctx, ErrorCode.BAD_TOKEN, "authentication failed");
            return;
        }
        if (!hello.xcHostOrder().equals(xcOrder)) {
            refuse(ctx, ErrorCode.BYTE_ORDER_MISMATCH, "this replica uses XC host order " + xcOrder);
            return;
        }
        helloSeen = true;
        if (!hello.hasSession()) {
            ctx.writeAndFlush(new ServerMessage.Welcome(replica.term(), replica.memberId(), replica.isLeader(), false));
            return;
        }
        admit(ctx, hello);
    }

    private void admit(ChannelHandlerContext ctx, ClientMessage.Hello hello) {
        if (!ctx.channel().isActive()) {
            return;
        }
        if (!replica.isLeader()) {
            ctx.writeAndFlush(replica.notLeader()).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (!hello.resume() && replica.sessionsFull()) {
            refusals.refuse(ctx.channel().remoteAddress(), "the group holds as many sessions as it may (max_sessions)");
            refuse(ctx, ErrorCode.SERVER_ERROR, "too many sessions; try again later");
            return;
        }
        if (hello.resume()) {
            SessionState state = replica.session(hello.sessionId());
            if (state == SessionState.NOT_YET) {
                // The client's handshake timeout bounds this wait if the leader never confirms its term.
                ctx.executor().schedule(() -> admit(ctx, hello), RESUME_RECHECK_MILLIS, TimeUnit.MILLISECONDS);
                return;
            }
            if (state == SessionState.ENDED) {
                refuse(ctx, ErrorCode.SESSION_EXPIRED, "session " + Long.toUnsignedString(hello.sessionId(), 16)
                        + " has ended (expired); its transactions were rolled back");
                return;
            }
        }
        connection = new Connection(ctx.channel(), hello.sessionId(), new SessionReplies());
        expiry.connected(hello.sessionId());
        ctx.writeAndFlush(new ServerMessage.Welcome(replica.term(), replica.memberId(), true, hello.resume()));
        log.debug("session {} from {} ({})", Long.toUnsignedString(hello.sessionId(), 16),
                ctx.channel().remoteAddress(), hello.clientName());
    }

    /**
     * Frames the session's answers. A request the log did not confirm gets no XC answer: the client
     * would take it for the outcome, while the request may still commit under the next leader. The
     * connection gets one NOT_LEADER instead (the sequencer closes it after), so the client finds the
     * leader and resubmits under the same number, which the group applies once.
     */
    private final class SessionReplies implements Connection.Replies {
        // Batches are delivered one after another, each after the previous one: no concurrent calls.
        private boolean redirected;

        @Override
        public Object reply(long tag, Response response) {
            if (redirected) {
                return null;
            }
            if (ReplicatedSequencer.isUnconfirmed(response)) {
                redirected = true;
                return replica.notLeader();
            }
            return tag == END_SESSION_TAG ? ServerMessage.SessionEnded.INSTANCE
                    : new ServerMessage.XcReply(tag, response);
        }
    }

    private static void refuse(ChannelHandlerContext ctx, ErrorCode code, String message) {
        ctx.writeAndFlush(new ServerMessage.Error(code, message)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        sequencer.drain();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (connection != null) {
            // The session outlives its connection: a proxy reconnects (perhaps to a new leader) and resumes it.
            expiry.disconnected(connection.session);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String reason = cause.getMessage() != null ? cause.getMessage() : cause.toString();
        log.warn("closing internal connection from {}: {}", ctx.channel().remoteAddress(), reason);
        ctx.close();
    }
}
