package org.mgtm.check.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mgtm.check.pcap.PcapAuditViolationTest.begin;
import static org.mgtm.check.pcap.PcapAuditViolationTest.commit;
import static org.mgtm.check.pcap.PcapAuditViolationTest.committed;
import static org.mgtm.check.pcap.PcapAuditViolationTest.gxid;
import static org.mgtm.check.pcap.PcapAuditViolationTest.snap;
import static org.mgtm.check.pcap.PcapAuditViolationTest.snapshot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mgtm.check.CheckResult;
import org.mgtm.check.Checker;
import org.mgtm.check.Event;
import org.mgtm.check.Operation;
import org.mgtm.protocol.WireMessage;
import org.mgtm.protocol.codec.XcCodecs;

/**
 * The capture reader and TCP reassembly: every file layout and link type gives the same history;
 * retransmissions, reordering, a hole the capture never filled, a connection open before the
 * capture and a reused client port are handled as the audit's principles say.
 */
class CaptureReadingTest {
    static final int PORT = PcapAuditViolationTest.PORT;

    @TempDir
    Path dir;

    private int files;

    private PcapAudit.Result read(CaptureScript s) throws IOException {
        Path file = s.write(dir.resolve("c" + (files++) + ".pcap"));
        return PcapAudit.read(file, Set.of(PORT), null, CaptureScript.FORMAT);
    }

    /** One backend: begin, snapshot, commit; a second one begins later. Times in microseconds. */
    private static CaptureScript reference(CaptureScript s) {
        s.connect(10, 40001, PORT, false).call(101, 110, begin(), gxid(1000))
                .call(120, 130, snapshot(1000), snap(1000, 1000, 1000, 1000))
                .call(140, 150, commit(1000), committed(1000)).close(160);
        s.connect(200, 40002, PORT, false).call(210, 220, begin(), gxid(1001));
        return s;
    }

    static Stream<Arguments> layouts() {
        return Stream.of(
                Arguments.of(PcapWriter.Format.PCAP_BE_NANOS, PacketDecoder.LINKTYPE_ETHERNET),
                Arguments.of(PcapWriter.Format.PCAP_LE_MICROS, PacketDecoder.LINKTYPE_LINUX_SLL),
                Arguments.of(PcapWriter.Format.PCAP_BE_NANOS, PacketDecoder.LINKTYPE_LINUX_SLL2),
                Arguments.of(PcapWriter.Format.PCAP_LE_MICROS, PacketDecoder.LINKTYPE_RAW),
                Arguments.of(PcapWriter.Format.PCAP_LE_MICROS, PacketDecoder.LINKTYPE_NULL),
                Arguments.of(PcapWriter.Format.PCAPNG, PacketDecoder.LINKTYPE_ETHERNET),
                Arguments.of(PcapWriter.Format.PCAPNG, PacketDecoder.LINKTYPE_LINUX_SLL2));
    }

    @ParameterizedTest(name = "{0}, link type {1}")
    @MethodSource("layouts")
    void everyLayoutGivesTheSameHistory(PcapWriter.Format format, int linkType) throws IOException {
        PcapAudit.Result want = read(reference(new CaptureScript()));
        PcapAudit.Result got = read(reference(new CaptureScript(format, linkType)));
        assertEquals(4 * 2, want.history().events().size(), want.report().toString());
        assertEquals(want.history().events(), got.history().events(), got.report().toString());
        assertTrue(got.report().get(0).contains("link type " + linkType), got.report().get(0));
    }

    @Test
    void retransmittedAndReorderedSegmentsGiveTheCleanHistory() throws IOException {
        PcapAudit.Result clean = read(reference(new CaptureScript()));

        CaptureScript s = new CaptureScript();
        CaptureScript.Conn c = s.connect(10, 40001, PORT, false);
        byte[] request = XcCodecs.encode(CaptureScript.FORMAT, WireMessage.Command.plain(begin()));
        byte[] answer = XcCodecs.encode(CaptureScript.FORMAT, new WireMessage.Answer(WireMessage.NO_CONID, gxid(1000)));
        int req = c.clientSeq;
        int ans = c.serverSeq;
        // The request's second half is captured first; its first half, at 101, completes it.
        c.packet(100, true, req + 6, 0x18, Arrays.copyOfRange(request, 6, request.length));
        c.packet(101, true, req, 0x18, Arrays.copyOfRange(request, 0, 6));
        c.packet(105, true, req, 0x18, request); // retransmitted whole
        // The answer in three pieces: the last one early, the middle one (at 110) completes it, then again.
        c.packet(108, false, ans, 0x18, Arrays.copyOfRange(answer, 0, 3));
        c.packet(109, false, ans + 8, 0x18, Arrays.copyOfRange(answer, 8, answer.length));
        c.packet(110, false, ans + 3, 0x18, Arrays.copyOfRange(answer, 3, 8));
        c.packet(111, false, ans + 3, 0x18, Arrays.copyOfRange(answer, 3, 8));
        c.clientSeq += request.length;
        c.serverSeq += answer.length;
        c.call(120, 130, snapshot(1000), snap(1000, 1000, 1000, 1000))
                .call(140, 150, commit(1000), committed(1000)).close(160);
        s.connect(200, 40002, PORT, false).call(210, 220, begin(), gxid(1001));

        PcapAudit.Result got = read(s);
        assertEquals(clean.history().events(), got.history().events(), got.report().toString());
        assertTrue(got.report().contains("TCP: 2 retransmitted segments dropped, 2 segments out of order, 0 cut short"
                + " by the snap length"), got.report().toString());
    }

