package org.mgtm.protocol.internal;

import org.mgtm.protocol.Response;

/**
 * Client side: bytes from an mgtm replica to {@link ServerMessage}s.
 *
 * <p>Before WELCOME only WELCOME, NOT_LEADER and ERROR may come; WELCOME comes once. Every fault
 * throws {@link InternalProtocolException} and silences the channel (the client closes and tries
 * again, possibly elsewhere). After ERROR, NOT_LEADER and SESSION_ENDED, the last message of a
 * connection, further input is dropped without an exception.
 */
public final class InternalReplyDecoder extends FrameDecoder {

    static final int WELCOME_LEADER = 0x01;
    static final int WELCOME_RESUMED = 0x02;

    private final InternalFormat fmt;
    private boolean welcomed;

    public InternalReplyDecoder(InternalFormat fmt) {
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
            case Kinds.WELCOME -> {
                if (welcomed) {
                    throw new InternalProtocolException("second WELCOME on one connection");
                }
            }
            case Kinds.NOT_LEADER, Kinds.ERROR -> {
                // allowed at any point: both end the connection
            }
            case Kinds.XC_REPLY, Kinds.PONG, Kinds.STATUS, Kinds.SESSION_ENDED -> {
                if (!welcomed) {
                    throw new InternalProtocolException("expected WELCOME first, got " + Kinds.name(kind));
                }
            }
            default -> throw new InternalProtocolException("unknown server message kind " + Kinds.name(kind));
        }
    }

    @Override
    Object decodeFrame(int kind, PayloadIn p) {
        switch (kind) {
            case Kinds.WELCOME:
                return welcome(p);
            case Kinds.XC_REPLY: {
                long no = p.be64("request number");
                Response response = p.xcResponse(fmt.xc());
                return p.build(() -> new ServerMessage.XcReply(no, response));
            }
            case Kinds.PONG: {
                long nonce = p.be64("nonce");
                long term = p.be64("term");
                p.end();
                return p.build(() -> new ServerMessage.Pong(nonce, term));
            }
            case Kinds.STATUS:
                return new ServerMessage.Status(p.restAsUtf8("status document"));
            case Kinds.SESSION_ENDED:
                p.end();
                stopReading();
                return ServerMessage.SessionEnded.INSTANCE;
            case Kinds.NOT_LEADER: {
                long term = p.be64("term");
                String id = p.str16(ServerMessage.MAX_MEMBER_ID_LENGTH, "leader id");
                String address = p.str16(ServerMessage.NotLeader.MAX_ADDRESS_LENGTH, "leader address");
                p.end();
                ServerMessage msg = p.build(() -> new ServerMessage.NotLeader(term, id, address));
                stopReading();
                return msg;
            }
            case Kinds.ERROR: {
                int code = p.be16("error code");
                String message = p.str16(Fields.MAX_STR16, "error message");
                p.end();
                ErrorCode errorCode = ErrorCode.fromCode(code);
                if (errorCode == null) {
                    throw p.error("unknown error code " + code + " (message: " + message + ")");
                }
                stopReading();
                return new ServerMessage.Error(errorCode, message);
            }
            default:
                throw new IllegalStateException("checkKind let through " + kind);
        }
    }

    private ServerMessage welcome(PayloadIn p) {
        int version = p.be16("version");
        if (version != InternalFormat.VERSION) {
            throw p.error("server speaks version " + version + ", this client " + InternalFormat.VERSION);
        }
        int flags = p.u8("flags");
        if ((flags & ~(WELCOME_LEADER | WELCOME_RESUMED)) != 0) {
            throw p.error(String.format("unknown flags 0x%02x", flags));
        }
        long term = p.be64("term");
        String member = p.str16(ServerMessage.MAX_MEMBER_ID_LENGTH, "member id");
        p.end();
        ServerMessage msg = p.build(() -> new ServerMessage.Welcome(term, member,
                (flags & WELCOME_LEADER) != 0, (flags & WELCOME_RESUMED) != 0));
        welcomed = true;
        return msg;
    }
}
