package org.mgtm.protocol.codec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Request.BeginEntry;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.ResultType;
import org.mgtm.protocol.SequenceKey;
import org.mgtm.protocol.Snapshot;
import org.mgtm.protocol.TxnRef;

/**
 * At least one instance of every Request and Response record, with edge values (unsigned GXIDs above
 * 2^31, extreme int64s, empty and maximal lists and keys) where the layout could get them wrong.
 */
final class MessageSamples {

    static final SequenceKey KEY = SequenceKey.of("postgres.public.sq");
    static final SequenceKey KEY2 = SequenceKey.of("postgres.public.sq_renamed");
    /** Non-ASCII bytes, including 0x00 and 0xff: keys are raw bytes, not text. */
    static final SequenceKey ODD_KEY = SequenceKey.of(new byte[] {0, (byte) 0xff, 'a', (byte) 0xc3, (byte) 0xa9});
    static final SequenceKey LONGEST_KEY = SequenceKey.of(longKey());
    static final SequenceKey EMPTY_KEY = SequenceKey.of(new byte[0]);

    private MessageSamples() {
    }

    private static byte[] longKey() {
        byte[] b = new byte[SequenceKey.MAX_LENGTH];
        Arrays.fill(b, (byte) 'k');
        return b;
    }

    static List<Request> requests() {
        long unset = Request.UNSET_SEQUENCE_VALUE;
        List<Request> r = new ArrayList<>();
        r.add(new Request.UnregisterCoord(3));
        r.add(new Request.TxnBegin(0, true));
        r.add(new Request.TxnBeginGetGxid(1, false));
        r.add(new Request.TxnBeginGetGxidAutovacuum(1, false));
        r.add(new Request.TxnBeginGetGxidMulti(List.of(new BeginEntry(1, false, (short) 0),
                new BeginEntry(0, true, (short) -1), new BeginEntry(1, false, (short) 1023))));
        r.add(new Request.TxnPrepare(TxnRef.gxid(1000), List.of(1, 2, 0xFFFF_FFFF)));
        r.add(new Request.TxnPrepare(TxnRef.handle(5), List.of()));
        r.add(new Request.TxnCommit(TxnRef.gxid(0xFFFF_FFFE)));
        r.add(new Request.TxnCommit(TxnRef.handle(4095)));
        r.add(new Request.TxnRollback(TxnRef.gxid(3)));
        r.add(new Request.TxnCommitMulti(List.of(TxnRef.gxid(1076), TxnRef.handle(2))));
        r.add(new Request.TxnRollbackMulti(List.of(TxnRef.gxid(0x8000_0000))));
        r.add(new Request.TxnGetGxid(17));
        r.add(new Request.SnapshotGet(true, TxnRef.gxid(1000)));
        r.add(new Request.SnapshotGet(false, TxnRef.handle(3)));
        r.add(new Request.SnapshotGetMulti(List.of(TxnRef.gxid(1360), TxnRef.gxid(1361), TxnRef.handle(0))));
        r.add(new Request.SnapshotGxidGet(false, TxnRef.handle(9)));
        r.add(new Request.TxnGetStatus(TxnRef.gxid(1234)));
        r.add(new Request.TxnGetAllPrepared());
        r.add(new Request.SequenceInit(KEY, 2, 1, unset, 5, false));
        r.add(new Request.SequenceInit(ODD_KEY, -1, Long.MIN_VALUE, -1, Long.MIN_VALUE + 1, true));
        r.add(new Request.SequenceAlter(KEY, 1, 1, Long.MAX_VALUE, 1, 100, false, true));
        r.add(new Request.SequenceGetCurrent(KEY));
        r.add(new Request.SequenceGetNext(LONGEST_KEY));
        r.add(new Request.SequenceGetLast(KEY));
        r.add(new Request.SequenceSetVal(KEY, 500, true));
        r.add(new Request.SequenceReset(EMPTY_KEY));
        r.add(new Request.SequenceClose(KEY));
        r.add(new Request.SequenceRename(KEY, KEY2));
        r.add(new Request.BackendDisconnect());
        return r;
    }

