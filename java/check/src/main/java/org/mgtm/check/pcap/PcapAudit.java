package org.mgtm.check.pcap;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.mgtm.check.History;
import org.mgtm.check.HistorySource;
import org.mgtm.protocol.WireFormat;
import org.mgtm.protocol.WireMessage;

/**
 * Reads a capture of XC GTM traffic and makes a checker history of it: frames
 * ({@link CaptureReader}), TCP segments ({@link PacketDecoder}), connections to the audited server
 * ports ({@link TcpReassembler}), GTM messages paired per connection ({@link ConversationDecoder}),
 * history operations ({@link HistoryTranslator}). Every connection to those ports counts as a
 * client of one GTM; real time across connections is the capture's clock.
 */
public final class PcapAudit {
    /**
     * What was read.
     *
     * @param history    the history for the checker
     * @param report     capture statistics and notes, one line each, for printing before the check
     */
    public record Result(Path capture, History history, Map<Integer, String> processes, List<String> report,
                         int connectionsAudited, int connectionsSkipped, long gxidsGranted, long snapshotsAnswered) {
        /** The history as the checker's source: violation lines name the capture and say which connection. */
        public HistorySource source() {
            return new HistorySource() {
                public void scan(Visitor visitor) {
                    history.scan(visitor);
                }

                public Map<Long, String> lines(SortedSet<Long> wanted) {
                    Map<Long, String> lines = history.lines(wanted);
                    lines.replaceAll((line, text) -> {
                        int i = (int) (line - 1);
                        int p = i < history.events().size() ? history.events().get(i).process() : -1;
                        return text + "   <- " + processes.getOrDefault(p, "?");
                    });
                    return lines;
                }

                public String name() {
                    return capture.toString();
                }
            };
        }
    }

    private PcapAudit() {
    }

