package org.mgtm.bench;

import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.mgtm.client.GtmException;
import org.mgtm.config.Signals;
import org.mgtm.core.Gxids;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mgtm bench open-transactions}: opens N transactions, takes a few snapshots, prints a line
 * with "holding", and keeps them open until told to stop, so that a script can measure the GTM
 * meanwhile (benchmarks/memory.sh).
 */
@Command(name = "open-transactions", mixinStandardHelpOptions = true,
        description = "Open N transactions (grouped begins, as gtm_proxy sends them), commit one more so that "
                + "snapshots list them, take a few snapshots, and hold them open until SIGTERM/SIGINT (or stdin "
                + "closes, with --hold stdin). Stopping ends the connections, which ends the transactions.")
public final class OpenTransactionsCommand implements Callable<Integer> {
    enum Hold { SIGNAL, STDIN, NONE }

    @Mixin
    LinkOptions link;

    @Option(names = {"-n", "--count"}, defaultValue = "10000",
            description = "Transactions to open (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = {"-b", "--batch"}, defaultValue = "256",
            description = "Transactions per begin request, 1 to 4096 (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = {"-c", "--connections"}, defaultValue = "4",
            description = "Connections (or internal sessions) to spread them over (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--snapshots", defaultValue = "5",
            description = "Snapshots to take once open (default: ${DEFAULT-VALUE}).")
    int snapshots;

    @Option(names = "--hold", defaultValue = "signal",
            description = "signal: hold until SIGTERM/SIGINT; stdin: also stop when stdin closes; none: end at once "
                    + "(default: ${DEFAULT-VALUE}). A script that starts this in the background without redirecting "
                    + "stdin gives it /dev/null: use signal there.")
    String hold;

    @Override
    public Integer call() throws Exception {
        Hold until = Hold.valueOf(hold.toUpperCase(Locale.ROOT));
        CountDownLatch stop = new CountDownLatch(1);
        // Handlers first: a signal that came before them would kill the JVM without ending the sessions,
        // and over the internal protocol the group would then keep the transactions for the session timeout.
        daemon("signals", () -> {
            try {
                Signals.awaitStop();
            } catch (InterruptedException e) {
                return;
            }
            stop.countDown();
        });
        OpenTransactions.Settings settings = new OpenTransactions.Settings(link.target(), count, batch, connections,
                snapshots);
        long started = System.nanoTime();
        OpenTransactions opened;
        try {
            opened = OpenTransactions.open(settings);
        } catch (GtmException e) {
            // Expected failures (a full table, no server): a message, not a stack trace.
            System.err.println("mgtm bench open-transactions: " + e.getMessage());
            return 1;
        }
        try (OpenTransactions open = opened) {
            int[] gxids = open.gxids();
            // Links were served interleaved, so the first and last in the array are not the range's ends.
            int lowest = gxids[0];
            int highest = gxids[0];
            for (int g : gxids) {
                lowest = Integer.compareUnsigned(g, lowest) < 0 ? g : lowest;
                highest = Integer.compareUnsigned(g, highest) > 0 ? g : highest;
            }
            System.out.printf(Locale.ROOT, "open-transactions: %s: %d open on %d connections in %.2f s, GXIDs %s to %s;"
                            + " committed %s; %d snapshots, the last listing %d running GXIDs%n",
                    settings.target().describe(), open.count(), connections, (System.nanoTime() - started) / 1e9,
                    Gxids.toString(lowest), Gxids.toString(highest),
                    Gxids.toString(open.markerGxid()), snapshots, open.snapshotXcnt());
            if (until == Hold.STDIN) {
                daemon("stdin", () -> {
                    try {
                        while (System.in.read() != -1) {
                            // only the end matters
                        }
                    } catch (IOException e) {
                        // a broken stdin is an end too
                    }
                    stop.countDown();
                });
            }
            if (until != Hold.NONE) {
                System.out.println("holding " + open.count() + " open transactions until "
                        + (until == Hold.STDIN ? "stdin closes or " : "") + "SIGTERM/SIGINT");
                System.out.flush();
                stop.await();
            }
        }
        System.out.println("open-transactions: connections closed; the GTM ends their transactions");
        return 0;
    }

    private static void daemon(String name, Runnable body) {
        Thread t = new Thread(body, "open-transactions-" + name);
        t.setDaemon(true);
        t.start();
    }
}
