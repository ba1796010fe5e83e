package org.mgtm.check.pcap;

/**
 * One TCP connection to an audited server port, as the capture saw it: who connected, both
 * directions reassembled, and when it closed. Only a connection whose opening SYN was captured is
 * reassembled; one already open when the capture started is kept for the statistics only, since
 * its start (and so its framing and the requests in flight) is unknown.
 */
public final class TcpConnection {
    public static final long NEVER = Long.MAX_VALUE;

    private final int id;
    private final int clientAddr;
    private final int clientPort;
    private final int serverAddr;
    private final int serverPort;
    private final long firstSeen;
    final boolean synSeen;
    final int clientIsn;
    final TcpStream toServer = new TcpStream();
    final TcpStream toClient = new TcpStream();
    private long closedAt = NEVER;
    private boolean reset;
    private boolean serverHandshakeMissing;
    long packets;

    TcpConnection(int id, TcpSegment first, boolean toServer, boolean synSeen) {
        this.id = id;
        this.clientAddr = toServer ? first.srcAddr() : first.dstAddr();
        this.clientPort = toServer ? first.srcPort() : first.dstPort();
        this.serverAddr = toServer ? first.dstAddr() : first.srcAddr();
        this.serverPort = toServer ? first.dstPort() : first.srcPort();
        this.firstSeen = first.timeNanos();
        this.synSeen = synSeen;
        this.clientIsn = first.seq();
        if (synSeen) {
            this.toServer.start(first.seq() + 1);
        }
    }

    /** Numbered in the order the capture first shows them, from 1. */
    public int id() {
        return id;
    }

    public int serverPort() {
        return serverPort;
    }

    public long firstSeen() {
        return firstSeen;
    }

    /** Whether the capture holds the connection's start, so that its streams can be decoded. */
    public boolean complete() {
        return synSeen;
    }

    public TcpStream toServer() {
        return toServer;
    }

    public TcpStream toClient() {
        return toClient;
    }

    /** Time of the first FIN or RST in either direction, or {@link #NEVER}. */
    public long closedAt() {
        return closedAt;
    }

    public boolean reset() {
        return reset;
    }

    /** The server's SYN-ACK was not captured; its stream was placed from the client's acknowledgement. */
    public boolean serverHandshakeMissing() {
        return serverHandshakeMissing;
    }

    void markServerHandshakeMissing() {
        serverHandshakeMissing = true;
    }

    void closed(long time, boolean byReset) {
        if (closedAt == NEVER) {
            closedAt = time;
        }
        reset |= byReset;
    }

    /** {@code 127.0.0.1:51330 -> 127.0.0.1:26667}. */
    public String endpoints() {
        return TcpSegment.address(clientAddr) + ":" + clientPort + " -> " + TcpSegment.address(serverAddr) + ":"
                + serverPort;
    }

    @Override
    public String toString() {
        return "connection " + id + " (" + endpoints() + ")";
    }
}
