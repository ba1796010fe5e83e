package org.mgtm.check.pcap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.WireFormat;
import org.mgtm.protocol.WireMessage;
import org.mgtm.protocol.codec.XcCodecs;

/**
 * Writes synthetic captures of GTM conversations for tests: TCP connections on 127.0.0.1 with
 * their handshakes, GTM messages encoded by the project's codecs, and full control over segments
 * (split, repeated, reordered). Times are microseconds after a fixed epoch second.
 */
final class CaptureScript {
    static final long EPOCH_NANOS = 1_795_000_000L * 1_000_000_000L;
    static final int LOOPBACK = 0x7F000001;
    static final WireFormat FORMAT = WireFormat.DEFAULT;

    private final PcapWriter writer;

    CaptureScript() {
        this(PcapWriter.Format.PCAP_LE_MICROS, PacketDecoder.LINKTYPE_ETHERNET);
    }

    CaptureScript(PcapWriter.Format format, int linkType) {
        this.writer = new PcapWriter(format, linkType);
    }

    static long nanos(long micros) {
        return EPOCH_NANOS + micros * 1000;
    }

    /** A connection from {@code clientPort} whose handshake happens at {@code micros}, without the GTM startup. */
    Conn tcp(long micros, int clientPort, int serverPort) {
        Conn c = new Conn(clientPort, serverPort);
        c.packet(micros, true, c.clientSeq - 1, TcpSegment.SYN, new byte[0]);
        c.packet(micros, false, c.serverSeq - 1, TcpSegment.SYN | TcpSegment.ACK, new byte[0]);
        c.packet(micros, true, c.clientSeq, TcpSegment.ACK, new byte[0]);
        return c;
    }

    /** A connection already open when the capture started: no handshake, no startup. */
    Conn established(int clientPort, int serverPort) {
        return new Conn(clientPort, serverPort);
    }

    /** A connection with its GTM startup: 'A' at {@code micros}, 'R' one microsecond later. */
    Conn connect(long micros, int clientPort, int serverPort, boolean proxy) {
        Conn c = tcp(micros, clientPort, serverPort);
        c.client(micros, XcCodecs.encode(FORMAT, new WireMessage.Startup(1, proxy)));
        c.server(micros + 1, XcCodecs.encode(FORMAT, WireMessage.StartupAck.INSTANCE));
        return c;
    }

    Path write(Path file) throws IOException {
        return writer.write(file);
    }

    byte[] bytes() {
        return writer.bytes();
    }

    final class Conn {
        private final int clientPort;
        private final int serverPort;
        int clientSeq;
        int serverSeq;

        private Conn(int clientPort, int serverPort) {
            this.clientPort = clientPort;
            this.serverPort = serverPort;
            this.clientSeq = 1000 + clientPort;        // sequence numbers of the first data bytes
            this.serverSeq = 0x7FFF_FF00 + serverPort;  // near the signed wrap, to exercise it
        }

        /** A plain request answered: sent at {@code sent}, answered at {@code answered} (microseconds). */
        Conn call(long sent, long answered, Request r, Response answer) {
            client(sent, XcCodecs.encode(FORMAT, WireMessage.Command.plain(r)));
            server(answered, XcCodecs.encode(FORMAT, new WireMessage.Answer(WireMessage.NO_CONID, answer)));
            return this;
        }

        /** A request on a proxy-framed connection; its answer echoes the conid. */
        Conn call(long sent, long answered, int conid, Request r, Response answer) {
            client(sent, XcCodecs.encode(FORMAT, new WireMessage.Command(conid, r)));
            server(answered, XcCodecs.encode(FORMAT, new WireMessage.Answer(conid, answer)));
            return this;
        }

        /** A request that gets no answer (BACKEND_DISCONNECT, or one still in flight when the capture ends). */
        Conn send(long sent, int conid, Request r) {
            client(sent, XcCodecs.encode(FORMAT, new WireMessage.Command(conid, r)));
            return this;
        }

        /** Client bytes in one segment. */
        Conn client(long micros, byte[] data) {
            packet(micros, true, clientSeq, TcpSegment.ACK | 0x08, data);
            clientSeq += data.length;
            return this;
        }

        /** Server bytes in one segment. */
        Conn server(long micros, byte[] data) {
            packet(micros, false, serverSeq, TcpSegment.ACK | 0x08, data);
            serverSeq += data.length;
            return this;
        }

        /** Both sides close (FIN, FIN). */
        Conn close(long micros) {
            packet(micros, true, clientSeq, TcpSegment.FIN | TcpSegment.ACK, new byte[0]);
            packet(micros, false, serverSeq, TcpSegment.FIN | TcpSegment.ACK, new byte[0]);
            return this;
        }

        /** Any segment, with the sequence number given: for retransmissions and reordering. */
        Conn packet(long micros, boolean toServer, int seq, int flags, byte[] payload) {
            int srcPort = toServer ? clientPort : serverPort;
            int dstPort = toServer ? serverPort : clientPort;
            int ack = toServer ? serverSeq : clientSeq;
            writer.packet(nanos(micros), frame(writer.linkType(), ipv4(srcPort, dstPort, seq, ack, flags, payload)));
            return this;
        }
    }

    private static byte[] ipv4(int srcPort, int dstPort, int seq, int ack, int flags, byte[] payload) {
        int total = 20 + 20 + payload.length;
        ByteBuffer b = ByteBuffer.allocate(total);
        b.put((byte) 0x45).put((byte) 0).putShort((short) total).putShort((short) 0).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 6).putShort((short) 0).putInt(LOOPBACK).putInt(LOOPBACK);
        b.putShort((short) srcPort).putShort((short) dstPort).putInt(seq).putInt(ack)
                .put((byte) 0x50).put((byte) flags).putShort((short) 65535).putShort((short) 0).putShort((short) 0);
        b.put(payload);
        return b.array();
    }

    /** The IPv4 packet under the link layer of the capture. */
    static byte[] frame(int linkType, byte[] ip) {
        ByteBuffer b;
        switch (linkType) {
            case PacketDecoder.LINKTYPE_ETHERNET -> {
                // On Linux lo both MACs are zero.
                b = ByteBuffer.allocate(14 + ip.length).put(new byte[12]).putShort((short) 0x0800);
            }
            case PacketDecoder.LINKTYPE_LINUX_SLL -> b = ByteBuffer.allocate(16 + ip.length).putShort((short) 0)
                    .putShort((short) 772).putShort((short) 6).put(new byte[8]).putShort((short) 0x0800);
            case PacketDecoder.LINKTYPE_LINUX_SLL2 -> b = ByteBuffer.allocate(20 + ip.length).putShort((short) 0x0800)
                    .putShort((short) 0).putInt(1).putShort((short) 772).put((byte) 0).put((byte) 6).put(new byte[8]);
            case PacketDecoder.LINKTYPE_RAW -> b = ByteBuffer.allocate(ip.length);
            // DLT_NULL: the address family in the capturing host's byte order (little-endian here).
            case PacketDecoder.LINKTYPE_NULL -> b = ByteBuffer.allocate(4 + ip.length).put(new byte[]{2, 0, 0, 0});
            default -> throw new IllegalArgumentException("link type " + linkType);
        }
        return b.put(ip).array();
    }
}
