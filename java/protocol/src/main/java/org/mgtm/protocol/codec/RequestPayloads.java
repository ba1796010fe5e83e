package org.mgtm.protocol.codec;

import java.util.ArrayList;
import java.util.List;
import org.mgtm.protocol.MessageType;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Request.BeginEntry;
import org.mgtm.protocol.TxnRef;
import org.mgtm.protocol.WireFormat;

/**
 * Payload layouts of the 'C' requests (docs/protocol-notes.md, "Messages"), both directions. "Strict" messages reject
 * trailing bytes as the XC GTM does; "lenient" ones ignore them, also as the XC GTM does, so that a
 * client the real GTM accepted is accepted here too.
 */
final class RequestPayloads {

    private RequestPayloads() {
    }

    /** True for the codes a 'C' frame may carry; the rest are "invalid frontend message type N". */
    static boolean isCommandType(MessageType t) {
        return t != null && t != MessageType.INVALID && t != MessageType.REGISTER_COORD
                && t != MessageType.DATA_FLUSH;
    }

    /** Decodes the payload after the message type; throws {@link PayloadException} on bad input. */
    static Request decode(MessageType type, PayloadReader r) {
        Request req;
        boolean strict = true;
        switch (type) {
            case UNREGISTER_COORD -> req = new Request.UnregisterCoord(r.be32());
            case TXN_BEGIN -> {
                strict = false;
                int iso = r.be32();
                req = new Request.TxnBegin(iso, r.bool());
            }
            case TXN_BEGIN_GETGXID -> {
                strict = false;
                int iso = r.be32();
                req = new Request.TxnBeginGetGxid(iso, r.bool());
            }
            case TXN_BEGIN_GETGXID_AUTOVACUUM -> {
                strict = false;
                int iso = r.be32();
                req = new Request.TxnBeginGetGxidAutovacuum(iso, r.bool());
            }
            case TXN_BEGIN_GETGXID_MULTI -> {
                strict = false;
                int n = multiCount(r);
                List<BeginEntry> entries = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    int iso = r.be32();
                    boolean ro = r.bool();
                    entries.add(new BeginEntry(iso, ro, r.be16()));
                }
                req = new Request.TxnBeginGetGxidMulti(entries);
            }
            case TXN_PREPARE -> {
                TxnRef txn = r.txnRef();
                int n = r.itemCount(r.be32(), 4, "node count");
                List<Integer> nodes = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    nodes.add(r.h32());
                }
                req = new Request.TxnPrepare(txn, nodes);
            }
            case TXN_COMMIT -> req = new Request.TxnCommit(r.txnRef());
            case TXN_ROLLBACK -> req = new Request.TxnRollback(r.txnRef());
            case TXN_COMMIT_MULTI -> req = new Request.TxnCommitMulti(txnRefs(r));
            case TXN_ROLLBACK_MULTI -> req = new Request.TxnRollbackMulti(txnRefs(r));
            case TXN_GET_GXID -> req = new Request.TxnGetGxid(r.h32());
            case SNAPSHOT_GET -> {
                boolean grouped = r.bool();
                req = new Request.SnapshotGet(grouped, r.txnRef());
            }
            case SNAPSHOT_GET_MULTI -> req = new Request.SnapshotGetMulti(txnRefs(r));
            case SNAPSHOT_GXID_GET -> {
                boolean grouped = r.bool();
                req = new Request.SnapshotGxidGet(grouped, r.txnRef());
            }
            case SEQUENCE_INIT -> req = new Request.SequenceInit(r.key(), r.h64(), r.h64(), r.h64(), r.h64(),
                    r.bool());
            case SEQUENCE_ALTER -> req = new Request.SequenceAlter(r.key(), r.h64(), r.h64(), r.h64(), r.h64(),
                    r.h64(), r.bool(), r.bool());
            case SEQUENCE_GET_CURRENT -> {
                strict = false;
                req = new Request.SequenceGetCurrent(r.key());
            }
            case SEQUENCE_GET_NEXT -> {
                strict = false;
                req = new Request.SequenceGetNext(r.key());
            }
            case SEQUENCE_GET_LAST -> {
                strict = false;
                req = new Request.SequenceGetLast(r.key());
            }
            case SEQUENCE_RESET -> {
                strict = false;
                req = new Request.SequenceReset(r.key());
            }
            case SEQUENCE_CLOSE -> {
                strict = false;
                req = new Request.SequenceClose(r.key());
            }
            case SEQUENCE_SET_VAL -> req = new Request.SequenceSetVal(r.key(), r.h64(), r.bool());
            case SEQUENCE_RENAME -> req = new Request.SequenceRename(r.key(), r.key());
            // Never answered by XC; mgtm answers it. Same shape as COMMIT, so the same strictness.
            case TXN_GET_STATUS -> req = new Request.TxnGetStatus(r.txnRef());
            case TXN_GET_ALL_PREPARED -> {
                strict = false;
                req = new Request.TxnGetAllPrepared();
            }
            case BACKEND_DISCONNECT -> {
                strict = false;
                req = new Request.BackendDisconnect();
            }
            default -> throw new IllegalArgumentException("not a command type: " + type);
        }
        if (strict) {
            r.end();
        }
        return req;
    }

    /** Counts in MULTI requests: the XC GTM PANICs on <= 0 and overflows its arrays above 4096. */
    private static int multiCount(PayloadReader r) {
        int n = r.be32();
        if (n <= 0 || n > WireFormat.MAX_MULTI_COUNT) {
            throw new PayloadException("invalid transaction count " + n);
        }
        return n;
    }

    private static List<TxnRef> txnRefs(PayloadReader r) {
        int n = multiCount(r);
        List<TxnRef> refs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            refs.add(r.txnRef());
        }
        return refs;
    }

    /** Writes the payload that follows the message type. */
    static void encode(Request req, PayloadWriter w) {
        switch (req.type()) {
            case UNREGISTER_COORD -> w.be32(((Request.UnregisterCoord) req).coordinatorId());
            case TXN_BEGIN -> {
                Request.TxnBegin b = (Request.TxnBegin) req;
                w.be32(b.isolation()).bool(b.readOnly());
            }
            case TXN_BEGIN_GETGXID -> {
                Request.TxnBeginGetGxid b = (Request.TxnBeginGetGxid) req;
                w.be32(b.isolation()).bool(b.readOnly());
            }
            case TXN_BEGIN_GETGXID_AUTOVACUUM -> {
                Request.TxnBeginGetGxidAutovacuum b = (Request.TxnBeginGetGxidAutovacuum) req;
                w.be32(b.isolation()).bool(b.readOnly());
            }
            case TXN_BEGIN_GETGXID_MULTI -> {
                List<BeginEntry> entries = ((Request.TxnBeginGetGxidMulti) req).entries();
                w.be32(entries.size());
                for (BeginEntry e : entries) {
                    w.be32(e.isolation()).bool(e.readOnly()).be16(e.conid());
                }
            }
            case TXN_PREPARE -> {
                Request.TxnPrepare p = (Request.TxnPrepare) req;
                w.txnRef(p.txn()).be32(p.nodes().size());
                for (int node : p.nodes()) {
                    w.h32(node);
                }
            }
            case TXN_COMMIT -> w.txnRef(((Request.TxnCommit) req).txn());
            case TXN_ROLLBACK -> w.txnRef(((Request.TxnRollback) req).txn());
            case TXN_COMMIT_MULTI -> txnRefs(w, ((Request.TxnCommitMulti) req).txns());
            case TXN_ROLLBACK_MULTI -> txnRefs(w, ((Request.TxnRollbackMulti) req).txns());
            case TXN_GET_GXID -> w.h32(((Request.TxnGetGxid) req).handle());
            case SNAPSHOT_GET -> {
                Request.SnapshotGet s = (Request.SnapshotGet) req;
                w.bool(s.canBeGrouped()).txnRef(s.txn());
            }
            case SNAPSHOT_GET_MULTI -> txnRefs(w, ((Request.SnapshotGetMulti) req).txns());
            case SNAPSHOT_GXID_GET -> {
                Request.SnapshotGxidGet s = (Request.SnapshotGxidGet) req;
                w.bool(s.canBeGrouped()).txnRef(s.txn());
            }
            case SEQUENCE_INIT -> {
                Request.SequenceInit s = (Request.SequenceInit) req;
                w.key(s.key()).h64(s.increment()).h64(s.minValue()).h64(s.maxValue()).h64(s.startValue())
                        .bool(s.cycle());
            }
            case SEQUENCE_ALTER -> {
                Request.SequenceAlter s = (Request.SequenceAlter) req;
                w.key(s.key()).h64(s.increment()).h64(s.minValue()).h64(s.maxValue()).h64(s.startValue())
                        .h64(s.lastValue()).bool(s.cycle()).bool(s.isRestart());
            }
            case SEQUENCE_GET_CURRENT -> w.key(((Request.SequenceGetCurrent) req).key());
            case SEQUENCE_GET_NEXT -> w.key(((Request.SequenceGetNext) req).key());
            case SEQUENCE_GET_LAST -> w.key(((Request.SequenceGetLast) req).key());
            case SEQUENCE_RESET -> w.key(((Request.SequenceReset) req).key());
            case SEQUENCE_CLOSE -> w.key(((Request.SequenceClose) req).key());
            case SEQUENCE_SET_VAL -> {
                Request.SequenceSetVal s = (Request.SequenceSetVal) req;
                w.key(s.key()).h64(s.value()).bool(s.isCalled());
            }
            case SEQUENCE_RENAME -> {
                Request.SequenceRename s = (Request.SequenceRename) req;
                w.key(s.oldKey()).key(s.newKey());
            }
            case TXN_GET_STATUS -> w.txnRef(((Request.TxnGetStatus) req).txn());
            case TXN_GET_ALL_PREPARED, BACKEND_DISCONNECT -> {
                // no payload
            }
            default -> throw new IllegalArgumentException("cannot encode " + req);
        }
    }

    private static void txnRefs(PayloadWriter w, List<TxnRef> refs) {
        w.be32(refs.size());
        for (TxnRef ref : refs) {
            w.txnRef(ref);
        }
    }
}
