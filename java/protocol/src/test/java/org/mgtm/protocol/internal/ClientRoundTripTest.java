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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.WireMessage;
import org.mgtm.protocol.codec.XcCodecs;

/** Client messages through InternalRequestEncoder and back through InternalRequestDecoder. */
class ClientRoundTripTest {

    static Stream<Arguments> formatsAndChunks() {
        return Stream.of(LE, BE).flatMap(f -> Arrays.stream(CHUNKS).mapToObj(c -> Arguments.of(f, c)));
    }

    private static String name(InternalFormat f) {
        return f.xc().hostOrder().toString();
    }

    /** HELLO, every XC request, pings, status, END_SESSION: one connection's stream, decoded. */
    @ParameterizedTest(name = "{0} chunk {1}")
    @MethodSource("formatsAndChunks")
    void wholeSession(InternalFormat fmt, int chunk) {
        List<ClientMessage> msgs = new ArrayList<>();
        msgs.add(Samples.hello(fmt.xc().hostOrder()));
        msgs.addAll(Samples.sessionTraffic());
        byte[] stream = concat(msgs.stream().map(m -> encode(fmt, m)).toList());
        InternalRequestDecoder decoder = new InternalRequestDecoder(fmt);
        assertEquals(msgs, feedClean(new EmbeddedChannel(decoder), stream, chunk), name(fmt));
        assertEquals(0, decoder.bufferedBytes());
    }

    /** The encoder in a channel writes what the static writer writes. */
    @Test
    void channelEncoderMatchesStaticWriter() {
        EmbeddedChannel ch = new EmbeddedChannel(new InternalRequestEncoder(LE));
        List<ClientMessage> msgs = new ArrayList<>(Samples.sessionTraffic());
        msgs.add(0, Samples.hello(ByteOrder.LITTLE_ENDIAN));
        for (ClientMessage m : msgs) {
            assertArrayEquals(encode(LE, m), encodeVia(ch, m), m.toString());
        }
    }

    @ParameterizedTest(name = "{0} chunk {1}")
    @MethodSource("formatsAndChunks")
    void toolConnection(InternalFormat fmt, int chunk) {
        List<ClientMessage> msgs = List.of(
                ClientMessage.Hello.withoutSession(fmt.xc().hostOrder(), Samples.TOKEN, "mgtm-ctl"),
                ClientMessage.StatusRequest.INSTANCE, new ClientMessage.Ping(1), ClientMessage.StatusRequest.INSTANCE);
        byte[] stream = concat(msgs.stream().map(m -> encode(fmt, m)).toList());
        assertEquals(msgs, feedClean(new EmbeddedChannel(new InternalRequestDecoder(fmt)), stream, chunk));
    }

    @ParameterizedTest(name = "resume={0}")
    @MethodSource("helloVariants")
    void helloVariants(ClientMessage.Hello hello) {
        for (int chunk : CHUNKS) {
            List<Object> out = feedClean(new EmbeddedChannel(new InternalRequestDecoder(LE)), encode(LE, hello), chunk);
            assertEquals(List.of(hello), out);
        }
    }

    static Stream<ClientMessage.Hello> helloVariants() {
        byte[] longest = new byte[ClientMessage.Hello.MAX_TOKEN_LENGTH];
        Arrays.fill(longest, (byte) 0xff);
        ByteOrder le = ByteOrder.LITTLE_ENDIAN;
        return Stream.of(
                new ClientMessage.Hello(1, true, le, Samples.TOKEN, "proxy"),
                new ClientMessage.Hello(-1, false, le, new byte[0], ""),
                new ClientMessage.Hello(Long.MIN_VALUE, true, le, longest, "n\u00e9".repeat(85)));
    }

    /** Each XC request alone after a HELLO, so a failure names the request type. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("xcRequests")
    void eachXcRequest(String type, Request request) {
        for (InternalFormat fmt : List.of(LE, BE)) {
            ClientMessage.Hello hello = Samples.hello(fmt.xc().hostOrder());
            ClientMessage.XcRequest msg = new ClientMessage.XcRequest(3, 2, 17, request);
            byte[] stream = concat(List.of(encode(fmt, hello), encode(fmt, msg)));
            for (int chunk : CHUNKS) {
                List<Object> out = feedClean(new EmbeddedChannel(new InternalRequestDecoder(fmt)), stream, chunk);
                assertEquals(List.of(hello, msg), out, name(fmt) + " chunk " + chunk);
            }
        }
    }

    /**
     * The XC body inside XC_REQUEST is byte for byte what follows the length word of the plain XC 'C'
     * frame of the same request, in either host order.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("xcRequests")
    void xcBodyIsTheXcWireBody(String type, Request request) {
        for (InternalFormat fmt : List.of(LE, BE)) {
            byte[] internal = encode(fmt, new ClientMessage.XcRequest(1, 0, -1, request));
            byte[] xc = XcCodecs.encode(fmt.xc(), WireMessage.Command.plain(request));
            int header = 4 + 1 + 8 + 8 + 4;
            assertEquals(internal.length - 4, ByteBuffer.wrap(internal).getInt(), "length word");
            assertEquals(0x02, internal[4]);
            assertArrayEquals(Arrays.copyOfRange(xc, 5, xc.length), Arrays.copyOfRange(internal, header, internal.length),
                    name(fmt));
        }
    }

    static Stream<Arguments> xcRequests() {
        return Samples.xcRequests().stream().map(r -> Arguments.of(r.type().name(), r));
    }
}
