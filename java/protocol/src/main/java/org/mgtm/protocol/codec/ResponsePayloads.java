package org.mgtm.protocol.codec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.ResultType;
import org.mgtm.protocol.Snapshot;

/**
 * Payload layouts of the 'S' answers (docs/protocol-notes.md, "Messages") and the fields of 'E' answers ("Errors").
 * Decoding is lenient about trailing bytes because the XC client library is: it skips whatever it did
 * not read and still takes the answer as a success ("Framing").
 */
final class ResponsePayloads {

    /** The GTM always reports one transaction in a single SNAPSHOT_GET answer. */
    private static final int SINGLE_TXN_COUNT = 1;

    private ResponsePayloads() {
    }

    static void encode(Response.Success s, PayloadWriter w) {
        switch (s.resultType()) {
            case TXN_BEGIN -> w.h32(((Response.BeginHandle) s).handle());
            case TXN_BEGIN_GETGXID, TXN_BEGIN_GETGXID_AUTOVACUUM -> w.h32(((Response.BeginGxid) s).gxid());
            case TXN_BEGIN_GETGXID_MULTI -> {
                Response.BeginGxidMulti m = (Response.BeginGxidMulti) s;
                w.h32(m.count()).h32(m.firstGxid());
            }
            case TXN_PREPARE -> w.h32(((Response.Prepared) s).gxid());
            case TXN_COMMIT, TXN_ROLLBACK -> {
                Response.Ended e = (Response.Ended) s;
                w.h32(e.gxid());
                if (e.hasStatus()) {
                    w.be32(e.status());
                }
            }
            case TXN_COMMIT_MULTI, TXN_ROLLBACK_MULTI -> h32List(w, ((Response.EndedMulti) s).statuses());
            case TXN_GET_GXID -> {
                Response.HandleGxid h = (Response.HandleGxid) s;
                w.h32(h.handle()).h32(h.gxid());
            }
            case SNAPSHOT_GET -> {
                Response.SnapshotResult r = (Response.SnapshotResult) s;
                w.h32(r.gxid()).h32(SINGLE_TXN_COUNT).h32(r.status()).snapshot(r.snapshot());
            }
            case SNAPSHOT_GET_MULTI -> {
                Response.SnapshotMultiResult r = (Response.SnapshotMultiResult) s;
                h32List(w, r.statuses());
                w.snapshot(r.snapshot());
            }
            case SNAPSHOT_GXID_GET -> {
                Response.SnapshotGxidResult r = (Response.SnapshotGxidResult) s;
                w.h32(r.handle()).h32(r.gxid()).h32(SINGLE_TXN_COUNT).h32(r.status()).snapshot(r.snapshot());
            }
            case SEQUENCE_INIT, SEQUENCE_SET_VAL, SEQUENCE_RESET, SEQUENCE_CLOSE, SEQUENCE_RENAME,
                    SEQUENCE_ALTER -> w.key(((Response.SequenceKeyResult) s).key());
            case SEQUENCE_GET_CURRENT, SEQUENCE_GET_NEXT, SEQUENCE_GET_LAST -> {
                Response.SequenceValue v = (Response.SequenceValue) s;
                w.key(v.key()).h64(v.value());
            }
            case TXN_GET_STATUS -> {
                Response.TxnStatus t = (Response.TxnStatus) s;
                w.h32(t.gxid()).h32(t.state());
            }
            case TXN_GET_ALL_PREPARED -> h32List(w, ((Response.AllPrepared) s).gxids());
            default -> throw new IllegalArgumentException("cannot encode " + s);
        }
    }

    private static void h32List(PayloadWriter w, List<Integer> values) {
        w.h32(values.size());
        for (int v : values) {
            w.h32(v);
        }
    }

