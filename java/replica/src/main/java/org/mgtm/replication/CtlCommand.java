package org.mgtm.replication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.mgtm.client.Member;
import org.mgtm.net.Transport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mgtm ctl status}: asks every member of the group for its status over the internal protocol
 * and prints leader, term, members and their state, commit index, next GXID, open transactions and
 * sessions, as a table or as JSON. Takes the same config file as the replicas.
 */
@Command(name = "ctl", mixinStandardHelpOptions = true,
        description = "Operate a replicated mgtm group. Actions: status.")
public final class CtlCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "Action: status.")
    String action;

    @Option(names = "--config", description = "A replica's settings file (mgtm.conf): members, internal_port and "
            + "secret are read from it, any other key of mgtm replica is accepted and unused, an unknown key is an "
            + "error; the options below override it.")
    Path config;

    @Option(names = "--members", description = "The group: id@host:raft_port,...")
    String members;

    @Option(names = "--internal-port", defaultValue = "6680",
            description = "Internal port of every member (default: ${DEFAULT-VALUE}).")
    int internalPort;

    @Option(names = "--secret", description = "The group's shared secret.")
    String secret;

    @Option(names = "--json", description = "Print the members' status documents as a JSON array.")
    boolean json;

    @Option(names = "--timeout-ms", defaultValue = "2000", description = "Wait this long for each member.")
    long timeoutMs;

    @Override
    public Integer call() throws Exception {
        if (!action.equals("status")) {
            System.err.println("mgtm ctl: unknown action '" + action + "' (known: status)");
            return 2;
        }
        if (members == null || secret == null) {
            System.err.println("mgtm ctl: --members and --secret are needed (or a --config that has them)");
            return 2;
        }
        ObjectMapper mapper = new ObjectMapper();
        ArrayNode docs = mapper.createArrayNode();
        EventLoopGroup group = Transport.newGroup(1, "mgtm-ctl");
        try {
            for (Member m : Member.parseList(members)) {
                docs.add(GroupStatus.fetch(group, m.id(), new InetSocketAddress(m.host(), internalPort), secret, timeoutMs));
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        if (json) {
            System.out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(docs));
        } else {
            printTable(docs);
            SubclusterStatusText.print(docs, System.out);
        }
        boolean leaderKnown = false;
        for (JsonNode d : docs) {
            leaderKnown |= "Leader".equals(d.path("role").asText());
        }
        return leaderKnown ? 0 : 1;
    }

    private static void printTable(ArrayNode docs) {
        System.out.printf(Locale.ROOT, "%-8s %-12s %5s %-8s %10s %12s %6s %8s %8s  %s%n", "member", "role", "term",
                "leader", "commit", "next GXID", "open", "prepared", "sessions", "state digest");
        for (JsonNode d : docs) {
            String digest = d.path("stateDigest").asText("");
            System.out.printf(Locale.ROOT, "%-8s %-12s %5s %-8s %10s %12s %6s %8s %8s  %s%n",
                    d.path("member").asText(), d.path("role").asText(), d.path("term").asText("-"),
                    d.path("leader").asText("-"), d.path("commitIndex").asText("-"), d.path("nextGxid").asText("-"),
                    d.path("openTransactions").asText("-"), d.path("preparedTransactions").asText("-"),
                    d.path("sessions").asText("-"), digest.length() > 16 ? digest.substring(0, 16) : d.path("error")
                            .asText(""));
        }
    }
}
