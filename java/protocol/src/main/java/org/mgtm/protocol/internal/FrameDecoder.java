package org.mgtm.protocol.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits the stream into frames for the two internal decoders. Each check runs as soon as its bytes
 * are readable: the length when the length word is in, the kind (and whether it may come now) when
 * the kind byte is in, so a bad frame is refused before its body is buffered. The first fault throws
 * {@link InternalProtocolException}; after it, and after a subclass calls {@link #stopReading()},
 * every byte of the channel is dropped unread.
 */
abstract class FrameDecoder extends ByteToMessageDecoder {

    private final int maxFrameLength;
    private boolean dropping;

    FrameDecoder(int maxFrameLength) {
        this.maxFrameLength = maxFrameLength;
    }

    /** Throws if {@code kind} is unknown in this direction or not allowed at this point. */
    abstract void checkKind(int kind);

    /** Decodes one whole frame's payload; never returns null. */
    abstract Object decodeFrame(int kind, PayloadIn payload);

    /** Nothing after the current frame is to be read: the peer is done or cannot be understood. */
    final void stopReading() {
        dropping = true;
    }

    @Override
    protected final void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        Object msg = decodeOne(in);
        if (msg != null) {
            out.add(msg);
        }
    }

    /** One message, or null when more bytes are needed or the input is being dropped. */
    final Object decodeOne(ByteBuf in) {
        if (dropping) {
            in.skipBytes(in.readableBytes());
            return null;
        }
        try {
            return frame(in);
        } catch (InternalProtocolException e) {
            dropping = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    private Object frame(ByteBuf in) {
        if (in.readableBytes() < Kinds.LENGTH_SIZE) {
            return null;
        }
        int start = in.readerIndex();
        int len = in.getInt(start);
        if (len < Kinds.KIND_SIZE) {
            throw new InternalProtocolException("invalid frame length " + len + " (less than 1)");
        }
        if (len > maxFrameLength) {
            throw new InternalProtocolException("frame length " + len + " exceeds the maximum of " + maxFrameLength);
        }
        if (in.readableBytes() < Kinds.LENGTH_SIZE + Kinds.KIND_SIZE) {
            return null;
        }
        int kind = in.getUnsignedByte(start + Kinds.LENGTH_SIZE);
        checkKind(kind);
        if (in.readableBytes() < Kinds.LENGTH_SIZE + len) {
            return null;
        }
        ByteBuf payload = in.slice(start + Kinds.LENGTH_SIZE + Kinds.KIND_SIZE, len - Kinds.KIND_SIZE);
        in.skipBytes(Kinds.LENGTH_SIZE + len);
        return decodeFrame(kind, new PayloadIn(payload, kind));
    }
}
