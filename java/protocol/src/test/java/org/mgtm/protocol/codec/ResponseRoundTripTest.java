package org.mgtm.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mgtm.protocol.codec.CodecTestSupport.CHUNKS;
import static org.mgtm.protocol.codec.CodecTestSupport.LE;
import static org.mgtm.protocol.codec.CodecTestSupport.concat;
import static org.mgtm.protocol.codec.CodecTestSupport.encodeResponse;
import static org.mgtm.protocol.codec.CodecTestSupport.feed;

import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.WireFormat;
import org.mgtm.protocol.WireMessage;

/** Every response record through XcResponseEncoder and back through XcResponseDecoder. */
class ResponseRoundTripTest {

    static Stream<Arguments> responses() {
        List<Response> all = MessageSamples.responses();
        return IntStream.range(0, all.size()).boxed().flatMap(i -> Stream.of(false, true)
                .map(proxy -> Arguments.of(i + ":" + label(all.get(i)), all.get(i), proxy, i)));
    }

    private static String label(Response r) {
        return r instanceof Response.Success s ? s.resultType().name() : r.getClass().getSimpleName();
    }

    /** On proxy connections alternate the group conid -1 and a backend slot. */
    private static WireMessage.Answer answer(Response r, boolean proxy, int i) {
        return new WireMessage.Answer(proxy ? (i % 2 == 0 ? WireMessage.GROUP_CONID : 517) : WireMessage.NO_CONID, r);
    }

    @ParameterizedTest(name = "{0} proxy={2}")
    @MethodSource("responses")
    void roundTrip(String name, Response response, boolean proxy, int index) {
        WireMessage.Answer answer = answer(response, proxy, index);
        byte[] bytes = encodeResponse(answer);
        assertEquals(bytes.length - 1, ByteBuffer.wrap(bytes, 1, 4).getInt(), "length word");
        assertArrayEquals(bytes, XcCodecs.encode(LE, answer), "XcCodecs agrees with the encoder");
        for (int chunk : CHUNKS) {
            XcResponseDecoder decoder = new XcResponseDecoder(LE, proxy);
            assertEquals(List.of(answer), feed(new EmbeddedChannel(decoder), bytes, chunk), "chunk " + chunk);
            assertEquals(0, decoder.bufferedBytes());
        }
    }

    @ParameterizedTest(name = "{0} big-endian host order")
    @MethodSource("responses")
    void roundTripBigEndianHost(String name, Response response, boolean proxy, int index) {
        WireFormat be = new WireFormat(ByteOrder.BIG_ENDIAN, WireFormat.DEFAULT_MAX_FRAME_LENGTH);
        WireMessage.Answer answer = answer(response, proxy, index);
        assertEquals(List.of(answer), XcCodecs.decode(new XcResponseDecoder(be, proxy), XcCodecs.encode(be, answer)));
    }

    @ParameterizedTest(name = "proxy={0}")
    @ValueSource(booleans = {false, true})
    void manyAnswersInOneStream(boolean proxy) {
        List<WireMessage.Backend> msgs = new ArrayList<>();
        msgs.add(WireMessage.StartupAck.INSTANCE);
        List<Response> all = MessageSamples.responses();
        for (int i = 0; i < all.size(); i++) {
            msgs.add(answer(all.get(i), proxy, i));
        }
        byte[] stream = concat(msgs.stream().map(CodecTestSupport::encodeResponse).toArray(byte[][]::new));
        for (int chunk : CHUNKS) {
            assertEquals(msgs, feed(new EmbeddedChannel(new XcResponseDecoder(LE, proxy)), stream, chunk),
                    "chunk " + chunk);
        }
    }
}