    @Test
    void connectionOpenBeforeTheCaptureIsSkippedWithANote() throws IOException {
        CaptureScript s = new CaptureScript();
        // Were it audited, its grant of 1000 would collide with the other connection's.
        s.established(40001, PORT).call(100, 110, begin(), gxid(1000));
        s.connect(120, 40002, PORT, false).call(130, 140, begin(), gxid(1000));
        PcapAudit.Result r = read(s);
        assertEquals(1, r.connectionsSkipped());
        assertEquals(1, r.connectionsAudited());
        assertTrue(r.report().contains("  skipped connection 1 (127.0.0.1:40001 -> 127.0.0.1:6666): open before the"
                + " capture started (no SYN captured), 2 packets"), r.report().toString());
        CheckResult check = new Checker().check(r.source());
        assertTrue(check.valid(), check.violations().toString());
        assertEquals(1, check.invariant(1).checked());
    }

    @Test
    void answerLostByTheCaptureLeavesItsRequestOfUnknownOutcome() throws IOException {
        CaptureScript s = new CaptureScript();
        CaptureScript.Conn c = s.connect(10, 40001, PORT, false);
        c.client(100, XcCodecs.encode(CaptureScript.FORMAT, WireMessage.Command.plain(begin())));
        // The answer's segment is missing from the capture; the next request and answer are there.
        c.serverSeq += XcCodecs.encode(CaptureScript.FORMAT, new WireMessage.Answer(WireMessage.NO_CONID,
                gxid(1000))).length;
        c.call(120, 130, commit(1000), committed(1000));
        PcapAudit.Result r = read(s);
        assertTrue(r.report().stream().anyMatch(l -> l.contains("bytes after byte 5 were captured but the bytes"
                + " before them were not")), r.report().toString());
        List<Event> events = r.history().events();
        assertEquals(List.of(Event.Type.INVOKE, Event.Type.INVOKE), events.stream().map(Event::type).toList(),
                "neither answer can be used: " + events);
        assertEquals(Operation.begin(), events.get(0).op());
        assertNotEquals(events.get(0).process(), events.get(1).process(), "a process has one operation in flight");
        assertTrue(new Checker().check(r.source()).valid());
    }

    @Test
    void undecodableClientBytesAreANoteAndLeaveTheRestUnknown() throws IOException {
        CaptureScript s = new CaptureScript();
        s.connect(10, 40001, PORT, false).call(100, 110, begin(), gxid(1000))
                .client(120, "GET / HTTP/1.0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .call(130, 140, commit(1000), committed(1000));
        s.connect(200, 40002, PORT, false).call(210, 220, begin(), gxid(1001));
        PcapAudit.Result r = read(s);
        assertTrue(r.report().stream().anyMatch(l -> l.contains("connection 1 (127.0.0.1:40001 -> 127.0.0.1:6666):"
                + " client stream cannot be decoded from about byte 27: invalid frontend frame type 'G'")),
                r.report().toString());
        // The begin before the garbage is audited; the commit after it is not known to have been sent.
        assertEquals(4, r.history().events().size(), r.history().events().toString());
        assertEquals(2, r.gxidsGranted());
        assertTrue(new Checker().check(r.source()).valid());
    }

    @Test
    void reusedClientPortIsANewConnection() throws IOException {
        CaptureScript s = new CaptureScript();
        s.connect(10, 40001, PORT, false).call(100, 110, begin(), gxid(1000)).close(120);
        s.connect(200, 40001, PORT, false).call(210, 220, begin(), gxid(1001));
        PcapAudit.Result r = read(s);
        assertEquals(2, r.connectionsAudited(), r.report().toString());
        assertEquals(2, r.processes().size());
        assertFalse(r.report().stream().anyMatch(l -> l.contains("cannot be decoded")), r.report().toString());
    }
}
