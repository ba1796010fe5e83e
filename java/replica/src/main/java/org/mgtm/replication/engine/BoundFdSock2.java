package org.mgtm.replication.engine;

import org.jgroups.blocks.cs.NioServer;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.FD_SOCK2;

/**
 * {@link FD_SOCK2} whose outgoing connections leave from the member's own address, as the transport's
 * do ({@code client_bind_addr}). FD_SOCK2 5.4 binds only its listening socket, so on a host with
 * several addresses (the loopback lab: 127.0.0.11-13) its pings come from whatever address the route
 * picks (127.0.0.1), and firewall rules or partitions between member addresses miss them. Keeps
 * FD_SOCK2's protocol id: wire-compatible with plain FD_SOCK2 members.
 */
public class BoundFdSock2 extends FD_SOCK2 {
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
}
