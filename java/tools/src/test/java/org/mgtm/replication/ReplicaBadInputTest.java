package org.mgtm.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mgtm.client.InternalConnection;
import org.mgtm.client.LeaderClient;
import org.mgtm.net.Transport;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.TxnRef;
import org.mgtm.protocol.internal.ClientMessage;
import org.mgtm.protocol.internal.ErrorCode;
import org.mgtm.protocol.internal.InternalFormat;
import org.mgtm.protocol.internal.ServerMessage;

/**
 * Bad input on a replica's internal port (invariant 7): garbage, a wrong secret, an oversize frame,
 * a request before HELLO, silence. Each ends that connection only; a session opened before goes on
 * without reconnecting, and the replica keeps serving. One replica is a whole group here (majority of one).
 */
class ReplicaBadInputTest {

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void badInputOnTheInternalPortClosesThatConnectionOnly() throws Exception {
        EventLoopGroup io = Transport.newGroup(1, "reptest-bad-input");
        try (ReplicaGroupProcess group = ReplicaGroupProcess.start("bad-input", 1);
             LeaderClient session = group.leaderClient(io, 10_000, "reptest-good")) {
            InetSocketAddress internal = group.member(0).internalAddress();
            int open = begin(session);
            // A peer that connects and goes quiet (a vanished host sends no FIN) is dropped after 10 s.
            Socket silent = new Socket(internal.getAddress(), internal.getPort());
            long silentSince = System.nanoTime();

            // An HTTP client, an XC backend startup, random bytes: their first 4 bytes are no sane length.
            assertClosedAfter(internal, "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertClosedAfter(internal, HexFormat.of().parseHex("410000000c0100000000ffffff"));
            assertClosedAfter(internal, HexFormat.of().parseHex("00000005ff00112233"));
            // A frame longer than the 1 MiB limit is refused on its length word, before any body arrives.
            assertClosedAfter(internal, HexFormat.of().parseHex("0010000101"));
            assertClosedAfter(internal, HexFormat.of().parseHex("7fffffff01"));
            // A length of 0, and an XC_REQUEST before HELLO.
            assertClosedAfter(internal, HexFormat.of().parseHex("00000000"));
            assertClosedAfter(internal, HexFormat.of().parseHex("0000001e02000000000000000700000000000000050000000300"
                    + "00000701e8030000"));
            // A well-formed HELLO with the wrong secret: ERROR BAD_TOKEN, then closed.
            ClientMessage.Hello wrong = new ClientMessage.Hello(42, false, ByteOrder.LITTLE_ENDIAN,
                    "not-the-secret".getBytes(StandardCharsets.UTF_8), "reptest-intruder");
            InternalConnection c = InternalConnection.connect(io, internal, InternalFormat.DEFAULT, wrong, 2000)
                    .get(5, TimeUnit.SECONDS);
            ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> c.handshake().get(5, TimeUnit.SECONDS));
            InternalConnection.Refused r = assertInstanceOf(InternalConnection.Refused.class, refused.getCause());
            assertEquals(ErrorCode.BAD_TOKEN, ((ServerMessage.Error) r.reason()).code());
            c.closeAsync();

            // The session opened before saw none of it.
            assertInstanceOf(Response.Ended.class, session.submit(-1, new Request.TxnCommit(TxnRef.gxid(open)))
                    .get(10, TimeUnit.SECONDS));
            for (int i = 0; i < 20; i++) {
                commit(session, begin(session));
            }
            assertEquals(0, session.reconnects(), "the good session had to reconnect");
            assertNotNull(group.status(0), "the replica stopped answering status");

            silent.setSoTimeout(20_000);
            assertEquals(-1, silent.getInputStream().read(), "the silent connection got bytes");
            long closedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - silentSince);
            assertTrue(closedAfter >= 9_000 && closedAfter < 15_000, "silent connection closed after " + closedAfter
                    + " ms");
            silent.close();
            assertEquals(0, session.reconnects(), "the pinging session was dropped as idle");
        } finally {
            io.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    static int begin(LeaderClient c) throws Exception {
        Response r = c.submit(-1, new Request.TxnBeginGetGxid(1, false)).get(10, TimeUnit.SECONDS);
        return assertInstanceOf(Response.BeginGxid.class, r).gxid();
    }

    static void commit(LeaderClient c, int gxid) throws Exception {
        assertInstanceOf(Response.Ended.class, c.submit(-1, new Request.TxnCommit(TxnRef.gxid(gxid)))
                .get(10, TimeUnit.SECONDS));
    }

    /** Sends the bytes on a new connection; the server must close it (EOF or reset) within 5 s, answering nothing. */
    static void assertClosedAfter(InetSocketAddress address, byte[] bytes) throws IOException {
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(bytes);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            int b;
            try {
                b = in.read();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("connection left open after " + HexFormat.of().formatHex(bytes));
            } catch (IOException e) {
                return; // reset
            }
            assertTrue(b == -1, "the server answered " + b + " to " + HexFormat.of().formatHex(bytes));
        }
    }
}
