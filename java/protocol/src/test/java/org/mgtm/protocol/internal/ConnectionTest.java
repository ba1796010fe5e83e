package org.mgtm.protocol.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mgtm.protocol.internal.InternalTestSupport.LE;
import static org.mgtm.protocol.internal.InternalTestSupport.drainInbound;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.ResultType;
import org.mgtm.protocol.TxnRef;

/** Both sides' pipelines wired back to back, as a proxy and a replica use them. */
class ConnectionTest {

    private final EmbeddedChannel client = new EmbeddedChannel(new InternalRequestEncoder(LE),
            new InternalReplyDecoder(LE));
    private final EmbeddedChannel server = new EmbeddedChannel(new InternalRequestDecoder(LE),
            new InternalReplyEncoder(LE));

    /** Moves everything one side wrote to the other side's input; returns what that side decoded. */
    private static List<Object> transfer(EmbeddedChannel from, EmbeddedChannel to) {
        for (ByteBuf b = from.readOutbound(); b != null; b = from.readOutbound()) {
            to.writeInbound(b);
        }
        return drainInbound(to);
    }

    private List<Object> send(ClientMessage... msgs) {
        for (ClientMessage m : msgs) {
            client.writeOutbound(m);
        }
        return transfer(client, server);
    }

    private List<Object> answer(ServerMessage... msgs) {
        for (ServerMessage m : msgs) {
            server.writeOutbound(m);
        }
        return transfer(server, client);
    }

    @Test
    void sessionLifecycle() {
        ClientMessage.Hello hello = Samples.hello(ByteOrder.LITTLE_ENDIAN);
        assertEquals(List.of(hello), send(hello));
        ServerMessage.Welcome welcome = new ServerMessage.Welcome(5, "mgtm1", true, false);
        assertEquals(List.of(welcome), answer(welcome));

        // Pipelined requests; replies come back in another order, matched by number.
        ClientMessage.XcRequest begin = new ClientMessage.XcRequest(1, 0, 4, new Request.TxnBeginGetGxid(1, false));
        ClientMessage.XcRequest snap = new ClientMessage.XcRequest(2, 0, 5, new Request.SnapshotGet(true, TxnRef.gxid(7)));
        ClientMessage.XcRequest gone = new ClientMessage.XcRequest(3, 0, 6, new Request.BackendDisconnect());
        assertEquals(List.of(begin, snap, gone), send(begin, snap, gone));
        List<ServerMessage> replies = List.of(
                new ServerMessage.XcReply(2, Response.Error.error("transaction 7 is not known")),
                new ServerMessage.XcReply(3, Response.None.INSTANCE),
                new ServerMessage.XcReply(1, new Response.BeginGxid(ResultType.TXN_BEGIN_GETGXID, 1000)));
        assertEquals(replies, answer(replies.toArray(ServerMessage[]::new)));

        assertEquals(List.of(new ClientMessage.Ping(9), ClientMessage.StatusRequest.INSTANCE),
                send(new ClientMessage.Ping(9), ClientMessage.StatusRequest.INSTANCE));
        List<ServerMessage> info = List.of(new ServerMessage.Pong(9, 5), new ServerMessage.Status("{\"term\":5}"));
        assertEquals(info, answer(info.toArray(ServerMessage[]::new)));

        assertEquals(List.of(ClientMessage.EndSession.INSTANCE), send(ClientMessage.EndSession.INSTANCE));
        assertEquals(List.of(ServerMessage.SessionEnded.INSTANCE), answer(ServerMessage.SessionEnded.INSTANCE));
    }

    @Test
    void followerRedirects() {
        send(new ClientMessage.Hello(Samples.SESSION, true, ByteOrder.LITTLE_ENDIAN, Samples.TOKEN, "p"));
        ServerMessage.NotLeader redirect = new ServerMessage.NotLeader(6, "mgtm3", "127.0.0.13:7001");
        assertEquals(List.of(redirect), answer(redirect));
    }

    @Test
    void badTokenRefused() {
        ClientMessage.Hello hello = new ClientMessage.Hello(Samples.SESSION, false, ByteOrder.LITTLE_ENDIAN,
                "wrong".getBytes(), "p");
        ClientMessage.Hello received = (ClientMessage.Hello) send(hello).get(0);
        assertEquals(false, received.tokenMatches(Samples.TOKEN));
        ServerMessage.Error refusal = new ServerMessage.Error(ErrorCode.BAD_TOKEN, "authentication failed");
        assertEquals(List.of(refusal), answer(refusal));
    }

    /** A connection that sends garbage fails alone: decoders keep per-channel state only. */
    @Test
    void badInputAffectsOnlyItsConnection() {
        EmbeddedChannel other = new EmbeddedChannel(new InternalRequestDecoder(LE), new InternalReplyEncoder(LE));
        ClientMessage.Hello hello = Samples.hello(ByteOrder.LITTLE_ENDIAN);
        byte[] helloBytes = InternalTestSupport.encode(LE, hello);
        other.writeInbound(Unpooled.wrappedBuffer(helloBytes));
        assertEquals(List.of(hello), send(hello));
        assertThrows(InternalProtocolException.class, () -> server.writeInbound(Unpooled.wrappedBuffer(
                InternalTestSupport.hex("00000001 7f"))));
        ClientMessage.Ping ping = new ClientMessage.Ping(3);
        other.writeInbound(Unpooled.wrappedBuffer(InternalTestSupport.encode(LE, ping)));
        assertEquals(List.of(hello, ping), drainInbound(other));
        assertEquals(List.of(), send(ping));
    }
}
