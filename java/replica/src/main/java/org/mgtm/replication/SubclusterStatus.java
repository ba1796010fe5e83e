package org.mgtm.replication;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mgtm.core.GlobalStateMachine;
import org.mgtm.core.Gxids;

/**
 * The status document's part for sub-cluster mode ({@code "subcluster"}: leases, horizon, the G-GTM's
 * reachability) and for the G-GTM ({@code "ggtm"}: counter, sub-clusters, recent grants, decisions held).
 * Nothing is added for a plain group.
 */
final class SubclusterStatus {
    private SubclusterStatus() {
    }

    static void add(Map<String, Object> doc, ReplicaServer server) {
        doc.put("groupRole", server.role().type().name().toLowerCase(java.util.Locale.ROOT));
        Map<String, Object> sub = server.subclusterStatus();
        if (sub != null) {
            doc.put("subcluster", sub);
        }
        Map<String, Object> global = server.core().readGlobal(SubclusterStatus::global);
        if (global != null) {
            doc.put("ggtm", global);
        }
    }

    private static Map<String, Object> global(GlobalStateMachine g) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("nextGrant", GlobalStateMachine.position(g.nextPosition()));
        s.put("oldestInUse", g.oldestInUse() < 0 ? null : GlobalStateMachine.position(g.oldestInUse()));
        List<Map<String, Object>> members = new ArrayList<>();
        for (GlobalStateMachine.MemberView m : g.members()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", m.name());
            e.put("claim", Long.toHexString(m.claim()));
            e.put("lastRequest", m.lastRequestId());
            e.put("lastRange", GlobalStateMachine.position(m.lastFirst()) + "-" + GlobalStateMachine.position(m.lastLast()));
            e.put("oldestInUse", m.oldestInUse() < 0 ? null : GlobalStateMachine.position(m.oldestInUse()));
            e.put("granted", m.granted());
            members.add(e);
        }
        s.put("subclusters", members);
        List<Map<String, Object>> grants = new ArrayList<>();
        for (GlobalStateMachine.GrantView r : g.recentGrants()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("subcluster", r.subcluster());
            e.put("request", r.requestId());
            e.put("first", r.first());
            e.put("last", r.last());
            grants.add(e);
        }
        s.put("recentGrants", grants);
        s.put("decisionsHeld", g.decisions().size());
        List<String> decisions = new ArrayList<>();
        g.decisions().forEach((gxid, commit) -> decisions.add(Gxids.toString(gxid) + (commit ? ":commit" : ":abort")));
        s.put("decisions", decisions.size() > 100 ? decisions.subList(decisions.size() - 100, decisions.size())
                : decisions);
        return s;
    }
}
