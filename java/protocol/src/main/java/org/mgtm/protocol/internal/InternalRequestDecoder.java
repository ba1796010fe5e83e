package org.mgtm.protocol.internal;

import java.nio.ByteOrder;
import org.mgtm.protocol.Request;

/**
 * Server side: bytes from an internal client to {@link ClientMessage}s.
 *
 * <p>The first frame must be HELLO and no other HELLO may follow; a session-less (tool) connection
 * may not send XC_REQUEST or END_SESSION. Any fault, including a malformed payload, throws
 * {@link InternalProtocolException} and silences the channel: only our own software speaks this
 * protocol, so a fault is a bug or a stranger, and guessing on would be worse than closing. Input is
 * also dropped, without an exception, after END_SESSION, after a HELLO of an unsupported version
 * ({@link ClientMessage.UnsupportedHello}) and after a HELLO whose XC byte order differs from ours,
 * because the server answers those with a last message and closes.
 */
public final class InternalRequestDecoder extends FrameDecoder {

    static final int HELLO_RESUME = 0x01;
    static final int ORDER_LITTLE_ENDIAN = 0;
    static final int ORDER_BIG_ENDIAN = 1;

    private enum State { AWAIT_HELLO, SESSION, TOOL }

    private final InternalFormat fmt;
    private State state = State.AWAIT_HELLO;

    public InternalRequestDecoder(InternalFormat fmt) {
        super(fmt.maxFrameLength());
        this.fmt = fmt;
    }

    /** Bytes received but not yet decoded (part of an incomplete frame). */
    public int bufferedBytes() {
        return actualReadableBytes();
    }

    @Override
    void checkKind(int kind) {
        switch (kind) {
            case Kinds.HELLO -> {
                if (state != State.AWAIT_HELLO) {
                    throw new InternalProtocolException("second HELLO on one connection");
                }
            }
            case Kinds.XC_REQUEST, Kinds.END_SESSION, Kinds.PING, Kinds.STATUS_REQUEST -> {
                if (state == State.AWAIT_HELLO) {
                    throw new InternalProtocolException("expected HELLO first, got " + Kinds.name(kind));
                }
                if (state == State.TOOL && (kind == Kinds.XC_REQUEST || kind == Kinds.END_SESSION)) {
                    throw new InternalProtocolException(Kinds.name(kind) + " on a connection without a session");
                }
            }
            default -> throw new InternalProtocolException("unknown client message kind " + Kinds.name(kind));
        }
    }

    @Override
    Object decodeFrame(int kind, PayloadIn p) {
        switch (kind) {
            case Kinds.HELLO:
                return hello(p);
            case Kinds.XC_REQUEST: {
                long no = p.be64("request number");
                long acked = p.be64("acknowledged request number");
                int backendId = p.be32("backend id");
                Request request = p.xcRequest(fmt.xc());
                return p.build(() -> new ClientMessage.XcRequest(no, acked, backendId, request));
            }
            case Kinds.PING: {
                long nonce = p.be64("nonce");
                p.end();
                return new ClientMessage.Ping(nonce);
            }
            case Kinds.STATUS_REQUEST:
                p.end();
                return ClientMessage.StatusRequest.INSTANCE;
            case Kinds.END_SESSION:
                p.end();
                stopReading();
                return ClientMessage.EndSession.INSTANCE;
            default:
                throw new IllegalStateException("checkKind let through " + kind);
        }
    }

    private ClientMessage hello(PayloadIn p) {
        int magic = p.be32("magic");
        if (magic != InternalFormat.MAGIC) {
            throw p.error(String.format("magic 0x%08x is not \"MGTM\": the peer does not speak this protocol", magic));
        }
        // Magic and version are the part of HELLO every version keeps, so any client can be told
        // which versions we speak; the rest of the payload may differ in another version.
        int version = p.be16("version");
        if (version != InternalFormat.VERSION) {
            stopReading();
            return new ClientMessage.UnsupportedHello(version);
        }
        int flags = p.u8("flags");
        if ((flags & ~HELLO_RESUME) != 0) {
            throw p.error(String.format("unknown flags 0x%02x", flags));
        }
        ByteOrder order = switch (p.u8("byte order")) {
            case ORDER_LITTLE_ENDIAN -> ByteOrder.LITTLE_ENDIAN;
            case ORDER_BIG_ENDIAN -> ByteOrder.BIG_ENDIAN;
            default -> throw p.error("byte order is neither 0 (little-endian) nor 1 (big-endian)");
        };
        long session = p.be64("session id");
        byte[] token = p.bytes16(ClientMessage.Hello.MAX_TOKEN_LENGTH, "token");
        String name = p.str16(ClientMessage.Hello.MAX_CLIENT_NAME_LENGTH, "client name");
        p.end();
        ClientMessage.Hello hello = p.build(() -> new ClientMessage.Hello(session, (flags & HELLO_RESUME) != 0,
                order, token, name));
        state = hello.hasSession() ? State.SESSION : State.TOOL;
        if (order != fmt.xc().hostOrder()) {
            // Its XC bodies would decode to wrong numbers; the server refuses it with an ERROR.
            stopReading();
        }
        return hello;
    }
}
