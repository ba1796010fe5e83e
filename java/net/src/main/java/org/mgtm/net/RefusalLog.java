package org.mgtm.net;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Logs refused clients once per client and reason, not once per connection or message: a client that hammers a
 * port (too many connections, a wrong secret in a loop, a scanner without a certificate) costs one log line per
 * {@link #WINDOW_MILLIS}, then a line with the count of what was refused meanwhile. Keyed by the client's address
 * (not its port: every new connection has another).
 */
public final class RefusalLog {
    public static final long WINDOW_MILLIS = 60_000;
    /** Distinct clients remembered at most; beyond, the table starts over (a flood of addresses logs again). */
    static final int MAX_CLIENTS = 10_000;

    private static final class Entry {
        long firstNanos;
        long suppressed;
    }

    private final Logger log;
    private final String what;
    private final ConcurrentHashMap<String, Entry> seen = new ConcurrentHashMap<>();

    /** @param what what is refused, e.g. "internal connection" */
    public RefusalLog(Logger log, String what) {
        this.log = log;
        this.what = what;
    }

    /** Records one refusal of {@code client} for {@code reason}; logs it when it is the first in the window. */
    public void refuse(SocketAddress client, String reason) {
        String host = client instanceof InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : String.valueOf(client);
        String key = host + "|" + reason;
        long now = System.nanoTime();
        if (seen.size() > MAX_CLIENTS) {
            seen.clear();
        }
        long[] report = {-1};
        seen.compute(key, (k, e) -> {
            if (e == null || now - e.firstNanos > TimeUnit.MILLISECONDS.toNanos(WINDOW_MILLIS)) {
                report[0] = e == null ? 0 : e.suppressed;
                Entry fresh = new Entry();
                fresh.firstNanos = now;
                return fresh;
            }
            e.suppressed++;
            return e;
        });
        if (report[0] >= 0) {
            log.warn("refusing {} from {}: {}{}", what, host, reason, report[0] > 0
                    ? " (and " + report[0] + " more from it in the last " + WINDOW_MILLIS / 1000 + " s)"
                    : " (further refusals of it for this reason are counted, not logged, for "
                    + WINDOW_MILLIS / 1000 + " s)");
        }
    }

    /** Refusals counted but not logged, for tests and status. */
    public long suppressed() {
        return seen.values().stream().mapToLong(e -> e.suppressed).sum();
    }
}
