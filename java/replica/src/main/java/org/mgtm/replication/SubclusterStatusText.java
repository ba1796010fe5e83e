package org.mgtm.replication;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;

/**
 * The lines mgtm-ctl status prints under its table for a group in sub-cluster mode (from its leader's
 * document: the G-GTM's reachability and what is leased) and for the G-GTM (what it granted to whom).
 */
final class SubclusterStatusText {
    private SubclusterStatusText() {
    }

    static void print(Iterable<JsonNode> docs, PrintStream out) {
        JsonNode leader = null;
        for (JsonNode d : docs) {
            if ("Leader".equals(d.path("role").asText())) {
                leader = d;
            }
        }
        if (leader == null) {
            return;
        }
        JsonNode sub = leader.path("subcluster");
        if (!sub.isMissingNode()) {
            out.printf("sub-cluster %s: G-GTM %s%n", sub.path("name").asText(), sub.path("ggtm").asText());
            out.printf("  leased GXIDs left: %s in %s; horizon %s; next range request %s; skipped %s GXIDs%n",
                    sub.path("leasedRemaining").asText(), sub.path("leases"), sub.path("horizon").asText(),
                    sub.path("nextRangeRequest").asText(), sub.path("skippedGxids").asText());
            out.printf("  ranges granted %s (last %s s ago)%s; cross-sub-cluster transactions prepared %s, "
                            + "resolved %s commit / %s abort%n", sub.path("rangesGranted").asText(),
                    sub.path("lastGrantSecondsAgo").isNull() ? "-" : String.format(java.util.Locale.ROOT, "%.1f",
                            sub.path("lastGrantSecondsAgo").asDouble()),
                    sub.path("lastFailure").isNull() ? "" : "; last failure: " + sub.path("lastFailure").asText(),
                    sub.path("crossPrepared").asText(), sub.path("resolvedCommit").asText(),
                    sub.path("resolvedAbort").asText());
        }
        JsonNode g = leader.path("ggtm");
        if (!g.isMissingNode()) {
            out.printf("G-GTM: next grant %s, oldest GXID in use %s, decisions held %s%n", g.path("nextGrant").asText(),
                    g.path("oldestInUse").asText("-"), g.path("decisionsHeld").asText());
            for (JsonNode m : g.path("subclusters")) {
                out.printf("  sub-cluster %s: last range %s (request %s), %s GXIDs granted, oldest in use %s%n",
                        m.path("name").asText(), m.path("lastRange").asText(), m.path("lastRequest").asText(),
                        m.path("granted").asText(), m.path("oldestInUse").asText("-"));
            }
        }
    }
}
