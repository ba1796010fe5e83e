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

    @Option(names = "--internal-tls", defaultValue = "false", arity = "1",
            description = "The replicas' internal port uses TLS (read from mgtm.conf); needs the stores below.")
    boolean internalTls;

    @Option(names = "--tls-keystore", description = "PKCS#12 file with a key and certificate of the group CA "
            + "(from mgtm.conf: the replica's).")
    Path tlsKeystore;

    @Option(names = "--tls-truststore", description = "PKCS#12 file with the group CA's certificate.")
    Path tlsTruststore;

    @Option(names = "--tls-password", description = "Password of both stores (default: the group secret).")
    String tlsPassword;

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
        io.netty.handler.ssl.SslContext tls = internalTls
                ? org.mgtm.net.TlsConfig.of(true, tlsKeystore, tlsTruststore, tlsPassword, secret).clientContext() : null;
        EventLoopGroup group = Transport.newGroup(1, "mgtm-ctl");
        try {
            for (Member m : Member.parseList(members)) {
                docs.add(GroupStatus.fetch(group, m.id(), new InetSocketAddress(m.host(), internalPort), secret,
                        timeoutMs, tls));
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
        System.out.printf(Locale.ROOT, "%-8s %-12s %5s %-8s %10s %12s %6s %8s %8s %9s %10s  %s%n", "member", "role",
                "term", "leader", "commit", "next GXID", "open", "prepared", "sessions", "cmd/entry", "reads/rnd",
                "state digest");
        for (JsonNode d : docs) {
            String digest = d.path("stateDigest").asText("");
            System.out.printf(Locale.ROOT, "%-8s %-12s %5s %-8s %10s %12s %6s %8s %8s %9s %10s  %s%n",
                    d.path("member").asText(), d.path("role").asText(), d.path("term").asText("-"),
                    d.path("leader").asText("-"), d.path("commitIndex").asText("-"), d.path("nextGxid").asText("-"),
                    d.path("openTransactions").asText("-"), d.path("preparedTransactions").asText("-"),
                    d.path("sessions").asText("-"), d.path("commandsPerEntry").asText("-"),
                    d.path("readsPerRound").asText("-"),
                    digest.length() > 16 ? digest.substring(0, 16) : d.path("error").asText(""));
        }
        // Since each member started; the leader's are the group's.
        for (JsonNode d : docs) {
            if ("Leader".equals(d.path("role").asText())) {
                System.out.printf(Locale.ROOT, "leader %s: %d log entries carried %d commands (%s per entry); reads "
                                + "without the log: %d with their batch's entry, %d in %d check rounds (%s per round); "
                                + "%d client requests carried %d backend requests (%s per request)%n",
                        d.path("member").asText(), d.path("logEntries").asLong(), d.path("logCommands").asLong(),
                        d.path("commandsPerEntry").asText("-"), d.path("readsWithEntries").asLong(),
                        d.path("readsOnRounds").asLong(), d.path("checkRounds").asLong(),
                        d.path("readsPerRound").asText("-"), d.path("clientRequests").asLong(),
                        d.path("backendRequests").asLong(), d.path("backendRequestsPerRequest").asText("-"));
            }
        }
    }
}
