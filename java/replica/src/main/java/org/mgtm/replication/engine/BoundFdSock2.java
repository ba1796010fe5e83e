package org.mgtm.replication.engine;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.jgroups.View;
import org.jgroups.blocks.cs.NioServer;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.FD_SOCK2;

/**
 * {@link FD_SOCK2} with two changes; it keeps FD_SOCK2's protocol id, so it is wire-compatible with plain FD_SOCK2
 * members.
 * <ul>
 * <li>Its outgoing connections leave from the member's own address, as the transport's do ({@code client_bind_addr}).
 * FD_SOCK2 5.4 binds only its listening socket, so on a host with several addresses (the loopback lab:
 * 127.0.0.11-13) its pings come from whatever address the route picks (127.0.0.1), and firewall rules or partitions
 * between member addresses miss them.</li>
 * <li>It reacts to a new view on its own thread. FD_SOCK2 connects to its next ping target when a view arrives, and
 * waits up to {@code connect_timeout} (1 s) for the answer, on the thread that passes the view down the stack: the
 * whole view installation on this member waited for it, and the election protocol above saw the new view that much
 * later (long enough to drop the new leader's announcement: see {@link MergeSafeElection}). Views are still handled
 * one at a time, in order.</li>
 * </ul>
 */
public class BoundFdSock2 extends FD_SOCK2 {
    private final ExecutorService views = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fd-sock2-views");
        t.setDaemon(true);
        return t;
    });

    public BoundFdSock2() {
        setId(ClassConfigurator.getProtocolId(FD_SOCK2.class));
    }

    @Override
    protected NioServer createServer(int[] bindPorts) {
        NioServer server = super.createServer(bindPorts);
        if (bind_addr != null) {
            server.clientBindAddress(bind_addr);
        }
        return server;
    }

    @Override
    protected void handleView(View v) {
        try {
            views.execute(() -> super.handleView(v));
        } catch (RejectedExecutionException e) {
            // stopped: no more views to watch
        }
    }

    @Override
    public void destroy() {
        views.shutdownNow();
        super.destroy();
    }
}
