package org.mgtm.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mgtm.client.GtmClient;
import org.mgtm.protocol.Snapshot;

/**
 * Invariant 7: bad input gets an error answer or closes that one connection; the server and every
 * other connection go on. Each case runs with the bad bytes sent whole and one byte at a time,
 * while a well-behaved client holds an open transaction on another connection.
 */
class ServerBadInputTest {
    private static GtmServer server;

    @BeforeAll
    static void start() {
        server = TestServers.start(1000);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** Faults that leave the frame boundary unknown: the connection is closed, nothing is answered. */
    static Stream<Arguments> fatalFaults() {
        return Stream.of(
                Arguments.of("wrong startup byte", null, "430000000c0100000000ffffff"),
                Arguments.of("startup body of 4 bytes", null, "410000000801000000"),
                Arguments.of("length word below 4", RawConnection.BACKEND_STARTUP, "4300000002"),
                Arguments.of("oversized frame, body never sent", RawConnection.BACKEND_STARTUP, "437fffffff"),
                Arguments.of("frame over the configured maximum", RawConnection.BACKEND_STARTUP, "4300010001"),
                Arguments.of("unknown frame type", RawConnection.BACKEND_STARTUP, "5a00000004"),
                Arguments.of("second startup", RawConnection.BACKEND_STARTUP, "410000000c0100000000ffffff"),
                Arguments.of("proxy command too short for its header", RawConnection.PROXY_STARTUP, "4300000005ff"));
    }

    /** Faults inside a sound frame: an 'E' answer, and the connection goes on serving. */
    static Stream<Arguments> recoverableFaults() {
        return Stream.of(
                Arguments.of("truncated commit body", "430000000a0000000701e8", "insufficient data left in message"),
                Arguments.of("unknown message type", "430000000800000063", "invalid frontend message type 99"),
                Arguments.of("message type 0", "430000000800000000", "invalid frontend message type 0"),
                Arguments.of("negative multi-begin count", "430000000c00000005ffffffff", "invalid transaction count -1"),
                Arguments.of("zero multi-begin count", "430000000c0000000500000000", "invalid transaction count 0"),
                Arguments.of("huge multi-commit count", "430000000c0000000800100000", "invalid transaction count 1048576"),
                Arguments.of("trailing bytes on a strict commit", "430000000e0000000701e803000000",
                        "invalid message format"),
                Arguments.of("negative sequence key length", "430000000c00000011ffffffff", "key"));
    }

    @ParameterizedTest(name = "{0}, trickled={3}")
    @MethodSource("fatalCases")
    void fatalFaultClosesOnlyThatConnection(String name, byte[] startup, String bad, boolean trickle) throws Exception {
        withBystander(() -> {
            try (RawConnection raw = new RawConnection(server.boundAddress())) {
                if (startup != null) {
                    raw.startup(startup);
                }
                byte[] bytes = RawConnection.hex(bad);
                try {
                    if (trickle) {
                        raw.sendTrickle(bytes);
                    } else {
                        raw.send(bytes);
                    }
                } catch (java.io.IOException closedWhileSending) {
                    // The server may hang up before the last bytes of a broken frame arrive.
                }
                assertTrue(raw.closedByServer(), name + ": the connection should be closed");
            }
        });
    }

    static Stream<Arguments> fatalCases() {
        return fatalFaults().flatMap(a -> Stream.of(
                Arguments.of(a.get()[0], a.get()[1], a.get()[2], false),
                Arguments.of(a.get()[0], a.get()[1], a.get()[2], true)));
    }

    static Stream<Arguments> recoverableCases() {
        return recoverableFaults().flatMap(a -> Stream.of(
                Arguments.of(a.get()[0], a.get()[1], a.get()[2], false),
                Arguments.of(a.get()[0], a.get()[1], a.get()[2], true)));
    }

    @ParameterizedTest(name = "{0}, trickled={3}")
    @MethodSource("recoverableCases")
    void recoverableFaultGetsAnErrorAndTheConnectionGoesOn(String name, String bad, String errorText, boolean trickle)
            throws Exception {
        withBystander(() -> {
            try (RawConnection raw = new RawConnection(server.boundAddress())) {
                raw.startup(RawConnection.BACKEND_STARTUP);
                byte[] bytes = RawConnection.hex(bad);
                if (trickle) {
                    raw.sendTrickle(bytes);
                } else {
                    raw.send(bytes);
                }
                byte[] answer = raw.readFrame();
                assertEquals('E', answer[0], name);
                String text = new String(answer, 5, answer.length - 5, StandardCharsets.UTF_8);
                assertTrue(text.startsWith("SERROR\0M"), name + ": " + text);
                assertTrue(text.contains(errorText), name + ": " + text);
                // The same connection still serves: a begin gets a GXID answer.
                raw.send(RawConnection.hex("430000000d000000040000000100"));
                byte[] begin = raw.readFrame();
                assertArrayEquals(RawConnection.hex("530000000c00000001"), java.util.Arrays.copyOf(begin, 9), name);
            }
        });
    }

    @ParameterizedTest(name = "proxy framing echoes the conid in the error, trickled={0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void proxyErrorEchoesConid(boolean trickle) throws Exception {
        try (RawConnection raw = new RawConnection(server.boundAddress())) {
            raw.startup(RawConnection.PROXY_STARTUP);
            byte[] bytes = RawConnection.hex("430000000e070000000005ffffffff");
            if (trickle) {
                raw.sendTrickle(bytes);
            } else {
                raw.send(bytes);
            }
            byte[] answer = raw.readFrame();
            assertEquals('E', answer[0]);
            assertEquals(7, answer[5]);
            assertEquals(0, answer[6]);
        }
    }

    @org.junit.jupiter.api.Test
    void answersBeforeABrokenFrameAreStillDelivered() throws Exception {
        try (RawConnection raw = new RawConnection(server.boundAddress())) {
            raw.startup(RawConnection.BACKEND_STARTUP);
            // A begin, then garbage in the same segment: the begin's answer comes first, then the close.
            raw.send(RawConnection.hex("430000000d000000040000000100" + "5a00000004"));
            byte[] begin = raw.readFrame();
            assertArrayEquals(RawConnection.hex("530000000c00000001"), java.util.Arrays.copyOf(begin, 9));
            assertTrue(raw.closedByServer());
        }
    }

    /** Runs {@code fault} while another client holds an open transaction, then checks it is untouched. */
    private static void withBystander(ThrowingRunnable fault) throws Exception {
        try (GtmClient bystander = GtmClient.connect(server.boundAddress().getHostString(), server.boundAddress().getPort())) {
            int gxid = bystander.beginGxid();
            fault.run();
            Snapshot snapshot = bystander.snapshot(gxid);
            assertTrue(contains(snapshot, gxid) || Integer.compareUnsigned(gxid, snapshot.xmax()) >= 0,
                    "the bystander's transaction must still be open: " + snapshot);
            bystander.commit(gxid);
            assertTrue(bystander.beginGxid() != gxid);
        }
    }

    private static boolean contains(Snapshot s, int gxid) {
        for (int i = 0; i < s.xcnt(); i++) {
            if (s.xipAt(i) == gxid) {
                return true;
            }
        }
        return false;
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }

}
