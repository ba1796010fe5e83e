package org.mgtm.core;

import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.ResultType;
import org.mgtm.protocol.SequenceKey;
import org.mgtm.protocol.Snapshot;
import org.mgtm.protocol.subcluster.SubclusterCodec;
import org.mgtm.protocol.subcluster.SubclusterResponse;

/**
 * A compact tagged binary form of every {@link Response}, used for the cached replies in state
 * snapshots. Big-endian (DataOutput); one tag byte, then the record's components in order. A new
 * Response kind needs a new tag here (and the format version raised); tags are never reused.
 */
public final class ResponseCodec {
    private static final int ERROR = 1;
    private static final int NONE = 2;
    private static final int BEGIN_HANDLE = 3;
    private static final int BEGIN_GXID = 4;
    private static final int BEGIN_GXID_MULTI = 5;
    private static final int PREPARED = 6;
    private static final int ENDED = 7;
    private static final int ENDED_MULTI = 8;
    private static final int HANDLE_GXID = 9;
    private static final int SNAPSHOT = 10;
    private static final int SNAPSHOT_MULTI = 11;
    private static final int SNAPSHOT_GXID = 12;
    private static final int SEQUENCE_KEY = 13;
    private static final int SEQUENCE_VALUE = 14;
    private static final int TXN_STATUS = 15;
    private static final int ALL_PREPARED = 16;
    /** A sub-cluster answer: {@code int length} + its {@link SubclusterCodec} bytes. */
    private static final int SUBCLUSTER = 17;

    private ResponseCodec() {
    }

