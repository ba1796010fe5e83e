package org.mgtm.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mgtm.client.InternalConnection;
import org.mgtm.client.LeaderClient;
import org.mgtm.net.Transport;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.TxnRef;
import org.mgtm.protocol.WireFormat;
import org.mgtm.protocol.WireMessage;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.codec.XcRequestEncoder;
import org.mgtm.protocol.codec.XcResponseDecoder;
import org.mgtm.protocol.internal.ClientMessage;
import org.mgtm.protocol.internal.InternalFormat;

/**
 * Clients that try to exhaust a replica (issue 11, item 4), against the leader of a group started with
 * {@code --max-connections 40 --max-sessions 16}, while two well-behaved sessions keep working: connections far
 * beyond the limit on the XC and the internal port, slow readers that never read their answers, a client that
 * opens sessions without end, and over-long frames. Each refusal is logged once per client, the leader's heap after
 * a full GC stays small, and the well-behaved sessions see no error. Prints a FIGURES line (heap, latency).
 */
class ResourceExhaustionTest {
    private static final String INTRUDER = "127.0.0.99";
    private static final int MAX_CONNECTIONS = 40;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aReplicaStaysBoundedAndServesWhileClientsTryToExhaustIt() throws Exception {
        EventLoopGroup io = Transport.newGroup(1, "exhaustion");
        try (ReplicaGroupProcess group = ReplicaGroupProcess.start("exhaustion", 3, "--max-connections",
                Integer.toString(MAX_CONNECTIONS), "--max-sessions", "16");
             LoadDriver load = new LoadDriver(group, 2)) {
            assertTrue(load.awaitAcksAfter(Long.MIN_VALUE, 200, 30_000), "no load");
            ReplicaGroupProcess.Member leader = group.member(group.awaitLeader(30_000));
            LeaderClient probe = group.leaderClient(io, 30_000, "well-behaved");
            List<Long> probes = new ArrayList<>();
            probes.add(probe(probe));

            // 1. Ten times the connection limit on each client port, all held open.
            List<Socket> held = new ArrayList<>();
            held.addAll(flood(leader.xcAddress(), 10 * MAX_CONNECTIONS));
            held.addAll(flood(leader.internalAddress(), 10 * MAX_CONNECTIONS));
            probes.add(probe(probe));
            awaitLogCount(leader, "refusing XC connection from " + INTRUDER + ": " + MAX_CONNECTIONS
                    + " connections already open", 1);
            awaitLogCount(leader, "refusing internal connection from " + INTRUDER + ": " + MAX_CONNECTIONS
                    + " connections already open", 1);
            for (Socket s : held) {
                s.close();
            }

            // 2. Slow readers: many transactions open, then snapshot requests whose answers are never read.
            List<SocketChannel> slow = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                slow.add(slowReader(leader.xcAddress(), i == 0 ? 1000 : 1, 4000));
            }
            probes.add(probe(probe));
            awaitLogCount(leader, "refusing XC connection from " + INTRUDER + ": it has not read its answers", 1);
            for (SocketChannel c : slow) {
                c.close();
            }

            // 3. Sessions without end: each a new connection and a new session with one request, to the leader
            //    (the attacks above may have cost the first one its leadership on a loaded machine).
            int refused = 0;
            for (int i = 0; i < 60; i++) {
                Boolean r = newSessionRefused(io, group.member(group.awaitLeader(30_000)).internalAddress());
                refused += Boolean.TRUE.equals(r) ? 1 : 0;
            }
            probes.add(probe(probe));
            assertTrue(refused > 0, "no new session was refused");
            awaitLogCountSomewhere(group, "as many sessions as it may (max_sessions)");

            // 4. A frame announcing 1 GiB on each port: closed at once, nothing buffered.
            assertTrue(closedAfter(leader.xcAddress(), new byte[] {'C', 0x40, 0, 0, 0}), "XC port kept the frame");
            assertTrue(closedAfter(leader.internalAddress(), new byte[] {0x40, 0, 0, 0}), "internal port kept it");
            probes.add(probe(probe));

            long heap = heapAfterGc(leader);
            assertTrue(load.awaitAcksAfter(System.nanoTime(), 200, 30_000), "the well-behaved sessions stopped");
            load.stop();
            load.assertNoFailures();
            load.assertHistory();
            probe.close();
            assertTrue(heap < 512L << 20, "heap after GC: " + heap);
            System.out.printf(Locale.ROOT, "FIGURES leader heap after full GC %d MiB; a well-behaved request took "
                    + "(ms): before %d, during floods %d, slow readers %d, session flood %d, over-long frames %d; "
                    + "new sessions refused: %d of 60%n", heap >> 20, probes.get(0), probes.get(1), probes.get(2),
                    probes.get(3), probes.get(4), refused);
        } finally {
            io.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /** One begin and commit through a well-behaved session; how long it took (ms). */
    private static long probe(LeaderClient c) throws Exception {
        long t0 = System.nanoTime();
        var begin = c.submit(-1, new Request.TxnBeginGetGxid(1, false)).get(30, TimeUnit.SECONDS);
        assertTrue(begin instanceof Response.BeginGxid, String.valueOf(begin));
        int gxid = ((Response.BeginGxid) begin).gxid();
        c.submit(-1, new Request.TxnCommit(TxnRef.gxid(gxid))).get(30, TimeUnit.SECONDS);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    private static List<Socket> flood(InetSocketAddress to, int n) {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            try {
                Socket s = new Socket();
                s.bind(new InetSocketAddress(INTRUDER, 0));
                s.connect(to, 2000);
                sockets.add(s);
            } catch (IOException e) {
                // the backlog is full or it was reset: fine
            }
        }
        return sockets;
    }

    /**
     * Opens an XC connection and begins {@code open} transactions (reading that answer, to learn a GXID), then sends
     * {@code snapshots} snapshot requests for it, whose answers (each listing the open transactions) it never reads.
     */
    private static SocketChannel slowReader(InetSocketAddress to, int open, int snapshots) throws Exception {
        SocketChannel ch = SocketChannel.open();
        ch.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
        ch.bind(new InetSocketAddress(INTRUDER, 0));
        ch.connect(to);
        EmbeddedChannel enc = new EmbeddedChannel(new XcRequestEncoder(WireFormat.DEFAULT));
        List<Request.BeginEntry> entries = new ArrayList<>();
        for (int i = 0; i < open; i++) {
            entries.add(new Request.BeginEntry(1, false, (short) i));
        }
        enc.writeOutbound(new WireMessage.Startup(1, false));
        enc.writeOutbound(WireMessage.Command.plain(new Request.TxnBeginGetGxidMulti(entries)));
        send(ch, enc, System.nanoTime() + TimeUnit.SECONDS.toNanos(20));
        EmbeddedChannel dec = new EmbeddedChannel(new XcResponseDecoder(WireFormat.DEFAULT, false));
        int gxid = 0;
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        while (gxid == 0) {
            in.clear();
            if (ch.read(in) < 0) {
                throw new IOException("closed before the begin was answered");
            }
            dec.writeInbound(io.netty.buffer.Unpooled.wrappedBuffer(in.flip()));
            for (Object o; (o = dec.readInbound()) != null; ) {
                if (o instanceof WireMessage.Answer a && a.response() instanceof Response.BeginGxidMulti m) {
                    gxid = m.firstGxid();
                }
            }
        }
        for (int i = 0; i < snapshots; i++) {
            enc.writeOutbound(WireMessage.Command.plain(new Request.SnapshotGet(false, TxnRef.gxid(gxid))));
        }
        ch.configureBlocking(false);
        send(ch, enc, System.nanoTime() + TimeUnit.SECONDS.toNanos(20));
        return ch;
    }

    private static void send(SocketChannel ch, EmbeddedChannel enc, long endNanos) throws IOException {
        for (Object o; (o = enc.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            ByteBuffer nio = b.nioBuffer();
            while (nio.hasRemaining() && System.nanoTime() < endNanos) {
                if (ch.write(nio) == 0) {
                    Thread.onSpinWait();
                }
            }
            b.release();
        }
    }

    /** A new session with one request; true when the group refused the session, null when it was not the leader. */
    private static Boolean newSessionRefused(EventLoopGroup io, InetSocketAddress to) throws Exception {
        long session = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        ClientMessage.Hello hello = new ClientMessage.Hello(session, false, ByteOrder.LITTLE_ENDIAN,
                ReplicaGroupProcess.SECRET.getBytes(StandardCharsets.UTF_8), "session-flood");
        InternalConnection c = InternalConnection.connect(io, to, InternalFormat.DEFAULT, hello, 2000)
                .get(5, TimeUnit.SECONDS);
        try {
            c.handshake().get(5, TimeUnit.SECONDS);
            c.request(1, 0, -1, new Request.TxnBeginGetGxid(1, false)).get(10, TimeUnit.SECONDS);
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof InternalConnection.Refused r && r.getMessage().contains("too many sessions")) {
                return true;
            }
            if (e.getCause() instanceof InternalConnection.Refused r && r.getMessage().contains("NotLeader")) {
                return null;   // leadership moved meanwhile: the caller asks the new leader next
            }
            throw e;
        } finally {
            c.closeAsync();
        }
    }

    private static boolean closedAfter(InetSocketAddress to, byte[] bytes) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(INTRUDER, 0));
            s.connect(to, 2000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
            try {
                return s.getInputStream().read(new byte[1024]) < 0 || s.getInputStream().read() < 0;
            } catch (IOException reset) {
                return true;
            }
        }
    }

    private static void awaitLogCount(ReplicaGroupProcess.Member m, String text, int expected) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int n;
        while ((n = count(m, text)) < expected) {
            if (System.nanoTime() > end) {
                throw new AssertionError(m + " logged '" + text + "' " + n + " times, not " + expected);
            }
            Thread.sleep(100);
        }
        assertEquals(expected, n, "logged once per client, not once per connection or message: " + text);
    }

    /** Some member logged it, and none more than once (sessions may have met more than one leader). */
    private static void awaitLogCountSomewhere(ReplicaGroupProcess group, String text) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            int total = 0;
            for (ReplicaGroupProcess.Member m : group.members()) {
                int n = count(m, text);
                assertTrue(n <= 1, m + " logged '" + text + "' " + n + " times: once per client is the rule");
                total += n;
            }
            if (total > 0) {
                return;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("nobody logged '" + text + "'");
            }
            Thread.sleep(100);
        }
    }

    private static int count(ReplicaGroupProcess.Member m, String text) throws IOException {
        int n = 0;
        for (String line : Files.readAllLines(m.log())) {
            if (line.contains(text)) {
                n++;
            }
        }
        return n;
    }

    /** Heap in use after a full GC (jcmd GC.run, then GC.heap_info), in bytes. */
    private static long heapAfterGc(ReplicaGroupProcess.Member m) throws Exception {
        long pid = m.pid();
        run("jcmd", Long.toString(pid), "GC.run");
        String info = run("jcmd", Long.toString(pid), "GC.heap_info");
        long used = 0;
        Matcher u = Pattern.compile("(?:PSYoungGen|ParOldGen)\\s+total \\d+K, used (\\d+)K").matcher(info);
        while (u.find()) {
            used += Long.parseLong(u.group(1)) << 10;
        }
        assertTrue(used > 0, "cannot read the heap: " + info);
        return used;
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd) + ": " + out);
        return out;
    }
}
