package org.mgtm.protocol.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mgtm.protocol.internal.InternalTestSupport.BE;
import static org.mgtm.protocol.internal.InternalTestSupport.CHUNKS;
import static org.mgtm.protocol.internal.InternalTestSupport.LE;
import static org.mgtm.protocol.internal.InternalTestSupport.concat;
import static org.mgtm.protocol.internal.InternalTestSupport.encode;
import static org.mgtm.protocol.internal.InternalTestSupport.encodeVia;
import static org.mgtm.protocol.internal.InternalTestSupport.feedClean;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.WireMessage;
import org.mgtm.protocol.codec.XcCodecs;

/** Server messages through InternalReplyEncoder and back through InternalReplyDecoder. */
class ServerRoundTripTest {

    static final ServerMessage.Welcome WELCOME = new ServerMessage.Welcome(3, "mgtm1", true, false);

    /** WELCOME, every XC response, pongs, status, then one of the last messages. */
    static Stream<Arguments> connections() {
        return Stream.of(LE, BE).flatMap(f -> Arrays.stream(CHUNKS).boxed()
                .flatMap(c -> Samples.lastMessages().stream().map(last -> Arguments.of(f, c, last))));
    }

    @ParameterizedTest(name = "{0} chunk {1} ending {2}")
    @MethodSource("connections")
    void wholeConnection(InternalFormat fmt, int chunk, ServerMessage last) {
        List<ServerMessage> msgs = new ArrayList<>();
        msgs.add(WELCOME);
        msgs.addAll(Samples.replyTraffic());
        msgs.add(last);
        byte[] stream = concat(msgs.stream().map(m -> encode(fmt, m)).toList());
        InternalReplyDecoder decoder = new InternalReplyDecoder(fmt);
        assertEquals(msgs, feedClean(new EmbeddedChannel(decoder), stream, chunk));
        assertEquals(0, decoder.bufferedBytes());
    }

    /** A follower refuses a HELLO at once: NOT_LEADER or ERROR as the only message. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusalWithoutWelcome(ServerMessage refusal) {
        for (int chunk : CHUNKS) {
            assertEquals(List.of(refusal),
                    feedClean(new EmbeddedChannel(new InternalReplyDecoder(LE)), encode(LE, refusal), chunk));
        }
    }

    static Stream<ServerMessage> refusals() {
        return Samples.lastMessages().stream().filter(m -> !(m instanceof ServerMessage.SessionEnded));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("welcomes")
    void welcomeVariants(ServerMessage.Welcome welcome) {
        for (int chunk : CHUNKS) {
            assertEquals(List.of(welcome),
                    feedClean(new EmbeddedChannel(new InternalReplyDecoder(LE)), encode(LE, welcome), chunk));
        }
    }

    static Stream<ServerMessage.Welcome> welcomes() {
        return Stream.of(new ServerMessage.Welcome(0, "", false, false), new ServerMessage.Welcome(1, "a", true, true),
                new ServerMessage.Welcome(Long.MAX_VALUE, "m\u00e9".repeat(85), false, true));
    }

    @Test
    void channelEncoderMatchesStaticWriter() {
        EmbeddedChannel ch = new EmbeddedChannel(new InternalReplyEncoder(LE));
        List<ServerMessage> msgs = new ArrayList<>(Samples.replyTraffic());
        msgs.addAll(Samples.lastMessages());
        msgs.add(WELCOME);
        for (ServerMessage m : msgs) {
            assertArrayEquals(encode(LE, m), encodeVia(ch, m), m.toString());
        }
    }

    /** Each XC response alone after a WELCOME, so a failure names the response. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("xcResponses")
    void eachXcResponse(String name, Response response) {
        for (InternalFormat fmt : List.of(LE, BE)) {
            ServerMessage.XcReply msg = new ServerMessage.XcReply(99, response);
            byte[] stream = concat(List.of(encode(fmt, WELCOME), encode(fmt, msg)));
            for (int chunk : CHUNKS) {
                assertEquals(List.of(WELCOME, msg),
                        feedClean(new EmbeddedChannel(new InternalReplyDecoder(fmt)), stream, chunk));
            }
        }
    }

    /**
     * The outcome byte and body inside XC_REPLY are the plain XC answer frame minus its length word,
     * so a proxy re-encoding the decoded answer sends backends the bytes the server meant.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("xcResponses")
    void xcBodyIsTheXcWireFrame(String name, Response response) {
        for (InternalFormat fmt : List.of(LE, BE)) {
            byte[] internal = encode(fmt, new ServerMessage.XcReply(1, response));
            int header = 4 + 1 + 8;
            if (response instanceof Response.None) {
                assertEquals(header + 1, internal.length);
                assertEquals('N', internal[header]);
                continue;
            }
            byte[] xc = XcCodecs.encode(fmt.xc(), new WireMessage.Answer(WireMessage.NO_CONID, response));
            assertEquals(xc[0], internal[header], "outcome byte is the XC frame type");
            assertArrayEquals(Arrays.copyOfRange(xc, 5, xc.length), Arrays.copyOfRange(internal, header + 1,
                    internal.length));
        }
    }

    static Stream<Arguments> xcResponses() {
        List<Response> all = Samples.xcResponses();
        return all.stream().map(r -> Arguments.of(all.indexOf(r) + ":" + r.getClass().getSimpleName(), r));
    }
}
