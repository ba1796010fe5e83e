package org.mgtm.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mgtm.client.ClientOptions;
import org.mgtm.client.GtmClient;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.WireFormat;
import org.mgtm.protocol.WireMessage;
import org.mgtm.protocol.codec.XcCodecs;
import org.mgtm.protocol.codec.XcRequestDecoder;
import org.mgtm.protocol.codec.XcResponseDecoder;
import org.mgtm.server.GtmServer;
import org.mgtm.server.TestServers;

/**
 * Replays the client side of every captured conversation (backends to gtm_proxy or gtm, gtm_proxy
 * workers to gtm) against a fresh mgtm, and checks each answer against the captured one: same
 * answer kind, result type and layout, and values consistent with mgtm's own state (GXIDs are
 * mgtm's, translated through a captured-to-replayed map; snapshots list only transactions that are
 * open in the replay and respect xmin <= xip < xmax).
 */
class ConformanceReplayTest {
    private static final WireFormat FORMAT = WireFormat.DEFAULT;

    static Stream<Path> captures() {
        return HexCapture.captureFilesOrMissing().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void replaysWithEquivalentAnswers(Path file) {
        if (file == null) {
            HexCapture.conformanceDir(); // skips loudly, or fails when the captures are required
        }
        HexCapture capture = HexCapture.read(file);
        XcRequestDecoder requestDecoder = capture.startsMidConnection()
                ? XcRequestDecoder.afterStartup(FORMAT, capture.proxyFramed())
                : new XcRequestDecoder(FORMAT, true);
        List<WireMessage.Frontend> requests = XcCodecs.decode(requestDecoder, capture.clientToServer());
        List<WireMessage.Backend> answers = XcCodecs.decode(new XcResponseDecoder(FORMAT, capture.proxyFramed()),
                capture.serverToClient());
        int startGxid = ReplayState.firstGxid(answers);
        GtmServer server = TestServers.start(startGxid);
        ReplayState state = new ReplayState();
        int compared = 0;
        try (GtmClient client = GtmClient.connect(server.boundAddress(),
                capture.proxyFramed() ? ClientOptions.PROXY_WORKER : ClientOptions.BACKEND)) {
            int next = 0;
            for (WireMessage.Frontend message : requests) {
                if (message instanceof WireMessage.Startup) {
                    assertInstanceOf(WireMessage.StartupAck.class, answers.get(next++), "startup answer");
                    continue;
                }
                if (!(message instanceof WireMessage.Command command)) {
                    continue; // 'F' and 'X' get no answer
                }
                Request request = state.translate(command.request());
                Response ours = command.conid() == WireMessage.NO_CONID
                        ? client.call(request) : client.call(command.conid(), request);
                if (ours instanceof Response.None) {
                    state.applied(command.conid(), request, ours);
                    continue;
                }
                if (next >= answers.size()) {
                    break; // the capture ended before this answer arrived
                }
                WireMessage.Answer captured = (WireMessage.Answer) answers.get(next++);
                compare(captured.response(), ours, command.request(), state);
                state.applied(command.conid(), request, ours);
                compared++;
            }
        } finally {
            closeQuietly(server);
        }
        assertTrue(compared > 0 || requests.stream().noneMatch(m -> m instanceof WireMessage.Command),
                "nothing was compared in " + capture.name());
    }

    private static void compare(Response captured, Response ours, Request capturedRequest, ReplayState state) {
        String context = "request " + capturedRequest + ": captured " + captured + ", mgtm " + ours;
        if (state.namesUnknownTransaction(capturedRequest)) {
            // The transaction was begun before the capture window opened: mgtm never saw it.
            assertFalse(ours instanceof Response.Success s && allOk(s), context);
            return;
        }
        assertEquals(captured.getClass(), ours.getClass(), context);
        if (captured instanceof Response.Success c && ours instanceof Response.Success o) {
            assertEquals(c.resultType(), o.resultType(), context);
        }
        if (captured instanceof Response.BeginGxid c) {
            state.mapRun(c.gxid(), ((Response.BeginGxid) ours).gxid(), 1);
        } else if (captured instanceof Response.BeginGxidMulti c) {
            Response.BeginGxidMulti o = (Response.BeginGxidMulti) ours;
            assertEquals(c.count(), o.count(), context);
            state.mapRun(c.firstGxid(), o.firstGxid(), c.count());
        } else if (captured instanceof Response.Ended c) {
            Response.Ended o = (Response.Ended) ours;
            assertEquals(state.ours(c.gxid()), o.gxid(), context);
            // gtm_proxy's 4-byte form carries no status; mgtm always sends GTM's 8-byte form.
            assertEquals(c.hasStatus() ? c.status() : Response.STATUS_OK, o.status(), context);
        } else if (captured instanceof Response.EndedMulti c) {
            assertEquals(c.statuses(), ((Response.EndedMulti) ours).statuses(), context);
        } else if (captured instanceof Response.SnapshotResult c) {
            Response.SnapshotResult o = (Response.SnapshotResult) ours;
            assertEquals(state.ours(c.gxid()), o.gxid(), context);
            assertEquals(c.status(), o.status(), context);
            state.checkSnapshot(o.snapshot(), List.of(o.gxid()), context);
        } else if (captured instanceof Response.SnapshotMultiResult c) {
            Response.SnapshotMultiResult o = (Response.SnapshotMultiResult) ours;
            assertEquals(c.statuses(), o.statuses(), context);
            state.checkSnapshot(o.snapshot(), state.requesters(capturedRequest), context);
        } else if (captured instanceof Response.SequenceKeyResult || captured instanceof Response.SequenceValue) {
            assertEquals(captured, ours, context);
        } else {
            fail("no comparison rule for " + context);
        }
    }

    private static boolean allOk(Response.Success s) {
        if (s instanceof Response.EndedMulti m) {
            return m.statuses().stream().allMatch(x -> x == Response.STATUS_OK);
        }
        if (s instanceof Response.SnapshotMultiResult m) {
            return m.statuses().stream().allMatch(x -> x == Response.STATUS_OK);
        }
        return true;
    }

    private static void closeQuietly(GtmServer server) {
        try {
            server.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
