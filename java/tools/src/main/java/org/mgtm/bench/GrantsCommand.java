package org.mgtm.bench;

import java.util.List;
import java.util.concurrent.Callable;
import org.mgtm.client.GtmException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mgtm bench grants}: peak GXID grants per second with TXN_BEGIN_GETGXID_MULTI, one row per
 * batch size and connection count (benchmarks/grants.sh runs it against a standalone mgtm and a
 * replica group's leader).
 */
@Command(name = "grants", mixinStandardHelpOptions = true,
        description = "Peak GXID grants per second: pipelined TXN_BEGIN_GETGXID_MULTI requests on several "
                + "connections, each granted batch ended at once with one TXN_COMMIT_MULTI (or ROLLBACK_MULTI). "
                + "Prints one row per batch size and connection count; the last line of each row is "
                + "'result key=value ...'.")
public final class GrantsCommand implements Callable<Integer> {
    @Mixin
    LinkOptions link;

    @Option(names = {"-b", "--batch"}, split = ",", defaultValue = "64,512,4096",
            description = "Transactions per begin request, 1 to 4096; a list runs one row each "
                    + "(default: ${DEFAULT-VALUE}).")
    List<Integer> batches;

    @Option(names = {"-c", "--connections"}, split = ",", defaultValue = "1,4",
            description = "Connections (or internal sessions); a list runs one row each (default: ${DEFAULT-VALUE}).")
    List<Integer> connections;

    @Option(names = "--depth", defaultValue = "4",
            description = "Begin requests in flight per connection (default: ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--max-open", defaultValue = "65536",
            description = "GXIDs begun and not yet ended, all connections together; keep it at or below the "
                    + "server's --max-transactions (default: ${DEFAULT-VALUE}).")
    int maxOpen;

    @Option(names = {"-w", "--warmup"}, defaultValue = "3",
            description = "Seconds before measuring (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = {"-T", "--duration"}, defaultValue = "10",
            description = "Seconds measured (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--end", defaultValue = "commit",
            description = "How batches end: commit, rollback or alternate (default: ${DEFAULT-VALUE}).")
    String end;

    @Option(names = "--io-threads", defaultValue = "0",
            description = "Client network threads; 0: one per connection, at most one per core "
                    + "(default: ${DEFAULT-VALUE}).")
    int ioThreads;

    @Option(names = {"-q", "--quiet"}, description = "No per-second lines.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        LinkTarget target = link.target();
        GrantsSettings.End ending = GrantsSettings.End.parse(end);
        boolean allClean = true;
        for (int c : connections) {
            for (int b : batches) {
                int threads = ioThreads > 0 ? ioThreads : Math.min(c, Runtime.getRuntime().availableProcessors());
                GrantsSettings settings = new GrantsSettings(target, c, b, depth, maxOpen, warmup, seconds, ending,
                        threads, !quiet);
                System.out.printf("mgtm bench grants: %s, %d connections, batch %d, depth %d, %d s + %d s warm-up%n",
                        target.describe(), c, b, depth, seconds, warmup);
                GrantsResult result;
                try {
                    result = new GrantsRun(settings, System.out).run();
                } catch (GtmException e) {
                    System.err.println("mgtm bench grants: " + e.getMessage());
                    return 1;
                }
                result.print(System.out);
                allClean &= result.clean() && result.windowGrants() > 0;
            }
        }
        return allClean ? 0 : 1;
    }
}
