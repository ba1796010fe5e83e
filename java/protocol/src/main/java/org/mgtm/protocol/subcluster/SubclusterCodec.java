package org.mgtm.protocol.subcluster;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The bytes of the sub-cluster requests and answers: {@code BE16 kind}, then the fields big-endian (whatever
 * the XC host order), strings as {@code BE16 n} + n bytes of UTF-8. Netty-free, so the core (which keeps
 * replies in its snapshots) and the protocol codecs share it. Where these bytes travel:
 * <ul>
 *   <li>inside an XC request body, after the message code {@link #MESSAGE_CODE}, which is no XC message
 *       type (XC's decoders refuse it as "invalid frontend message type");</li>
 *   <li>inside an XC response body, after the outcome byte {@link #OUTCOME}.</li>
 * </ul>
 * Kinds are stable ids, never reused: they are in the replicated log and in state snapshots.
 * Decoding checks every field and refuses trailing bytes ({@link IllegalArgumentException}).
 */
public final class SubclusterCodec {
    /** The BE32 message code of a sub-cluster request in an XC request body ("MGS" + 1). */
    public static final int MESSAGE_CODE = 0x4D475301;
    /** The outcome byte of a sub-cluster answer in an XC response body. */
    public static final byte OUTCOME = 'G';

    // Request kinds.
    private static final int RANGE_REQUEST = 1;
    private static final int DECIDE = 2;
    private static final int FORGET = 3;
    private static final int REGISTER = 4;
    private static final int BEGIN_ABOVE = 5;
    private static final int PREPARE_CROSS = 6;
    // Response kinds.
    private static final int RANGE_GRANT = 1;
    private static final int DECISION = 2;
    private static final int REGISTERED = 3;
    private static final int REFUSED = 4;

    private static final int MAX_MESSAGE_BYTES = 1024;

    private SubclusterCodec() {
    }

    public static byte[] encode(SubclusterRequest request) {
        return write(out -> {
            if (request instanceof SubclusterRequest.RangeRequest r) {
                out.writeShort(RANGE_REQUEST);
                writeString(out, r.subcluster());
                out.writeLong(r.claim());
                out.writeLong(r.requestId());
                out.writeInt(r.size());
                out.writeInt(r.oldestInUse());
                out.writeInt(r.atLeast());
            } else if (request instanceof SubclusterRequest.Decide d) {
                out.writeShort(DECIDE);
                out.writeInt(d.gxid());
                out.writeBoolean(d.commit());
            } else if (request instanceof SubclusterRequest.Forget f) {
                out.writeShort(FORGET);
                out.writeInt(f.gxid());
            } else if (request instanceof SubclusterRequest.Register r) {
                out.writeShort(REGISTER);
                out.writeInt(r.gxid());
                writeString(out, r.home());
                out.writeInt(r.isolation());
                out.writeBoolean(r.readOnly());
            } else if (request instanceof SubclusterRequest.BeginAbove b) {
                out.writeShort(BEGIN_ABOVE);
                out.writeInt(b.floor());
                out.writeInt(b.isolation());
                out.writeBoolean(b.readOnly());
            } else if (request instanceof SubclusterRequest.PrepareCross p) {
                out.writeShort(PREPARE_CROSS);
                out.writeInt(p.gxid());
            } else {
                throw new IllegalArgumentException("no encoding for " + request);
            }
        });
    }

    public static byte[] encode(SubclusterResponse response) {
        return write(out -> {
            if (response instanceof SubclusterResponse.RangeGrant g) {
                out.writeShort(RANGE_GRANT);
                out.writeLong(g.requestId());
                out.writeInt(g.first());
                out.writeInt(g.last());
            } else if (response instanceof SubclusterResponse.Decision d) {
                out.writeShort(DECISION);
                out.writeInt(d.gxid());
                out.writeBoolean(d.commit());
            } else if (response instanceof SubclusterResponse.Registered r) {
                out.writeShort(REGISTERED);
                out.writeInt(r.gxid());
            } else if (response instanceof SubclusterResponse.Refused r) {
                out.writeShort(REFUSED);
                out.writeByte(r.reason());
                out.writeInt(r.horizon());
                writeString(out, r.message());
            } else {
                throw new IllegalArgumentException("no encoding for " + response);
            }
        });
    }

    /** Decodes a request written by {@link #encode(SubclusterRequest)}; anything else is an IllegalArgumentException. */
    public static SubclusterRequest decodeRequest(byte[] bytes) {
        return read(bytes, in -> {
            int kind = in.readUnsignedShort();
            return switch (kind) {
                case RANGE_REQUEST -> {
                    String name = readString(in);
                    long claim = in.readLong();
                    long requestId = in.readLong();
                    int size = in.readInt();
                    if (requestId < 1 || size < 1 || size > SubclusterRequest.MAX_RANGE_SIZE) {
                        throw new IllegalArgumentException("bad range request: id " + requestId + ", size " + size);
                    }
                    yield new SubclusterRequest.RangeRequest(name, claim, requestId, size, in.readInt(), in.readInt());
                }
                case DECIDE -> new SubclusterRequest.Decide(in.readInt(), readBoolean(in));
                case FORGET -> new SubclusterRequest.Forget(in.readInt());
                case REGISTER -> new SubclusterRequest.Register(in.readInt(), readString(in), in.readInt(),
                        readBoolean(in));
                case BEGIN_ABOVE -> new SubclusterRequest.BeginAbove(in.readInt(), in.readInt(), readBoolean(in));
                case PREPARE_CROSS -> new SubclusterRequest.PrepareCross(in.readInt());
                default -> throw new IllegalArgumentException("unknown sub-cluster request kind " + kind);
            };
        });
    }

    /** Decodes an answer written by {@link #encode(SubclusterResponse)}; anything else is an IllegalArgumentException. */
    public static SubclusterResponse decodeResponse(byte[] bytes) {
        return read(bytes, in -> {
            int kind = in.readUnsignedShort();
            return switch (kind) {
                case RANGE_GRANT -> {
                    long requestId = in.readLong();
                    int first = in.readInt();
                    int last = in.readInt();
                    if (Integer.compareUnsigned(first, 3) < 0 || Integer.compareUnsigned(first, last) > 0) {
                        throw new IllegalArgumentException("bad range " + Integer.toUnsignedString(first) + ".."
                                + Integer.toUnsignedString(last));
                    }
                    yield new SubclusterResponse.RangeGrant(requestId, first, last);
                }
                case DECISION -> new SubclusterResponse.Decision(in.readInt(), readBoolean(in));
                case REGISTERED -> new SubclusterResponse.Registered(in.readInt());
                case REFUSED -> {
                    int reason = in.readUnsignedByte();
                    if (reason != SubclusterResponse.Refused.TOO_OLD && reason != SubclusterResponse.Refused.NO_LEASE) {
                        throw new IllegalArgumentException("unknown refusal reason " + reason);
                    }
                    yield new SubclusterResponse.Refused(reason, in.readInt(), readString(in));
                }
                default -> throw new IllegalArgumentException("unknown sub-cluster answer kind " + kind);
            };
        });
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] write(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory stream failed", e);
        }
        return bytes.toByteArray();
    }

    private static <T> T read(byte[] bytes, Reader<T> reader) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            T value = reader.read(in);
            if (in.available() != 0) {
                throw new IllegalArgumentException(in.available() + " trailing bytes after a sub-cluster message");
            }
            return value;
        } catch (EOFException e) {
            throw new IllegalArgumentException("truncated sub-cluster message", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable sub-cluster message: " + e.getMessage(), e);
        }
    }

    private static boolean readBoolean(DataInputStream in) throws IOException {
        int b = in.readUnsignedByte();
        if (b > 1) {
            throw new IllegalArgumentException("boolean byte " + b);
        }
        return b == 1;
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > MAX_MESSAGE_BYTES) {
            b = java.util.Arrays.copyOf(b, MAX_MESSAGE_BYTES);
            // cut at a character boundary: drop continuation bytes at the end
            int n = b.length;
            while (n > 0 && (b[n - 1] & 0xC0) == 0x80) {
                n--;
            }
            if (n > 0 && (b[n - 1] & 0x80) != 0) {
                n--;
            }
            b = java.util.Arrays.copyOf(b, n);
        }
        out.writeShort(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = in.readUnsignedShort();
        if (n > MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("string of " + n + " bytes");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("string is not UTF-8");
        }
    }
}
