package org.mgtm.protocol.internal;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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
 * XC requests and responses of every type (checked by SamplesCoverageTest), with values whose byte
 * order shows (GXIDs above 2^31, extreme int64s, raw key bytes), and internal messages around them.
 */
final class Samples {

    static final byte[] TOKEN = "s3cret-token".getBytes(StandardCharsets.UTF_8);
    static final long SESSION = 0x8123_4567_89AB_CDEFL;

    private Samples() {
    }

    static SequenceKey key(String s) {
        return SequenceKey.of(s);
    }

    static List<Request> xcRequests() {
        SequenceKey k = key("db.public.seq");
        SequenceKey raw = SequenceKey.of(new byte[] {0, (byte) 0xff, 'x', (byte) 0xc3, (byte) 0xa9});
        byte[] longest = new byte[SequenceKey.MAX_LENGTH];
        Arrays.fill(longest, (byte) 'k');
        List<Request> r = new ArrayList<>();
        r.add(new Request.UnregisterCoord(7));
        r.add(new Request.TxnBegin(1, true));
        r.add(new Request.TxnBeginGetGxid(0, false));
        r.add(new Request.TxnBeginGetGxidAutovacuum(1, true));
        r.add(new Request.TxnBeginGetGxidMulti(List.of(new BeginEntry(1, false, (short) 3),
                new BeginEntry(0, true, (short) -1), new BeginEntry(1, false, Short.MAX_VALUE))));
        r.add(new Request.TxnPrepare(TxnRef.gxid(0x8000_0001), List.of(1, 2, 0xFFFF_FFFF)));
        r.add(new Request.TxnPrepare(TxnRef.handle(4), List.of()));
        r.add(new Request.TxnCommit(TxnRef.gxid(1000)));
        r.add(new Request.TxnRollback(TxnRef.handle(0xFFFF_FFFE)));
        r.add(new Request.TxnCommitMulti(List.of(TxnRef.gxid(1001), TxnRef.handle(2), TxnRef.gxid(0xFFFF_FFFF))));
        r.add(new Request.TxnRollbackMulti(List.of(TxnRef.gxid(3))));
        r.add(new Request.TxnGetGxid(12));
        r.add(new Request.SnapshotGet(true, TxnRef.gxid(1002)));
        r.add(new Request.SnapshotGetMulti(List.of(TxnRef.gxid(1003), TxnRef.handle(1))));
        r.add(new Request.SnapshotGxidGet(false, TxnRef.handle(9)));
        r.add(new Request.TxnGetStatus(TxnRef.gxid(1234)));
        r.add(new Request.TxnGetAllPrepared());
        r.add(new Request.SequenceInit(k, 1, 1, Request.UNSET_SEQUENCE_VALUE, 1, false));
        r.add(new Request.SequenceAlter(raw, -2, Long.MIN_VALUE, -1, -1, Long.MIN_VALUE + 5, true, true));
        r.add(new Request.SequenceGetCurrent(k));
        r.add(new Request.SequenceGetNext(SequenceKey.of(longest)));
        r.add(new Request.SequenceGetLast(SequenceKey.of(new byte[0])));
        r.add(new Request.SequenceSetVal(k, Long.MAX_VALUE, true));
        r.add(new Request.SequenceReset(k));
        r.add(new Request.SequenceClose(raw));
        r.add(new Request.SequenceRename(k, key("db.public.seq2")));
        r.add(new Request.BackendDisconnect());
        return r;
    }

