package org.mgtm.check.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mgtm.check.pcap.PcapAuditViolationTest.begin;
import static org.mgtm.check.pcap.PcapAuditViolationTest.gxid;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgtm.check.CheckCommand;
import picocli.CommandLine;

/** {@code mgtm check --pcap FILE --port N}: report, exit status, and one-line refusals of bad input. */
class PcapCheckCommandTest {
    private record Run(int status, String out, String err) {
        List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    @TempDir
    Path dir;

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int status = new CommandLine(new CheckCommand()).execute(args);
            return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
    }

    private Path twoBackends(int secondGxid) throws IOException {
        CaptureScript s = new CaptureScript();
        s.connect(10, 40001, 6666, false).call(100, 110, begin(), gxid(1000));
        s.connect(20, 40002, 6666, false).call(105, 115, begin(), gxid(secondGxid));
        return s.write(dir.resolve("two-" + secondGxid + ".pcap"));
    }

    @Test
    void cleanCaptureExitsZeroWithItsStatistics() throws IOException {
        Path file = twoBackends(1001);
        Run r = run("--pcap", file.toString(), "--port", "6666,6667", "--host", "127.0.0.1");
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.out().contains("connections to port 6666,6667 of 127.0.0.1: 2 (2 audited, 0 skipped)"), r.out());
        assertTrue(r.out().contains("history: 4 events, 2 processes; 2 GXIDs granted, 0 snapshots answered"), r.out());
        assertTrue(r.out().contains("invariant 1 (no GXID handed out twice): checked 2 GXIDs, violations 0"), r.out());
        assertTrue(r.out().contains("history OK: 4 events, no violation"), r.out());
    }

    @Test
    void violationNamesTheConnectionsAndExitsOne() throws IOException {
        Path file = twoBackends(1000);
        Path history = dir.resolve("made.jsonl");
        Run r = run("--pcap", file.toString(), "--port", "6666", "--write-history", history.toString());
        assertEquals(1, r.status(), r.out() + r.err());
        assertTrue(r.out().contains("VIOLATION of invariant 1: GXID 1000 was handed out twice"), r.out());
        assertTrue(r.out().contains("<- connection 2 (127.0.0.1:40002 -> 127.0.0.1:6666)"), r.out());
        // The history written is an ordinary one: the plain checker finds the same violation.
        Run again = run(history.toString());
        assertEquals(1, again.status(), again.out());
        assertTrue(again.out().contains("VIOLATION of invariant 1: GXID 1000 was handed out twice"), again.out());
    }

    @Test
    void otherHostOrPortAuditsNothing() throws IOException {
        Run r = run("--pcap", twoBackends(1000).toString(), "--port", "6666", "--host", "127.0.0.2");
        assertEquals(0, r.status(), r.out());
        assertTrue(r.out().contains("connections to port 6666 of 127.0.0.2: 0 (0 audited, 0 skipped)"), r.out());
    }

    private void assertRefused(Path file, String reason) {
        Run r = run("--pcap", file.toString(), "--port", "6666");
        assertEquals(2, r.status(), r.out() + r.err());
        assertEquals(1, r.errLines().size(), "one line: " + r.err());
        assertTrue(r.err().startsWith("mgtm check: cannot audit " + file + ": "), r.err());
        assertTrue(r.err().contains(reason), r.err());
        assertEquals("", r.out());
    }

    @Test
    void fileThatIsNoCaptureIsRefused() throws IOException {
        assertRefused(Files.writeString(dir.resolve("notes.pcap"), "this is a text file\n"),
                "not a pcap or pcapng capture (it starts with 74686973)");
        assertRefused(Files.write(dir.resolve("tiny.pcap"), new byte[]{(byte) 0xd4, (byte) 0xc3}),
                "not a capture: it has fewer than 4 bytes");
    }

    @Test
    void captureWithAnImpossibleRecordIsRefused() throws IOException {
        CaptureScript s = new CaptureScript();
        s.connect(10, 40001, 6666, false).call(100, 110, begin(), gxid(1000));
        byte[] bytes = s.bytes();
        // The first record's captured length becomes 2 GiB - 1.
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(24 + 8, Integer.MAX_VALUE);
        assertRefused(Files.write(dir.resolve("bad-record.pcap"), bytes), "packet record 1 claims 2147483647 captured"
                + " bytes");
    }

    @Test
    void unsupportedLinkTypeIsRefused() throws IOException {
        CaptureScript s = new CaptureScript();
        s.connect(10, 40001, 6666, false);
        byte[] withPackets = s.bytes();
        ByteBuffer.wrap(withPackets).order(ByteOrder.LITTLE_ENDIAN).putInt(20, 105); // IEEE 802.11
        assertRefused(Files.write(dir.resolve("wifi.pcap"), withPackets), "link type [105] is not supported");
    }

    @Test
    void pcapWithoutPortsIsAUsageError() throws IOException {
        Run r = run("--pcap", twoBackends(1001).toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--pcap needs --port N[,N...]"), r.err());
        Run both = run("history.jsonl", "--pcap", "x.pcap", "--port", "6666");
        assertEquals(2, both.status());
        assertTrue(both.err().contains("give either a HISTORY file or --pcap FILE"), both.err());
    }
}
