package org.mgtm.protocol.internal;

import io.netty.buffer.ByteBuf;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.WireFormat;
import org.mgtm.protocol.codec.XcBodies;
import org.mgtm.protocol.codec.XcBodyException;

/**
 * Reads the big-endian fields of one internal payload. Every read is bounds-checked and every fault,
 * including one in a record's own validation, becomes an {@link InternalProtocolException} naming
 * the message, so a bad payload never surfaces as an IndexOutOfBoundsException.
 */
final class PayloadIn {
    private final ByteBuf buf;
    private final String kind;

    PayloadIn(ByteBuf payload, int kind) {
        this.buf = payload;
        this.kind = Kinds.name(kind);
    }

    InternalProtocolException error(String why) {
        return new InternalProtocolException("malformed " + kind + ": " + why);
    }

    int remaining() {
        return buf.readableBytes();
    }

    private void need(int n, String field) {
        if (buf.readableBytes() < n) {
            throw error("truncated at " + field);
        }
    }

    int u8(String field) {
        need(1, field);
        return buf.readUnsignedByte();
    }

    int be16(String field) {
        need(2, field);
        return buf.readUnsignedShort();
    }

    int be32(String field) {
        need(4, field);
        return buf.readInt();
    }

    long be64(String field) {
        need(8, field);
        return buf.readLong();
    }

    /** BE16 length + that many bytes, the length checked before anything is allocated. */
    byte[] bytes16(int max, String field) {
        int len = be16(field + " length");
        if (len > max) {
            throw error(field + " is " + len + " bytes, at most " + max + " allowed");
        }
        need(len, field);
        byte[] b = new byte[len];
        buf.readBytes(b);
        return b;
    }

    String str16(int max, String field) {
        int len = be16(field + " length");
        if (len > max) {
            throw error(field + " is " + len + " bytes, at most " + max + " allowed");
        }
        need(len, field);
        return utf8(len, field);
    }

    /** All remaining bytes as strict UTF-8: a peer that sends broken text is broken. */
    String restAsUtf8(String field) {
        return utf8(buf.readableBytes(), field);
    }

    private String utf8(int len, String field) {
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(buf.nioBuffer(buf.readerIndex(), len))
                    .toString();
            buf.skipBytes(len);
            return s;
        } catch (CharacterCodingException e) {
            throw error(field + " is not valid UTF-8");
        }
    }

    Request xcRequest(WireFormat fmt) {
        try {
            return XcBodies.readRequest(fmt, buf);
        } catch (XcBodyException e) {
            throw error("XC request: " + e.getMessage());
        }
    }

    Response xcResponse(WireFormat fmt) {
        try {
            return XcBodies.readResponse(fmt, buf);
        } catch (XcBodyException e) {
            throw error("XC response: " + e.getMessage());
        }
    }

    /** Our own encoders write exact payloads: anything left over means the ends disagree. */
    void end() {
        if (buf.isReadable()) {
            throw error(buf.readableBytes() + " trailing bytes");
        }
    }

    /** Runs a record constructor, turning its validation failure into a protocol error. */
    <T> T build(Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw error(e.getMessage());
        }
    }
}