    /**
     * @param ports the server side of the GTM connections to audit
     * @param host  the server address to audit, or null for any
     * @throws CaptureFormatException if the file is not a capture this reader can follow
     */
    public static Result read(Path capture, Set<Integer> ports, Integer host, WireFormat format) throws IOException {
        CaptureReader reader = new CaptureReader(capture);
        PacketDecoder packets = new PacketDecoder();
        TcpReassembler tcp = new TcpReassembler(ports, host);
        EnumMap<PacketDecoder.Skip, Long> skipped = new EnumMap<>(PacketDecoder.Skip.class);
        Set<Integer> unknownLinks = new TreeSet<>();
        Set<Integer> links = new TreeSet<>();
        long[] span = {Long.MAX_VALUE, Long.MIN_VALUE};
        reader.read((time, linkType, data, wire) -> {
            span[0] = Math.min(span[0], time);
            span[1] = Math.max(span[1], time);
            links.add(linkType);
            TcpSegment s = packets.decode(time, linkType, data);
            if (s != null) {
                tcp.segment(s);
                return;
            }
            skipped.merge(packets.lastSkip(), 1L, Long::sum);
            if (packets.lastSkip() == PacketDecoder.Skip.UNKNOWN_LINK_TYPE) {
                unknownLinks.add(linkType);
            }
        });
        if (reader.frames() > 0 && unknownLinks.containsAll(links)) {
            throw new CaptureFormatException("link type " + unknownLinks
                    + " is not supported (Ethernet 1, raw IPv4 101, Linux SLL 113 and SLL2 276, loopback 0 and 108 are)");
        }
        List<String> report = new ArrayList<>();
        long origin = span[0] == Long.MAX_VALUE ? 0 : span[0];
        report.add(String.format(Locale.ROOT, "capture %s: %d frames, %s, link type %s%s", capture, reader.frames(),
                reader.frames() == 0 ? "empty" : "from " + Instant.ofEpochSecond(0, span[0]) + " for "
                        + String.format(Locale.ROOT, "%.3f s", (span[1] - span[0]) / 1e9),
                links.stream().map(String::valueOf).collect(Collectors.joining(",")),
                reader.truncatedAtEnd() ? "; the file ends inside a record, which was ignored" : ""));
        if (!skipped.isEmpty() || tcp.otherTraffic() > 0) {
            report.add("  ignored: " + skipped.entrySet().stream()
                    .map(e -> e.getValue() + " " + e.getKey().toString().toLowerCase(Locale.ROOT).replace('_', ' '))
                    .collect(Collectors.joining(", ")) + (skipped.isEmpty() ? "" : ", ")
                    + tcp.otherTraffic() + " TCP segments of other ports or hosts");
        }
        List<TcpConnection> connections = tcp.connections();
        List<Conversation> conversations = new ArrayList<>();
        List<String> skips = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        ConversationDecoder decoder = new ConversationDecoder(format);
        long retransmitted = 0;
        long reordered = 0;
        long requests = 0;
        long answers = 0;
        long owedMissing = 0;
        Set<Integer> proxyPorts = new TreeSet<>();
        Set<Integer> portsSeen = new TreeSet<>();
        for (TcpConnection c : connections) {
            portsSeen.add(c.serverPort());
            if (!c.complete()) {
                skips.add("  skipped " + c + ": open before the capture started (no SYN captured), " + c.packets
                        + " packets");
                continue;
            }
            retransmitted += c.toServer().retransmitted() + c.toClient().retransmitted();
            reordered += c.toServer().reordered() + c.toClient().reordered();
            Conversation conv = decoder.decode(c);
            conversations.add(conv);
            if (conv.proxyFraming()) {
                proxyPorts.add(c.serverPort());
            }
            if (c.serverHandshakeMissing()) {
                notes.add("  " + c + ": the server's SYN-ACK was not captured");
            }
            for (String n : conv.notes()) {
                notes.add("  " + c + ": " + n);
            }
            for (Conversation.Exchange x : conv.exchanges()) {
                if (x.request() instanceof WireMessage.Command || x.request() instanceof WireMessage.InvalidCommand) {
                    requests++;
                }
                if (x.answer() != null) {
                    answers++;
                } else if (x.answerDue()) {
                    owedMissing++;
                }
            }
        }
        report.add("connections to port " + ports.stream().sorted().map(String::valueOf).collect(Collectors.joining(","))
                + (host == null ? "" : " of " + TcpSegment.address(host)) + ": " + connections.size() + " ("
                + conversations.size() + " audited, " + skips.size() + " skipped)");
        report.addAll(skips);
        report.add("TCP: " + retransmitted + " retransmitted segments dropped, " + reordered
                + " segments out of order, " + tcp.truncatedSegments() + " cut short by the snap length");
        report.add("GTM messages: " + requests + " requests, " + answers + " of them answered in the capture, "
                + owedMissing + " owed an answer the capture does not hold");
        report.addAll(notes);
        HistoryTranslator translator = new HistoryTranslator(origin);
        History history = translator.translate(conversations);
        report.add("history: " + history.events().size() + " events, " + translator.labels().size()
                + " processes; " + translator.gxidsGranted() + " GXIDs granted, " + translator.snapshotsAnswered()
                + " snapshots answered; " + translator.audited() + " requests audited"
                + (translator.notAudited().isEmpty() ? "" : ", not audited: " + translator.notAudited().entrySet()
                .stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")))
                + (translator.disconnectEnds() == 0 ? "" : "; " + translator.disconnectEnds()
                + " rollbacks of unknown outcome for transactions a BACKEND_DISCONNECT may have ended"));
        if (!proxyPorts.isEmpty() && portsSeen.size() > 1) {
            report.add("warning: gtm_proxy workers connect to port " + proxyPorts + " and other ports were audited"
                    + " too: if those are the proxies that feed it, every GXID is seen twice and reported under"
                    + " invariant 1; audit one layer at a time");
        }
        return new Result(capture, history, translator.labels(), report, conversations.size(), skips.size(),
                translator.gxidsGranted(), translator.snapshotsAnswered());
    }
}
