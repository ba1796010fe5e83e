package org.mgtm.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mgtm.core.Gxids;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.Snapshot;
import org.mgtm.protocol.TxnRef;
import org.mgtm.protocol.WireMessage;

/**
 * What a replay knows: which captured GXID became which mgtm GXID, and which of mgtm's
 * transactions are open (with the proxy slot that owns them), so answers can be checked against
 * mgtm's own state rather than the captured values.
 */
final class ReplayState {
    private final Map<Integer, Integer> capturedToOurs = new HashMap<>();
    private final Map<Integer, Integer> openOwners = new LinkedHashMap<>();

    /** The first GXID the capture's GTM handed out: the replayed mgtm starts there. */
    static int firstGxid(List<WireMessage.Backend> answers) {
        for (WireMessage.Backend b : answers) {
            if (b instanceof WireMessage.Answer a) {
                if (a.response() instanceof Response.BeginGxid g) {
                    return g.gxid();
                }
                if (a.response() instanceof Response.BeginGxidMulti m) {
                    return m.firstGxid();
                }
            }
        }
        return 1000;
    }

    void mapRun(int capturedFirst, int oursFirst, int count) {
        for (int i = 0; i < count; i++) {
            capturedToOurs.put(Gxids.groupMember(capturedFirst, i), Gxids.groupMember(oursFirst, i));
        }
    }

    int ours(int captured) {
        Integer mapped = capturedToOurs.get(captured);
        return mapped == null ? captured : mapped;
    }

    boolean namesUnknownTransaction(Request captured) {
        for (TxnRef ref : refs(captured)) {
            if (ref.isGxid() && !capturedToOurs.containsKey(ref.id())) {
                return true;
            }
        }
        return false;
    }

    /** The captured request with every GXID it names replaced by mgtm's. */
    Request translate(Request r) {
        if (r instanceof Request.TxnCommit c) {
            return new Request.TxnCommit(map(c.txn()));
        } else if (r instanceof Request.TxnRollback c) {
            return new Request.TxnRollback(map(c.txn()));
        } else if (r instanceof Request.TxnCommitMulti c) {
            return new Request.TxnCommitMulti(c.txns().stream().map(this::map).toList());
        } else if (r instanceof Request.TxnRollbackMulti c) {
            return new Request.TxnRollbackMulti(c.txns().stream().map(this::map).toList());
        } else if (r instanceof Request.SnapshotGet c) {
            return new Request.SnapshotGet(c.canBeGrouped(), map(c.txn()));
        } else if (r instanceof Request.SnapshotGetMulti c) {
            return new Request.SnapshotGetMulti(c.txns().stream().map(this::map).toList());
        } else if (r instanceof Request.TxnPrepare c) {
            return new Request.TxnPrepare(map(c.txn()), c.nodes());
        }
        return r;
    }

    private TxnRef map(TxnRef ref) {
        return ref.isGxid() ? TxnRef.gxid(ours(ref.id())) : ref;
    }

    private static List<TxnRef> refs(Request r) {
        if (r instanceof Request.TxnCommit c) {
            return List.of(c.txn());
        } else if (r instanceof Request.TxnRollback c) {
            return List.of(c.txn());
        } else if (r instanceof Request.TxnCommitMulti c) {
            return c.txns();
        } else if (r instanceof Request.TxnRollbackMulti c) {
            return c.txns();
        } else if (r instanceof Request.SnapshotGet c) {
            return List.of(c.txn());
        } else if (r instanceof Request.SnapshotGetMulti c) {
            return c.txns();
        } else if (r instanceof Request.TxnPrepare c) {
            return List.of(c.txn());
        }
        return List.of();
    }

    /** mgtm's GXIDs of the transactions a captured grouped request names. */
    List<Integer> requesters(Request captured) {
        List<Integer> out = new ArrayList<>();
        for (TxnRef ref : refs(captured)) {
            out.add(ours(ref.id()));
        }
        return out;
    }

    /** Records the effect of an applied request (translated) on the set of open transactions. */
    void applied(int conid, Request request, Response ours) {
        if (ours instanceof Response.BeginGxid b && !(request instanceof Request.TxnBeginGetGxidAutovacuum)) {
            openOwners.put(b.gxid(), conid);
        } else if (ours instanceof Response.BeginGxidMulti m) {
            List<Request.BeginEntry> entries = ((Request.TxnBeginGetGxidMulti) request).entries();
            for (int i = 0; i < m.count(); i++) {
                openOwners.put(Gxids.groupMember(m.firstGxid(), i), (int) entries.get(i).conid());
            }
        } else if (ours instanceof Response.Ended e) {
            openOwners.remove(e.gxid());
        } else if (ours instanceof Response.EndedMulti m) {
            List<TxnRef> refs = refs(request);
            for (int i = 0; i < refs.size(); i++) {
                if (m.statuses().get(i) == Response.STATUS_OK) {
                    openOwners.remove(refs.get(i).id());
                }
            }
        } else if (request instanceof Request.BackendDisconnect) {
            openOwners.values().removeIf(owner -> conid == WireMessage.GROUP_CONID || owner == conid);
        }
    }

    /** xmin <= xip < xmax; xip lists only open transactions; each requester below xmax is listed. */
    void checkSnapshot(Snapshot s, List<Integer> requesters, String context) {
        for (int i = 0; i < s.xcnt(); i++) {
            int x = s.xipAt(i);
            assertTrue(Gxids.precedesOrEquals(s.xmin(), x) && Gxids.precedes(x, s.xmax()),
                    "xip " + Integer.toUnsignedString(x) + " outside [xmin, xmax) in " + s + ": " + context);
            assertTrue(openOwners.containsKey(x), "xip lists " + Integer.toUnsignedString(x)
                    + ", which is not open: " + context);
        }
        assertTrue(Gxids.precedesOrEquals(s.recentGlobalXmin(), s.xmin()), "recent global xmin above xmin: " + context);
        List<Integer> listed = new ArrayList<>();
        for (int i = 0; i < s.xcnt(); i++) {
            listed.add(s.xipAt(i));
        }
        for (int r : requesters) {
            if (Gxids.precedes(r, s.xmax())) {
                assertTrue(listed.contains(r), "requester " + Integer.toUnsignedString(r) + " missing from " + s
                        + ": " + context);
            }
        }
    }
}
