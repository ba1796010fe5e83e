package org.mgtm.bench;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.mgtm.protocol.WireFormat;

/**
 * One bench run's shape.
 *
 * @param target           the GTM endpoint (mgtm, XC gtm or gtm_proxy)
 * @param clients          simulated backends, each with one transaction in flight
 * @param durationSeconds  how long to run
 * @param snapshotsPerTxn  snapshot requests per transaction (5 = pgbench TPC-B through XC)
 * @param proxyFraming     multiplex the backends on proxy-framed connections with grouped requests
 * @param proxyConnections proxy-framed connections (gtm_proxy's -n worker count)
 * @param format           wire format (host byte order)
 * @param printTimeline    print one line per second while running
 * @param history          record every operation of every client to this file (mgtm-history format), or null
 */
public record BenchSettings(InetSocketAddress target, int clients, int durationSeconds, int snapshotsPerTxn,
                            boolean proxyFraming, int proxyConnections, WireFormat format, boolean printTimeline,
                            Path history) {
    public BenchSettings {
        if (clients < 1 || durationSeconds < 1 || snapshotsPerTxn < 0 || proxyConnections < 1) {
            throw new IllegalArgumentException("clients, duration and proxy connections must be >= 1, snapshots >= 0");
        }
    }

    /** Settings without history recording. */
    public BenchSettings(InetSocketAddress target, int clients, int durationSeconds, int snapshotsPerTxn,
                         boolean proxyFraming, int proxyConnections, WireFormat format, boolean printTimeline) {
        this(target, clients, durationSeconds, snapshotsPerTxn, proxyFraming, proxyConnections, format, printTimeline,
                null);
    }

    public BenchSettings withHistory(Path file) {
        return new BenchSettings(target, clients, durationSeconds, snapshotsPerTxn, proxyFraming, proxyConnections,
                format, printTimeline, file);
    }

    /** Requests one transaction costs: begin, the snapshots, commit. */
    public int requestsPerTxn() {
        return snapshotsPerTxn + 2;
    }
}
