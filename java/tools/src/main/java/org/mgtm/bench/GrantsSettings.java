package org.mgtm.bench;

import java.util.Locale;
import org.mgtm.protocol.WireFormat;

/**
 * One grants measurement's shape.
 *
 * @param target          where the begins go
 * @param connections     links, each with its own pipeline of requests
 * @param batch           transactions per TXN_BEGIN_GETGXID_MULTI (1 to 4096, the protocol's cap)
 * @param depth           begins in flight per link
 * @param maxOpen         GXIDs begun and not yet ended, over all links: keep it at or below the
 *                        server's --max-transactions and the run gets no "Max transaction limit" errors
 * @param warmupSeconds   run before measuring (JIT, connection setup, the leader found)
 * @param seconds         the measured window
 * @param end             how granted transactions end
 * @param ioThreads       client event-loop threads
 * @param printTimeline   print grants per second while running
 */
public record GrantsSettings(LinkTarget target, int connections, int batch, int depth, int maxOpen,
                             int warmupSeconds, int seconds, End end, int ioThreads, boolean printTimeline) {

    /** Every batch ends with one COMMIT_MULTI, one ROLLBACK_MULTI, or the two in turn. */
    public enum End {
        COMMIT, ROLLBACK, ALTERNATE;

        boolean commits(long batchNo) {
            return this == COMMIT || (this == ALTERNATE && (batchNo & 1) == 0);
        }

        public static End parse(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT));
        }
    }

    public GrantsSettings {
        if (connections < 1 || depth < 1 || seconds < 1 || warmupSeconds < 0 || ioThreads < 1) {
            throw new IllegalArgumentException("connections, depth, seconds and io threads must be >= 1, warm-up >= 0");
        }
        if (batch < 1 || batch > WireFormat.MAX_MULTI_COUNT) {
            throw new IllegalArgumentException("batch must be 1 to " + WireFormat.MAX_MULTI_COUNT + ", got " + batch);
        }
        if ((long) maxOpen < (long) batch * connections) {
            throw new IllegalArgumentException("max open (" + maxOpen + ") must hold one batch (" + batch
                    + ") per connection (" + connections + ")");
        }
    }

    /** Defaults for everything but the shape: commits, 4 begins deep, 1 s warm-up, quiet. */
    public static GrantsSettings of(LinkTarget target, int connections, int batch, int seconds) {
        return new GrantsSettings(target, connections, batch, 4, Math.max(batch * connections, 65_536), 1, seconds,
                End.COMMIT, Math.min(connections, 2), false);
    }

    public GrantsSettings withWarmup(int s) {
        return new GrantsSettings(target, connections, batch, depth, maxOpen, s, seconds, end, ioThreads,
                printTimeline);
    }

    public GrantsSettings withEnd(End e) {
        return new GrantsSettings(target, connections, batch, depth, maxOpen, warmupSeconds, seconds, e, ioThreads,
                printTimeline);
    }

    public GrantsSettings withDepth(int d) {
        return new GrantsSettings(target, connections, batch, d, maxOpen, warmupSeconds, seconds, end, ioThreads,
                printTimeline);
    }

    public GrantsSettings withMaxOpen(int m) {
        return new GrantsSettings(target, connections, batch, depth, m, warmupSeconds, seconds, end, ioThreads,
                printTimeline);
    }

    /** Open GXIDs one link may hold: its share of {@link #maxOpen} (at least one batch, see above). */
    int perLinkBudget() {
        return maxOpen / connections;
    }
}
