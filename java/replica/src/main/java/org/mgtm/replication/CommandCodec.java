package org.mgtm.replication;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import org.mgtm.core.Command;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.WireFormat;
import org.mgtm.protocol.codec.XcBodies;
import org.mgtm.protocol.codec.XcBodyException;

/**
 * The replicated log's encoding of a {@link Command}. One tag byte, then the fields, big-endian; a
 * client request carries its XC message body (message type and payload, as on the XC wire) in
 * little-endian host order always, so the log does not depend on a replica's wire settings.
 *
 * <p>Tags are stable ids: a tag is never reused for another command, and a new command gets a new
 * tag, so a log written by one version is read the same way by the next.
 */
public final class CommandCodec {
    static final byte CLIENT = 1;
    static final byte END_SESSION = 2;
    static final byte RESTART = 3;
    static final byte RAISE_NEXT_GXID = 4;
    /** A new leader's first entry of its term (docs/decisions/0008). */
    static final byte NEW_TERM = 5;
    /** Sub-cluster mode (docs/subclusters.md): a range the G-GTM granted, recorded by the group's leader. */
    static final byte RANGE_GRANTED = 6;
    /** Sub-cluster mode: the group's identity towards the G-GTM. */
    static final byte CLAIM_SUBCLUSTER = 7;

    private static final WireFormat LOG_FORMAT = WireFormat.DEFAULT;

    private CommandCodec() {
    }

    public static byte[] encode(Command command) {
        if (command instanceof Command.Client c) {
            ByteBuf buf = Unpooled.buffer(64);
            buf.writeByte(CLIENT).writeLong(c.session()).writeInt(c.backendId()).writeLong(c.requestNo())
                    .writeLong(c.ackedRequestNo());
            XcBodies.writeRequest(LOG_FORMAT, c.request(), buf);
            return ByteBufUtil.getBytes(buf);
        } else if (command instanceof Command.EndSession e) {
            return ByteBuffer.allocate(9).put(END_SESSION).putLong(e.session()).array();
        } else if (command instanceof Command.Restart r) {
            return ByteBuffer.allocate(5).put(RESTART).putInt(r.nextGxidAtLeast()).array();
        } else if (command instanceof Command.RaiseNextGxid r) {
            return ByteBuffer.allocate(5).put(RAISE_NEXT_GXID).putInt(r.atLeast()).array();
        } else if (command instanceof Command.NewTerm t) {
            return ByteBuffer.allocate(9).put(NEW_TERM).putLong(t.term()).array();
        } else if (command instanceof Command.RangeGranted g) {
            return ByteBuffer.allocate(17).put(RANGE_GRANTED).putLong(g.requestId()).putInt(g.first()).putInt(g.last())
                    .array();
        } else if (command instanceof Command.ClaimSubcluster c) {
            return ByteBuffer.allocate(9).put(CLAIM_SUBCLUSTER).putLong(c.claim()).array();
        }
        throw new IllegalArgumentException("no log encoding for " + command);
    }

    /** Decodes a command; bytes that are not one give an IllegalArgumentException. */
    public static Command decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            byte tag = in.get();
            Command command = switch (tag) {
                case CLIENT -> client(in, bytes);
                case END_SESSION -> new Command.EndSession(in.getLong());
                case RESTART -> new Command.Restart(in.getInt());
                case RAISE_NEXT_GXID -> new Command.RaiseNextGxid(in.getInt());
                case NEW_TERM -> new Command.NewTerm(in.getLong());
                case RANGE_GRANTED -> new Command.RangeGranted(in.getLong(), in.getInt(), in.getInt());
                case CLAIM_SUBCLUSTER -> new Command.ClaimSubcluster(in.getLong());
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

    private static Command client(ByteBuffer in, byte[] bytes) {
        long session = in.getLong();
        int backendId = in.getInt();
        long requestNo = in.getLong();
        long acked = in.getLong();
        try {
            Request request = XcBodies.readRequest(LOG_FORMAT,
                    Unpooled.wrappedBuffer(bytes, in.position(), bytes.length - in.position()));
            return new Command.Client(session, backendId, requestNo, acked, request);
        } catch (XcBodyException e) {
            throw new IllegalArgumentException("bad XC request in a client command: " + e.getMessage(), e);
        }
    }
}
