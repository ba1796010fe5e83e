package org.mgtm.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mgtm.protocol.codec.CodecTestSupport.CHUNKS;
import static org.mgtm.protocol.codec.CodecTestSupport.LE;
import static org.mgtm.protocol.codec.CodecTestSupport.concat;
import static org.mgtm.protocol.codec.CodecTestSupport.encodeRequest;
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
import org.mgtm.protocol.Request;
import org.mgtm.protocol.WireFormat;
import org.mgtm.protocol.WireMessage;

/** Every request record through XcRequestEncoder and back through XcRequestDecoder. */
class RequestRoundTripTest {

    static Stream<Arguments> requests() {
        List<Request> all = MessageSamples.requests();
        return IntStream.range(0, all.size()).boxed().flatMap(i -> Stream.of(false, true)
                .map(proxy -> Arguments.of(i + ":" + all.get(i).type(), all.get(i), proxy)));
    }

    private static int conidFor(Request r, boolean proxy) {
        if (!proxy) {
            return WireMessage.NO_CONID;
        }
        // Grouped requests travel with -1 on real proxies; others with a backend slot.
        return r.type().name().endsWith("_MULTI") ? WireMessage.GROUP_CONID : 1023;
    }

    @ParameterizedTest(name = "{0} proxy={2}")
    @MethodSource("requests")
    void roundTrip(String name, Request request, boolean proxy) {
        WireMessage.Command cmd = new WireMessage.Command(conidFor(request, proxy), request);
        byte[] bytes = encodeRequest(cmd);
        assertEquals(bytes.length - 1, ByteBuffer.wrap(bytes, 1, 4).getInt(), "length word");
        assertArrayEquals(bytes, XcCodecs.encode(LE, cmd), "XcCodecs agrees with the encoder");
        for (int chunk : CHUNKS) {
            XcRequestDecoder decoder = XcRequestDecoder.afterStartup(LE, proxy);
            EmbeddedChannel ch = new EmbeddedChannel(decoder);
            assertEquals(List.of(cmd), feed(ch, bytes, chunk), "chunk " + chunk);
            assertEquals(0, decoder.bufferedBytes());
        }
    }

    @ParameterizedTest(name = "{0} big-endian host order")
    @MethodSource("requests")
    void roundTripBigEndianHost(String name, Request request, boolean proxy) {
        WireFormat be = new WireFormat(ByteOrder.BIG_ENDIAN, WireFormat.DEFAULT_MAX_FRAME_LENGTH);
        WireMessage.Command cmd = new WireMessage.Command(conidFor(request, proxy), request);
        byte[] bytes = XcCodecs.encode(be, cmd);
        assertEquals(List.of(cmd), XcCodecs.decode(XcRequestDecoder.afterStartup(be, proxy), bytes));
    }

    /** A whole connection in one stream: startup, every request, flush, terminate. */
    @ParameterizedTest(name = "proxy={0}")
    @ValueSource(booleans = {false, true})
    void wholeConnectionInOneStream(boolean proxy) {
        List<WireMessage.Frontend> msgs = new ArrayList<>();
        msgs.add(new WireMessage.Startup(2, proxy));
        for (Request r : MessageSamples.requests()) {
            msgs.add(new WireMessage.Command(conidFor(r, proxy), r));
            msgs.add(WireMessage.Flush.INSTANCE);
        }
        msgs.add(WireMessage.Terminate.INSTANCE);
        byte[] stream = concat(msgs.stream().map(CodecTestSupport::encodeRequest).toArray(byte[][]::new));
        for (int chunk : CHUNKS) {
            XcRequestDecoder decoder = new XcRequestDecoder(LE, true);
            assertEquals(msgs, feed(new EmbeddedChannel(decoder), stream, chunk), "chunk " + chunk);
            assertEquals(proxy, decoder.proxyFraming());
        }
    }
}
