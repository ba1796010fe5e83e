package org.mgtm.check.pcap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sorts the captured TCP segments into connections to the audited server ports and reassembles
 * each direction ({@link TcpStream}). The side that owns an audited port (and, if given, the
 * audited address) is the server. A new SYN on a tuple that is in use starts a new connection
 * (the client reused its port), unless it repeats the SYN of a connection that is still open.
 */
public final class TcpReassembler {
    private record Tuple(int clientAddr, int clientPort, int serverAddr, int serverPort) {
    }

    private final Set<Integer> ports;
    private final Integer host;
    private final Map<Tuple, TcpConnection> current = new HashMap<>();
    private final List<TcpConnection> connections = new ArrayList<>();
    private long otherTraffic;
    private long truncatedSegments;

    /** @param host the server address to audit, or null for any */
    public TcpReassembler(Set<Integer> ports, Integer host) {
        this.ports = Set.copyOf(ports);
        this.host = host;
    }

    public void segment(TcpSegment s) {
        boolean toServer = isServer(s.dstAddr(), s.dstPort());
        if (!toServer && !isServer(s.srcAddr(), s.srcPort())) {
            otherTraffic++;
            return;
        }
        Tuple tuple = toServer ? new Tuple(s.srcAddr(), s.srcPort(), s.dstAddr(), s.dstPort())
                : new Tuple(s.dstAddr(), s.dstPort(), s.srcAddr(), s.srcPort());
        TcpConnection c = current.get(tuple);
        boolean opening = toServer && s.has(TcpSegment.SYN) && !s.has(TcpSegment.ACK);
        if (opening && c != null && c.synSeen && c.clientIsn == s.seq() && c.closedAt() == TcpConnection.NEVER) {
            c.packets++;
            return; // the client repeated its SYN
        }
        if (opening || c == null) {
            c = new TcpConnection(connections.size() + 1, s, toServer, opening);
            current.put(tuple, c);
            connections.add(c);
        }
        c.packets++;
        if (opening || !c.synSeen) {
            return;
        }
        if (!toServer && s.has(TcpSegment.SYN)) {
            c.toClient.start(s.seq() + 1);
            return;
        }
        if (toServer && s.has(TcpSegment.ACK) && !c.toClient.started()) {
            // The SYN-ACK was not captured: the client's acknowledgement says where the server's bytes start.
            c.toClient.start(s.ack());
            c.markServerHandshakeMissing();
        }
        if (s.has(TcpSegment.RST)) {
            c.closed(s.timeNanos(), true);
            return;
        }
        TcpStream stream = toServer ? c.toServer : c.toClient;
        if (s.truncated()) {
            truncatedSegments++;
        } else {
            stream.segment(s.seq(), s.payload(), s.timeNanos());
        }
        if (s.has(TcpSegment.FIN)) {
            stream.fin(s.seq() + s.payload().length);
            c.closed(s.timeNanos(), false);
        }
    }

    private boolean isServer(int addr, int port) {
        return ports.contains(port) && (host == null || host == addr);
    }

    /** Every connection to an audited port, in the order the capture first shows them. */
    public List<TcpConnection> connections() {
        return List.copyOf(connections);
    }

    /** TCP segments of other ports or hosts. */
    public long otherTraffic() {
        return otherTraffic;
    }

    /** Segments whose payload the capture cut (snap length): they leave a hole in their stream. */
    public long truncatedSegments() {
        return truncatedSegments;
    }
}