    /** The reply as bytes: how a replicated leader gets a state machine's reply from the log's apply. */
    public static byte[] encode(Response r) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(32);
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            write(out, r);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // in-memory streams do not fail
        }
        return bytes.toByteArray();
    }

    /** Reads bytes written by {@link #encode}; damaged bytes are an IOException. */
    public static Response decode(byte[] bytes) throws IOException {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
            Response r = read(in);
            if (in.available() > 0) {
                throw new IOException(in.available() + " bytes after a reply");
            }
            return r;
        } catch (java.io.EOFException e) {
            throw new IOException("truncated reply", e);
        }
    }

    static void write(DataOutput out, Response r) throws IOException {
        if (r instanceof Response.Error e) {
            out.writeByte(ERROR);
            writeString(out, e.severity());
            writeString(out, e.message());
        } else if (r instanceof Response.None) {
            out.writeByte(NONE);
        } else if (r instanceof Response.BeginHandle b) {
            out.writeByte(BEGIN_HANDLE);
            out.writeInt(b.handle());
        } else if (r instanceof Response.BeginGxid b) {
            out.writeByte(BEGIN_GXID);
            out.writeByte(b.resultType().code);
            out.writeInt(b.gxid());
        } else if (r instanceof Response.BeginGxidMulti b) {
            out.writeByte(BEGIN_GXID_MULTI);
            out.writeInt(b.count());
            out.writeInt(b.firstGxid());
        } else if (r instanceof Response.Prepared p) {
            out.writeByte(PREPARED);
            out.writeInt(p.gxid());
        } else if (r instanceof Response.Ended e) {
            out.writeByte(ENDED);
            out.writeByte(e.resultType().code);
            out.writeInt(e.gxid());
            out.writeBoolean(e.hasStatus());
            out.writeInt(e.status());
        } else if (r instanceof Response.EndedMulti e) {
            out.writeByte(ENDED_MULTI);
            out.writeByte(e.resultType().code);
            writeInts(out, e.statuses());
        } else if (r instanceof Response.HandleGxid h) {
            out.writeByte(HANDLE_GXID);
            out.writeInt(h.handle());
            out.writeInt(h.gxid());
        } else if (r instanceof Response.SnapshotResult s) {
            out.writeByte(SNAPSHOT);
            out.writeInt(s.gxid());
            out.writeInt(s.status());
            writeSnapshot(out, s.snapshot());
        } else if (r instanceof Response.SnapshotMultiResult s) {
            out.writeByte(SNAPSHOT_MULTI);
            writeInts(out, s.statuses());
            writeSnapshot(out, s.snapshot());
        } else if (r instanceof Response.SnapshotGxidResult s) {
            out.writeByte(SNAPSHOT_GXID);
            out.writeInt(s.handle());
            out.writeInt(s.gxid());
            out.writeInt(s.status());
            writeSnapshot(out, s.snapshot());
        } else if (r instanceof Response.SequenceKeyResult s) {
            out.writeByte(SEQUENCE_KEY);
            out.writeByte(s.resultType().code);
            writeKey(out, s.key());
        } else if (r instanceof Response.SequenceValue s) {
            out.writeByte(SEQUENCE_VALUE);
            out.writeByte(s.resultType().code);
            writeKey(out, s.key());
            out.writeLong(s.value());
        } else if (r instanceof Response.TxnStatus t) {
            out.writeByte(TXN_STATUS);
            out.writeInt(t.gxid());
            out.writeInt(t.state());
        } else if (r instanceof Response.AllPrepared a) {
            out.writeByte(ALL_PREPARED);
            writeInts(out, a.gxids());
        } else if (r instanceof SubclusterResponse s) {
            out.writeByte(SUBCLUSTER);
            byte[] b = SubclusterCodec.encode(s);
            out.writeInt(b.length);
            out.write(b);
        } else {
            throw new IllegalArgumentException("no encoding for " + r);
        }
    }

    static Response read(DataInputStream in) throws IOException {
        int tag = in.readUnsignedByte();
        return switch (tag) {
            case ERROR -> new Response.Error(readString(in), readString(in));
            case NONE -> Response.None.INSTANCE;
            case BEGIN_HANDLE -> new Response.BeginHandle(in.readInt());
            case BEGIN_GXID -> new Response.BeginGxid(readResultType(in), in.readInt());
            case BEGIN_GXID_MULTI -> new Response.BeginGxidMulti(in.readInt(), in.readInt());
            case PREPARED -> new Response.Prepared(in.readInt());
            case ENDED -> new Response.Ended(readResultType(in), in.readInt(), in.readBoolean(), in.readInt());
            case ENDED_MULTI -> new Response.EndedMulti(readResultType(in), readInts(in));
            case HANDLE_GXID -> new Response.HandleGxid(in.readInt(), in.readInt());
            case SNAPSHOT -> new Response.SnapshotResult(in.readInt(), in.readInt(), readSnapshot(in));
            case SNAPSHOT_MULTI -> new Response.SnapshotMultiResult(readInts(in), readSnapshot(in));
            case SNAPSHOT_GXID -> new Response.SnapshotGxidResult(in.readInt(), in.readInt(), in.readInt(),
                    readSnapshot(in));
            case SEQUENCE_KEY -> new Response.SequenceKeyResult(readResultType(in), readKey(in));
            case SEQUENCE_VALUE -> new Response.SequenceValue(readResultType(in), readKey(in), in.readLong());
            case TXN_STATUS -> new Response.TxnStatus(in.readInt(), in.readInt());
            case ALL_PREPARED -> new Response.AllPrepared(readInts(in));
            case SUBCLUSTER -> readSubcluster(in);
            default -> throw new IOException("unknown reply tag " + tag);
        };
    }

    private static Response readSubcluster(DataInputStream in) throws IOException {
        byte[] b = new byte[readCount(in, 1)];
        in.readFully(b);
        try {
            return SubclusterCodec.decodeResponse(b);
        } catch (IllegalArgumentException e) {
            throw new IOException("bad sub-cluster reply: " + e.getMessage());
        }
    }

    private static ResultType readResultType(DataInputStream in) throws IOException {
        int code = in.readUnsignedByte();
        ResultType t = ResultType.fromCode(code);
        if (t == null) {
            throw new IOException("unknown result type " + code);
        }
        return t;
    }

    /**
     * Reads a count of entries of at least {@code minEntryBytes} bytes each. The input is a body
     * already in memory, so the bytes left bound every count: a corrupt one fails here instead of
     * allocating a huge array, and no fixed cap limits what a valid state may hold.
     */
    static int readCount(DataInputStream in, int minEntryBytes) throws IOException {
        int n = in.readInt();
        if (n < 0 || (long) n * minEntryBytes > in.available()) {
            throw new IOException("bad count " + n + " with " + in.available() + " bytes left");
        }
        return n;
    }

    private static void writeString(DataOutput out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] b = new byte[readCount(in, 1)];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    static void writeKey(DataOutput out, SequenceKey key) throws IOException {
        out.writeInt(key.length());
        out.write(key.unsafeBytes());
    }

    static SequenceKey readKey(DataInputStream in) throws IOException {
        byte[] b = new byte[readCount(in, 1)];
        in.readFully(b);
        return SequenceKey.of(b);
    }

    private static void writeInts(DataOutput out, List<Integer> values) throws IOException {
        out.writeInt(values.size());
        for (int v : values) {
            out.writeInt(v);
        }
    }

    private static List<Integer> readInts(DataInputStream in) throws IOException {
        int n = readCount(in, 4);
        List<Integer> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(in.readInt());
        }
        return values;
    }

    private static void writeSnapshot(DataOutput out, Snapshot s) throws IOException {
        out.writeInt(s.xmin());
        out.writeInt(s.xmax());
        out.writeInt(s.recentGlobalXmin());
        out.writeInt(s.xcnt());
        for (int i = 0; i < s.xcnt(); i++) {
            out.writeInt(s.xipAt(i));
        }
    }

    private static Snapshot readSnapshot(DataInputStream in) throws IOException {
        int xmin = in.readInt();
        int xmax = in.readInt();
        int rgxmin = in.readInt();
        int[] xip = new int[readCount(in, 4)];
        for (int i = 0; i < xip.length; i++) {
            xip[i] = in.readInt();
        }
        return new Snapshot(xmin, xmax, rgxmin, xip);
    }
}
