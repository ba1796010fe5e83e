package org.mgtm.replication;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mgtm.client.Member;
import org.mgtm.core.Gxids;
import org.mgtm.replication.engine.RaftMember;

/** The status document a replica answers STATUS_REQUEST with (what mgtm-ctl status shows). */
final class ReplicaStatus {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReplicaStatus() {
    }

    static Map<String, Object> of(ReplicaServer server) {
        ReplicaConfig config = server.config();
        RaftMember member = server.member();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("member", config.raft().raftId());
        doc.put("role", member == null ? "Starting" : member.role().name());
        doc.put("term", member == null ? 0 : member.term());
        doc.put("leader", member == null ? null : member.leaderId());
        List<String> view = member == null ? List.of() : member.viewMembers();
        List<Map<String, Object>> members = new ArrayList<>();
        for (Member m : config.raft().members()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", m.id());
            e.put("host", m.host());
            e.put("clientPort", config.clientPort());
            e.put("internalPort", config.internalPort());
            e.put("state", view.contains(m.id()) ? "up" : "unreachable");
            members.add(e);
        }
        doc.put("members", members);
        doc.put("commitIndex", member == null ? 0 : member.commitIndex());
        doc.put("lastAppended", member == null ? 0 : member.lastAppended());
        ReplicatedCore.Status s = server.core().status();
        doc.put("appliedCommands", s.appliedCommands());
        doc.put("nextGxid", Gxids.toString(s.nextGxid()));
        doc.put("latestCompletedGxid", Gxids.toString(s.latestCompletedGxid()));
        doc.put("openTransactions", s.openTransactions());
        doc.put("preparedTransactions", s.prepared());
        doc.put("sequences", s.sequences());
        doc.put("sessions", s.sessions());
        ReplicatedSequencer seq = server.sequencer();
        doc.put("logEntries", seq.entries());
        doc.put("logCommands", seq.commands());
        doc.put("commandsPerEntry", ratio(seq.commands(), seq.entries()));
        // Reads answered without the log (docs/decisions/0008): riding on their batch's entry, or, in a
        // batch of reads only, confirmed by a leadership check round (one round serves every batch
        // that arrived while the one before it was out).
        doc.put("readsWithEntries", seq.readsWithEntries());
        long rounds = member == null ? 0 : member.leaderCheck().roundsSent();
        doc.put("readBatches", seq.readBatches());
        doc.put("readsOnRounds", seq.readsOnRounds());
        doc.put("checkRounds", rounds);
        doc.put("readsPerRound", ratio(seq.readsOnRounds(), rounds));
        // What the clients' grouping achieved: a proxy's MULTI request carries several backends' requests.
        doc.put("clientRequests", seq.clientRequests());
        doc.put("backendRequests", seq.backendRequests());
        doc.put("backendRequestsPerRequest", ratio(seq.backendRequests(), seq.clientRequests()));
        doc.put("stateDigest", s.digest());
        SubclusterStatus.add(doc, server);
        return doc;
    }

    /** a / b to two decimals, 0 when b is 0. */
    private static double ratio(long a, long b) {
        return b == 0 ? 0 : Math.round(100.0 * a / b) / 100.0;
    }

    static String json(ReplicaServer server) {
        try {
            return JSON.writeValueAsString(of(server));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("status is always serialisable", e);
        }
    }
}