    static Snapshot snapshot(int xmin, int xmax, int rgxmin, int... xip) {
        return new Snapshot(xmin, xmax, rgxmin, xip);
    }

    static List<Response> responses() {
        Snapshot one = snapshot(1004, 1007, 1004, 1004);
        Snapshot empty = snapshot(1000, 1000, 1000);
        Snapshot wide = snapshot(0xFFFF_FFF0, 5, 0xFFFF_FFF0, 0xFFFF_FFF0, 0xFFFF_FFFF, 3, 4);
        List<Response> r = new ArrayList<>();
        r.add(new Response.BeginHandle(7));
        r.add(new Response.BeginGxid(ResultType.TXN_BEGIN_GETGXID, 1000));
        r.add(new Response.BeginGxid(ResultType.TXN_BEGIN_GETGXID_AUTOVACUUM, 0xFFFF_FFFF));
        r.add(new Response.BeginGxidMulti(4, 1362));
        r.add(new Response.Prepared(1000));
        r.add(new Response.Ended(ResultType.TXN_COMMIT, 1000, true, Response.STATUS_OK));
        r.add(new Response.Ended(ResultType.TXN_COMMIT, 0x0f423f, true, Response.STATUS_ERROR));
        r.add(new Response.Ended(ResultType.TXN_COMMIT, 1070, false, Response.STATUS_OK));
        r.add(new Response.Ended(ResultType.TXN_ROLLBACK, 1003, true, Response.STATUS_OK));
        r.add(new Response.Ended(ResultType.TXN_ROLLBACK, 1003, false, Response.STATUS_OK));
        r.add(new Response.EndedMulti(ResultType.TXN_COMMIT_MULTI, List.of(0, -1, 0)));
        r.add(new Response.EndedMulti(ResultType.TXN_ROLLBACK_MULTI, List.of(0)));
        r.add(new Response.HandleGxid(3, 1000));
        r.add(new Response.SnapshotResult(1007, Response.STATUS_OK, one));
        r.add(new Response.SnapshotResult(1000, Response.STATUS_OK, empty));
        r.add(new Response.SnapshotMultiResult(List.of(0, 0, -1), wide));
        r.add(new Response.SnapshotGxidResult(2, 1010, Response.STATUS_OK, one));
        for (ResultType t : List.of(ResultType.SEQUENCE_INIT, ResultType.SEQUENCE_SET_VAL, ResultType.SEQUENCE_RESET,
                ResultType.SEQUENCE_CLOSE, ResultType.SEQUENCE_RENAME, ResultType.SEQUENCE_ALTER)) {
            r.add(new Response.SequenceKeyResult(t, KEY));
        }
        r.add(new Response.SequenceKeyResult(ResultType.SEQUENCE_INIT, LONGEST_KEY));
        r.add(new Response.SequenceValue(ResultType.SEQUENCE_GET_CURRENT, KEY, 3));
        r.add(new Response.SequenceValue(ResultType.SEQUENCE_GET_NEXT, ODD_KEY, Long.MIN_VALUE));
        r.add(new Response.SequenceValue(ResultType.SEQUENCE_GET_LAST, KEY, Long.MAX_VALUE));
        r.add(new Response.TxnStatus(1000, 2));
        r.add(new Response.TxnStatus(1001, -1));
        r.add(new Response.AllPrepared(List.of(1000, 0xFFFF_FFFF)));
        r.add(new Response.AllPrepared(List.of()));
        r.add(Response.Error.error("Failed to get a snapshot"));
        r.add(new Response.Error(Response.ERROR2, "Transaction commit failed"));
        r.add(new Response.Error(Response.FATAL, "caf\u00e9 \u2014 unicode"));
        r.add(new Response.Error("", ""));
        return r;
    }
}
