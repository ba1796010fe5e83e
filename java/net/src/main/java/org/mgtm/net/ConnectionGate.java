package org.mgtm.net;

import io.netty.channel.Channel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many connections a listening port holds at most ({@code max_connections}): one more is closed at accept,
 * and the refusal logged once per client ({@link RefusalLog}).
 */
public final class ConnectionGate {
    private final int max;
    private final RefusalLog refusals;
    private final AtomicInteger open = new AtomicInteger();

    public ConnectionGate(int max, RefusalLog refusals) {
        if (max < 1) {
            throw new IllegalArgumentException("max_connections must be at least 1");
        }
        this.max = max;
        this.refusals = refusals;
    }

    /** Counts the channel in (until it closes) and returns true, or closes it and returns false. */
    public boolean admit(Channel ch) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            refusals.refuse(ch.remoteAddress(), max + " connections already open (max_connections)");
            ch.close();
            return false;
        }
        ch.closeFuture().addListener(f -> open.decrementAndGet());
        return true;
    }

    public int open() {
        return open.get();
    }
}
