package org.mgtm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.EventLoopGroup;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.mgtm.client.Member;
import org.mgtm.net.Transport;
import org.mgtm.replication.GroupStatus;

/**
 * The leader's batching counters over a bench run (mgtm bench --group): log entries and the commands
 * they carried, reads answered without the log (with their batch's entry, or in check rounds), and
 * the backend requests the clients' requests carried. Read from the leader's status before and after.
 */
final class GroupCounters {
    private static final long TIMEOUT_MILLIS = 2000;
    private static final String[] COUNTERS = {"logEntries", "logCommands", "readsWithEntries", "readsOnRounds",
        "checkRounds", "clientRequests", "backendRequests"};

    private final List<Member> members;
    private final int internalPort;
    private final String secret;

    GroupCounters(String members, int internalPort, String secret) {
        this.members = Member.parseList(members);
        this.internalPort = internalPort;
        this.secret = secret;
    }

    /** The leader's status document, or null when no member says it leads. */
    JsonNode leader() {
        EventLoopGroup group = Transport.newGroup(1, "bench-group-status");
        try {
            for (Member m : members) {
                JsonNode doc = GroupStatus.fetch(group, m.id(), new InetSocketAddress(m.host(), internalPort), secret,
                        TIMEOUT_MILLIS);
                if ("Leader".equals(doc.path("role").asText())) {
                    return doc;
                }
            }
            return null;
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /** Prints what the leader did between the two documents. */
    static void print(PrintStream out, JsonNode before, JsonNode after) {
        if (after == null) {
            out.println("group: no leader after the run");
            return;
        }
        String leader = after.path("member").asText();
        boolean sameLeader = before != null && leader.equals(before.path("member").asText())
                && before.path("term").asLong() == after.path("term").asLong();
        long[] d = new long[COUNTERS.length];
        for (int i = 0; i < COUNTERS.length; i++) {
            d[i] = after.path(COUNTERS[i]).asLong() - (sameLeader ? before.path(COUNTERS[i]).asLong() : 0);
        }
        out.printf(Locale.ROOT, "group leader %s%s: %d log entries carried %d commands (%.2f per entry); reads "
                        + "without the log: %d with their batch's entry, %d in %d check rounds (%.2f per round); "
                        + "%d requests carried %d backend requests (%.2f per request)%n",
                leader, sameLeader ? " over the run" : " (the leader changed: its counters since it started)",
                d[0], d[1], ratio(d[1], d[0]), d[2], d[3], d[4], ratio(d[3], d[4]), d[5], d[6], ratio(d[6], d[5]));
    }

    private static double ratio(long a, long b) {
        return b == 0 ? 0 : (double) a / b;
    }
}
