package org.mgtm.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jgroups.JChannel;
import org.jgroups.protocols.AUTH;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.util.TLSClientAuth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mgtm.net.TlsConfig;
import org.mgtm.net.TlsKeys;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.internal.ClientMessage;
import org.mgtm.protocol.internal.InternalFormat;
import org.mgtm.protocol.internal.InternalRequestEncoder;
import org.mgtm.replication.engine.SharedSecretToken;

/**
 * Replication and the internal port over TLS (issue 11, item 1), with replica processes on 127.0.0.11-13 and the
 * intruder on 127.0.0.99: a capture of the raft port holds the load's sequence name in the clear without TLS and
 * not with it; a process that is not a member (a JGroups member with the secret but no certificate, one with a
 * certificate the group CA did not sign, a raw replay of recorded bytes, forged internal requests with the
 * secret) gets nothing applied, each refusal is logged with its address, and the group serves on. Needs root
 * (tcpdump on lo); bin/mgtm-test installs tcpdump.
 */
class ReplicationSecurityTest {
    private static final String INTRUDER = "127.0.0.99";
    private static final Path KEYS = Path.of("target", "tls-test").toAbsolutePath();

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void theRaftPortCarriesTheLogInTheClearWithoutTls() throws Exception {
        Capture.require();
        try (ReplicaGroupProcess group = ReplicaGroupProcess.start("security-plain", 3, "--tls", "off")) {
            byte[] captured = captureUnderLoad(group, null);
            assertTrue(contains(captured, LoadDriver.SEQUENCE.getBytes(StandardCharsets.US_ASCII)),
                    "the control capture should show the sequence name in the clear (" + captured.length + " bytes)");
        }
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void withTlsOutsidersNeitherReadNorWrite() throws Exception {
        Capture.require();
        // A group CA, one key store for the members and one for this test's clients (kept across runs).
        TlsKeys keys = new TlsKeys(KEYS, ReplicaGroupProcess.SECRET, 30);
        keys.make(List.of("member", "client"));
        Path trust = KEYS.resolve(TlsKeys.TRUSTSTORE);
        SslContext client = new TlsConfig(keys.store("client"), trust, ReplicaGroupProcess.SECRET).clientContext();
        try (ReplicaGroupProcess group = ReplicaGroupProcess.start("security-tls", 3, client, "--tls-keystore",
                keys.store("member").toString(), "--tls-truststore", trust.toString(), "--internal-tls", "true")) {
            byte[] captured = captureUnderLoad(group, client);
            assertFalse(contains(captured, LoadDriver.SEQUENCE.getBytes(StandardCharsets.US_ASCII)),
                    "the sequence name crossed the raft port in the clear");
            assertTrue(captured.length > 10_000, "the capture saw no traffic: " + captured.length + " bytes");

            List<JsonNode> before = group.awaitConverged(30_000, 0, 1, 2);
            ReplicaGroupProcess.Member target = group.member(group.awaitLeader(30_000));
            intrude(group, target, captured);
            for (ReplicaGroupProcess.Member m : group.members()) {
                awaitLogLine(m, "failed accepting connection from peer SSLSocket[hostname=" + INTRUDER);
            }
            awaitLogLine(target, "refusing internal connection from " + INTRUDER + ": TLS handshake failed");

            List<JsonNode> after = group.awaitConverged(30_000, 0, 1, 2);
            for (int i = 0; i < 3; i++) {
                assertEquals(before.get(i).path("appliedCommands").asLong(), after.get(i).path("appliedCommands")
                        .asLong(), "something was applied meanwhile on " + group.member(i));
                assertEquals(before.get(i).path("stateDigest").asText(), after.get(i).path("stateDigest").asText());
            }
            try (LoadDriver load = new LoadDriver(group, 2)) {
                assertTrue(load.awaitAcksAfter(System.nanoTime(), 200, 30_000), "the group stopped serving");
                load.stop();
                load.assertNoFailures();
            }
        }
    }

    /** Two sessions of load for a few seconds while tcpdump records the raft port; returns the capture. */
    private static byte[] captureUnderLoad(ReplicaGroupProcess group, SslContext client) throws Exception {
        Path pcap = group.baseDir().resolve("raft-port.pcap");
        try (LoadDriver load = new LoadDriver(group, 2)) {
            assertTrue(load.awaitAcksAfter(Long.MIN_VALUE, 100, 30_000), "no load");
            try (Capture c = Capture.start(pcap, group.raftPort())) {
                assertTrue(load.awaitAcksAfter(System.nanoTime(), 500, 30_000), "no load during the capture");
            }
            load.stop();
            load.assertNoFailures();
        }
        return Files.readAllBytes(pcap);
    }

    /** Everything an outsider on 127.0.0.99 tries, against every member's raft port and the target's internal port. */
    private static void intrude(ReplicaGroupProcess group, ReplicaGroupProcess.Member target, byte[] recorded)
            throws Exception {
        // 1. A JGroups process with the secret (its AUTH token is valid) but no certificate: it tries to join.
        joinAttempt(group, null);
        // 2. The same over TLS with a key and certificate of another CA; it trusts the group's CA (its certificate
        //    is no secret), so only the members' check of its certificate can stop it.
        TlsKeys foreign = new TlsKeys(KEYS.resolve("foreign"), ReplicaGroupProcess.SECRET, 30);
        foreign.make(List.of("intruder"));
        joinAttempt(group, foreign.store("intruder"));
        // 3. Recorded bytes of the raft port replayed on new connections, to every member.
        for (ReplicaGroupProcess.Member m : group.members()) {
            rawSend(new InetSocketAddress(m.host, group.raftPort()), recorded, 64 * 1024);
        }
        // 4. Forged internal requests with the right secret, without TLS: a session that begins a transaction.
        EmbeddedChannel enc = new EmbeddedChannel(new InternalRequestEncoder(InternalFormat.DEFAULT));
        enc.writeOutbound(new ClientMessage.Hello(42, false, ByteOrder.LITTLE_ENDIAN,
                ReplicaGroupProcess.SECRET.getBytes(StandardCharsets.UTF_8), "intruder"));
        enc.writeOutbound(new ClientMessage.XcRequest(1, 0, -1, new Request.TxnBeginGetGxid(1, false)));
        List<Byte> forged = new ArrayList<>();
        for (Object o; (o = enc.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            while (b.isReadable()) {
                forged.add(b.readByte());
            }
            b.release();
        }
        byte[] bytes = new byte[forged.size()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = forged.get(i);
        }
        rawSend(target.internalAddress(), bytes, bytes.length);
    }

    private static void joinAttempt(ReplicaGroupProcess group, Path foreignStore) throws Exception {
        List<InetSocketAddress> hosts = new ArrayList<>();
        for (ReplicaGroupProcess.Member m : group.members()) {
            hosts.add(new InetSocketAddress(m.host, group.raftPort()));
        }
        TCP tcp = new TCP();
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, InetAddress.getByName(INTRUDER))) {
            port = free.getLocalPort();
        }
        tcp.setBindAddress(InetAddress.getByName(INTRUDER)).setBindPort(port).setPortRange(0);
        tcp.setClientBindAddr(InetAddress.getByName(INTRUDER));
        tcp.setSockConnTimeout(500);
        if (foreignStore != null) {
            tcp.tls().enabled(true).setKeystorePath(foreignStore.toString())
                    .setKeystorePassword(ReplicaGroupProcess.SECRET).setKeystoreType("pkcs12")
                    .setTruststorePath(KEYS.resolve(TlsKeys.TRUSTSTORE).toString())
                    .setTruststorePassword(ReplicaGroupProcess.SECRET)
                    .setTruststoreType("pkcs12").setClientAuth(TLSClientAuth.NEED);
        }
        SharedSecretToken token = new SharedSecretToken(ReplicaGroupProcess.SECRET);
        AUTH auth = new AUTH().setAuthToken(token).setAuthCoord(true);
        token.setAuth(auth);
        try (JChannel ch = new JChannel(tcp, new TCPPING().initialHosts(hosts).portRange(0), new NAKACK2(),
                new UNICAST3(), auth, new GMS().setJoinTimeout(500).setMaxJoinAttempts(2).printLocalAddress(false))) {
            ch.getProtocolStack().getTransport().getDiagnosticsHandler().setEnabled(false);
            ch.setName("intruder");
            ch.connect("mgtm");   // nobody answers: it ends up alone in a group of its own
            assertEquals(1, ch.getView().size(), "the intruder joined the group: " + ch.getView());
        }
    }

    private static void rawSend(InetSocketAddress to, byte[] bytes, int max) {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(INTRUDER, 0));
            s.connect(to, 2000);
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write(bytes, 0, Math.min(max, bytes.length));
            out.flush();
            s.getInputStream().read(new byte[256]);   // until the member closes (or 2 s)
        } catch (IOException e) {
            // refused, reset or timed out: all fine, the member's log says what it did
        }
    }

    private static void awaitLogLine(ReplicaGroupProcess.Member m, String text) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.readString(m.log()).contains(text)) {
            if (System.nanoTime() > end) {
                throw new AssertionError(m + " never logged '" + text + "'");
            }
            Thread.sleep(50);
        }
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
