package org.mgtm.fuzz;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fuzz targets' oracle catches what it promises to (docs/fuzzing.md). */
class DecoderHarnessTest {
    /** Emits each byte as an Integer; throws the given exception on a 0xFF byte, then drops all input. */
    private static final class ByteDecoder extends ByteToMessageDecoder {
        private final RuntimeException onFf;
        private boolean failed;

        ByteDecoder(RuntimeException onFf) {
            this.onFf = onFf;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            if (failed) {
                in.skipBytes(in.readableBytes());
                return;
            }
            int b = in.readUnsignedByte();
            if (b == 0xff) {
                failed = true;
                in.skipBytes(in.readableBytes());
                throw onFf;
            }
            out.add(b);
        }
    }

    static final class ProtocolError extends CorruptedFrameException {
        ProtocolError() {
            super("bad byte");
        }
    }

    private static void check(RuntimeException onFf, byte[] input, java.util.function.Function<Object, byte[]> encode) {
        DecoderHarness.check(() -> new ByteDecoder(onFf), input, 1, ProtocolError.class, m -> true, encode);
    }

    @Test
    void acceptsTheDocumentedExceptionAndAConsistentCodec() {
        check(new ProtocolError(), new byte[] {1, 2, (byte) 0xff, 3}, m -> new byte[] {(byte) (int) (Integer) m});
    }

    @Test
    void flagsAnyOtherException() {
        AssertionError e = assertThrows(AssertionError.class, () -> check(new NullPointerException("oops"),
                new byte[] {1, (byte) 0xff}, m -> new byte[] {(byte) (int) (Integer) m}));
        assertTrue(e.getMessage().contains("undocumented exception"), e.getMessage());
    }

    @Test
    void flagsAnInconsistentEncoder() {
        AssertionError e = assertThrows(AssertionError.class, () -> check(new ProtocolError(), new byte[] {1, 2},
                m -> new byte[] {(byte) ((Integer) m + 1)}));
        assertTrue(e.getMessage().contains("re-encoded"), e.getMessage());
    }

    @Test
    void flagsAnEncoderThatRefusesADecodedMessage() {
        AssertionError e = assertThrows(AssertionError.class, () -> check(new ProtocolError(), new byte[] {7},
                m -> {
                    throw new IllegalArgumentException("cannot encode " + m);
                }));
        assertTrue(e.getMessage().contains("does not encode"), e.getMessage());
    }
}