    /**
     * Decodes the payload after the result type (and proxy header). Answers that carry the result type
     * in a record component use it as given, so an instance fitting a different type (for example
     * BeginGxid with TXN_BEGIN) can never come out of here.
     */
    static Response.Success decode(ResultType type, PayloadReader r) {
        return switch (type) {
            case TXN_BEGIN -> new Response.BeginHandle(r.h32());
            case TXN_BEGIN_GETGXID, TXN_BEGIN_GETGXID_AUTOVACUUM -> new Response.BeginGxid(type, r.h32());
            case TXN_BEGIN_GETGXID_MULTI -> new Response.BeginGxidMulti(r.h32(), r.h32());
            case TXN_PREPARE -> new Response.Prepared(r.h32());
            case TXN_COMMIT, TXN_ROLLBACK -> {
                int gxid = r.h32();
                // GTM appends a BE32 status, gtm_proxy does not: the length tells which form this is.
                if (r.remaining() >= 4) {
                    yield new Response.Ended(type, gxid, true, r.be32());
                }
                yield new Response.Ended(type, gxid, false, Response.STATUS_OK);
            }
            case TXN_COMMIT_MULTI, TXN_ROLLBACK_MULTI -> new Response.EndedMulti(type, h32List(r, "status count"));
            case TXN_GET_GXID -> new Response.HandleGxid(r.h32(), r.h32());
            case SNAPSHOT_GET -> {
                int gxid = r.h32();
                singleCount(r);
                int status = r.h32();
                yield new Response.SnapshotResult(gxid, status, r.snapshot());
            }
            case SNAPSHOT_GET_MULTI -> {
                List<Integer> statuses = h32List(r, "status count");
                yield new Response.SnapshotMultiResult(statuses, r.snapshot());
            }
            case SNAPSHOT_GXID_GET -> {
                int handle = r.h32();
                int gxid = r.h32();
                singleCount(r);
                int status = r.h32();
                yield new Response.SnapshotGxidResult(handle, gxid, status, r.snapshot());
            }
            case SEQUENCE_INIT, SEQUENCE_SET_VAL, SEQUENCE_RESET, SEQUENCE_CLOSE, SEQUENCE_RENAME,
                    SEQUENCE_ALTER -> new Response.SequenceKeyResult(type, r.key());
            case SEQUENCE_GET_CURRENT, SEQUENCE_GET_NEXT, SEQUENCE_GET_LAST ->
                    new Response.SequenceValue(type, r.key(), r.h64());
            case TXN_GET_STATUS -> new Response.TxnStatus(r.h32(), r.h32());
            case TXN_GET_ALL_PREPARED -> new Response.AllPrepared(h32List(r, "prepared count"));
        };
    }

    /** The records hold one status, so any other count cannot be represented faithfully. */
    private static void singleCount(PayloadReader r) {
        int n = r.h32();
        if (n != SINGLE_TXN_COUNT) {
            throw new PayloadException("snapshot answer for " + n + " transactions, expected 1");
        }
    }

    private static List<Integer> h32List(PayloadReader r, String what) {
        int n = r.itemCount(r.h32(), 4, what);
        List<Integer> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(r.h32());
        }
        return values;
    }

    /** 'E' body after the proxy header: code/CSTR pairs ('S' severity, 'M' message), then a 0 byte. */
    static void encodeError(Response.Error e, PayloadWriter w) {
        w.u8('S');
        cstring(w, e.severity());
        w.u8('M');
        cstring(w, e.message());
        w.u8(0);
    }

    private static void cstring(PayloadWriter w, String s) {
        byte[] b = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
        // An embedded NUL would end the field early and desynchronise the client's field loop.
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                b[i] = '?';
            }
        }
        w.buf().writeBytes(b);
        w.u8(0);
    }

    /** Unknown field codes are skipped, as the XC client does; missing fields read as "". */
    static Response.Error decodeError(PayloadReader r) {
        String severity = "";
        String message = "";
        for (int code = r.u8(); code != 0; code = r.u8()) {
            String text = new String(r.cstring(), StandardCharsets.UTF_8);
            if (code == 'S') {
                severity = text;
            } else if (code == 'M') {
                message = text;
            }
        }
        return new Response.Error(severity, message);
    }
}
