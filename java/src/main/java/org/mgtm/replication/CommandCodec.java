package org.mgtm.replication;

import java.nio.ByteBuffer;
import java.util.List;
import org.mgtm.core.Command;
import org.mgtm.protocol.WireFormat;
import org.mgtm.protocol.WireMessage;
import org.mgtm.protocol.codec.XcCodecs;
import org.mgtm.protocol.codec.XcRequestDecoder;

/**
 * The replicated log's encoding of a {@link Command}. One tag byte, then the fields, big-endian; a
 * client request carries its XC message as the XC wire frame (always little-endian host order, so
 * the log does not depend on a replica's wire settings).
 *
 * <p>Tags are stable ids: a tag is never reused for another command, and a new command gets a new
 * tag, so a log written by one version is read the same way by the next.
 */
public final class CommandCodec {
    static final byte CLIENT = 1;
    static final byte END_SESSION = 2;
    static final byte RESTART = 3;
    static final byte RAISE_NEXT_GXID = 4;

    private static final WireFormat LOG_FORMAT = new WireFormat(WireFormat.DEFAULT.hostOrder(), Integer.MAX_VALUE);

    // Decoding happens on the one thread that applies the log; the decoder keeps no state between frames.
    private final XcRequestDecoder decoder = XcRequestDecoder.afterStartup(LOG_FORMAT, false);

    public static byte[] encode(Command command) {
        if (command instanceof Command.Client c) {
            byte[] frame = XcCodecs.encode(LOG_FORMAT, WireMessage.Command.plain(c.request()));
            return ByteBuffer.allocate(1 + 8 + 4 + 8 + 8 + frame.length).put(CLIENT).putLong(c.session())
                    .putInt(c.backendId()).putLong(c.requestNo()).putLong(c.ackedRequestNo()).put(frame).array();
        } else if (command instanceof Command.EndSession e) {
            return ByteBuffer.allocate(9).put(END_SESSION).putLong(e.session()).array();
        } else if (command instanceof Command.Restart r) {
            return ByteBuffer.allocate(5).put(RESTART).putInt(r.nextGxidAtLeast()).array();
        } else if (command instanceof Command.RaiseNextGxid r) {
            return ByteBuffer.allocate(5).put(RAISE_NEXT_GXID).putInt(r.atLeast()).array();
        }
        throw new IllegalArgumentException("no log encoding for " + command);
    }

    /** Decodes a command; bytes that are not one give an IllegalArgumentException. */
    public Command decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            byte tag = in.get();
            Command command = switch (tag) {
                case CLIENT -> client(in, bytes);
                case END_SESSION -> new Command.EndSession(in.getLong());
                case RESTART -> new Command.Restart(in.getInt());
                case RAISE_NEXT_GXID -> new Command.RaiseNextGxid(in.getInt());
                default -> throw new IllegalArgumentException("unknown command tag " + tag);
            };
            if (tag != CLIENT && in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " bytes after command tag " + tag);
            }
            return command;
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated command", e);
        }
    }

    private Command client(ByteBuffer in, byte[] bytes) {
        long session = in.getLong();
        int backendId = in.getInt();
        long requestNo = in.getLong();
        long acked = in.getLong();
        byte[] frame = java.util.Arrays.copyOfRange(bytes, in.position(), bytes.length);
        List<WireMessage.Frontend> decoded = XcCodecs.decode(decoder, frame);
        if (decoded.size() != 1 || !(decoded.get(0) instanceof WireMessage.Command c)) {
            throw new IllegalArgumentException("a client command must carry exactly one XC request, got " + decoded);
        }
        return new Command.Client(session, backendId, requestNo, acked, c.request());
    }
}
