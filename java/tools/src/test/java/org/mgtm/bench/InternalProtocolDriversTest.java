package org.mgtm.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mgtm.client.Member;
import org.mgtm.core.CoreLimits;
import org.mgtm.net.ClientAllowlist;
import org.mgtm.protocol.WireFormat;
import org.mgtm.replication.ReplicaConfig;
import org.mgtm.replication.ReplicaServer;
import org.mgtm.replication.engine.RaftSettings;
import org.mgtm.testing.FreePorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;


/**
 * Both drivers over the internal protocol (LeaderClient sessions), against a one-replica group in
 * this JVM whose replicated state is read directly. It listens on 127.0.0.54 and on ports picked
 * from 36766+, 36781+ and 37800+, away from what other tests on this machine use.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class InternalProtocolDriversTest {
    static final String HOST = "127.0.0.54";
    static final String SECRET = "bench-drivers-test";
    static final int START = 1000;
    static ReplicaServer replica;
    static LinkTarget target;
    static Path dataDir;

    @BeforeAll
    static void startReplica() throws Exception {
        Path dir = Files.createTempDirectory("bench-drivers-test");
        dataDir = dir;
        // jgroups' FD_SOCK2 listens on the raft port + 100 and + 101 as well.
        int raftPort = FreePorts.firstIn(List.of(HOST), 37800, 37899, 100, 101);
        int xcPort = FreePorts.firstIn(List.of(HOST), 36766, 36780);
        int internalPort = FreePorts.firstIn(List.of(HOST), 36781, 36799);
        Member self = new Member("bench1", HOST, raftPort);
        RaftSettings raft = RaftSettings.builder().raftId(self.id()).members(List.of(self)).dataDir(dir.resolve("raft"))
                .fsync(false).secret(SECRET).build();
        replica = ReplicaServer.start(new ReplicaConfig(raft, xcPort, internalPort, START, WireFormat.DEFAULT,
                new CoreLimits(8192, 16, 65536), 1, 100, ClientAllowlist.parse(ClientAllowlist.LOOPBACK), 10_000, 5000,
                4));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!replica.isLeader() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertTrue(replica.isLeader(), "a group of one elects itself");
        target = LinkTarget.internal(List.of(new InetSocketAddress(HOST, internalPort)), SECRET);
    }

    @AfterAll
    static void stopReplica() throws IOException {
        if (replica != null) {
            replica.close();
        }
        if (dataDir != null) {
            try (var paths = Files.walk(dataDir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    static void awaitEquals(int expected, IntSupplier actual, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (actual.getAsInt() != expected && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertEquals(expected, actual.getAsInt(), what);
    }

    @Test
    void grantsOverSessionsAreCountedExactlyAndAllEnded() throws Exception {
        long nextBefore = Integer.toUnsignedLong(replica.core().nextGxid());
        GrantsSettings settings = GrantsSettings.of(target, 2, 256, 1).withWarmup(0).withMaxOpen(8192);
        GrantsRun.GrantListener none = (first, count) -> { };
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        GrantsResult result = new GrantsRun(settings, out, none).run();

        assertTrue(result.granted() > 0);
        assertTrue(result.clean(), "first error: " + result.firstError());
        assertEquals(result.granted(), result.ended());
        // The replicated counter moved by exactly the GXIDs the driver counted, and none is left open.
        assertEquals(nextBefore + result.granted(), Integer.toUnsignedLong(replica.core().nextGxid()));
        assertEquals(0, replica.core().status().openTransactions());
    }

    @Test
    void openTransactionsStayOpenInTheReplicatedStateUntilTheSessionsEnd() throws Exception {
        OpenTransactions.Settings settings = new OpenTransactions.Settings(target, 3000, 512, 4, 3);
        try (OpenTransactions open = OpenTransactions.open(settings)) {
            assertEquals(3000, open.count());
            assertEquals(3000, replica.core().status().openTransactions());
            assertEquals(3000, open.snapshotXcnt());
            // The group knows the four sessions that own them.
            assertTrue(replica.core().knownSessions().length >= 4);
        }
        // Closing sends END_SESSION, which ends every transaction of the session through the log.
        awaitEquals(0, () -> replica.core().status().openTransactions(), "open transactions after close");
    }
}