    static List<Response> xcResponses() {
        Snapshot one = new Snapshot(1004, 1007, 1004, new int[] {1004});
        Snapshot empty = new Snapshot(1000, 1000, 999, new int[0]);
        Snapshot wrap = new Snapshot(0xFFFF_FFF0, 5, 0xFFFF_FFF0, new int[] {0xFFFF_FFF0, 0xFFFF_FFFF, 3});
        SequenceKey k = key("db.public.seq");
        List<Response> r = new ArrayList<>();
        r.add(new Response.BeginHandle(5));
        r.add(new Response.BeginGxid(ResultType.TXN_BEGIN_GETGXID, 0x8000_0000));
        r.add(new Response.BeginGxid(ResultType.TXN_BEGIN_GETGXID_AUTOVACUUM, 1001));
        r.add(new Response.BeginGxidMulti(3, 2000));
        r.add(new Response.Prepared(1000));
        r.add(new Response.Ended(ResultType.TXN_COMMIT, 1000, true, Response.STATUS_OK));
        r.add(new Response.Ended(ResultType.TXN_COMMIT, 1001, false, Response.STATUS_OK));
        r.add(new Response.Ended(ResultType.TXN_ROLLBACK, 0xFFFF_FFFF, true, Response.STATUS_ERROR));
        r.add(new Response.EndedMulti(ResultType.TXN_COMMIT_MULTI, List.of(0, -1, 0)));
        r.add(new Response.EndedMulti(ResultType.TXN_ROLLBACK_MULTI, List.of(0)));
        r.add(new Response.HandleGxid(12, 1012));
        r.add(new Response.SnapshotResult(1007, Response.STATUS_OK, one));
        r.add(new Response.SnapshotResult(1000, Response.STATUS_OK, empty));
        r.add(new Response.SnapshotMultiResult(List.of(0, -1), wrap));
        r.add(new Response.SnapshotGxidResult(9, 1009, Response.STATUS_OK, one));
        for (ResultType t : List.of(ResultType.SEQUENCE_INIT, ResultType.SEQUENCE_SET_VAL, ResultType.SEQUENCE_RESET,
                ResultType.SEQUENCE_CLOSE, ResultType.SEQUENCE_RENAME, ResultType.SEQUENCE_ALTER)) {
            r.add(new Response.SequenceKeyResult(t, k));
        }
        r.add(new Response.SequenceValue(ResultType.SEQUENCE_GET_CURRENT, k, 3));
        r.add(new Response.SequenceValue(ResultType.SEQUENCE_GET_NEXT, k, Long.MIN_VALUE));
        r.add(new Response.SequenceValue(ResultType.SEQUENCE_GET_LAST, k, Long.MAX_VALUE));
        r.add(new Response.TxnStatus(1000, 2));
        r.add(new Response.AllPrepared(List.of(1000, 0xFFFF_FFFF)));
        r.add(new Response.AllPrepared(List.of()));
        r.add(Response.Error.error("Failed to get a snapshot"));
        r.add(new Response.Error(Response.ERROR2, "caf\u00e9 \u2014 \ud83d\ude00"));
        r.add(new Response.Error("", ""));
        r.add(Response.None.INSTANCE);
        return r;
    }

    static ClientMessage.Hello hello(ByteOrder order) {
        return new ClientMessage.Hello(SESSION, false, order, TOKEN, "mgtm_proxy node1");
    }

    /** A session's messages after its HELLO: every XC request, pings, status; END_SESSION last. */
    static List<ClientMessage> sessionTraffic() {
        List<ClientMessage> m = new ArrayList<>();
        List<Request> reqs = xcRequests();
        for (int i = 0; i < reqs.size(); i++) {
            long no = i + 1;
            // Numbers near the top of the range and both kinds of backend id, to show the widths.
            m.add(new ClientMessage.XcRequest(no, i / 2, i % 3 == 0 ? -1 : i, reqs.get(i)));
        }
        m.add(new ClientMessage.XcRequest(Long.MAX_VALUE, Long.MAX_VALUE - 1, Integer.MIN_VALUE,
                new Request.TxnCommit(TxnRef.gxid(5))));
        m.add(new ClientMessage.Ping(0));
        m.add(new ClientMessage.Ping(Long.MIN_VALUE));
        m.add(ClientMessage.StatusRequest.INSTANCE);
        m.add(ClientMessage.EndSession.INSTANCE);
        return m;
    }

    /** A server's messages after its WELCOME, without a last (terminal) message. */
    static List<ServerMessage> replyTraffic() {
        List<ServerMessage> m = new ArrayList<>();
        List<Response> resps = xcResponses();
        for (int i = 0; i < resps.size(); i++) {
            m.add(new ServerMessage.XcReply(resps.size() - i, resps.get(i)));
        }
        m.add(new ServerMessage.XcReply(Long.MAX_VALUE, Response.None.INSTANCE));
        m.add(new ServerMessage.Pong(-1, 0));
        m.add(new ServerMessage.Pong(42, Long.MAX_VALUE));
        m.add(new ServerMessage.Status("{\"leader\":\"mgtm1\",\"term\":3,\"note\":\"\u00e9\u2014\ud83d\ude00\"}"));
        m.add(new ServerMessage.Status(""));
        return m;
    }

    /** Every message that ends a connection. */
    static List<ServerMessage> lastMessages() {
        List<ServerMessage> m = new ArrayList<>();
        m.add(ServerMessage.SessionEnded.INSTANCE);
        m.add(new ServerMessage.NotLeader(7, "mgtm2", "127.0.0.12:7001"));
        m.add(new ServerMessage.NotLeader(8, "mgtm3", "[::1]:65535"));
        m.add(ServerMessage.NotLeader.unknown(9));
        for (ErrorCode c : ErrorCode.values()) {
            m.add(new ServerMessage.Error(c, c.name().toLowerCase() + ": caf\u00e9"));
        }
        m.add(new ServerMessage.Error(ErrorCode.SERVER_ERROR, ""));
        return m;
    }
}
