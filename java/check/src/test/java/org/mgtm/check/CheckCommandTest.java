package org.mgtm.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code mgtm check} on the small histories of src/test/resources/check: exit status and report. */
class CheckCommandTest {
    private record Run(int status, String out, String err) {
    }

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

    private static String resource(String name) throws URISyntaxException {
        return Path.of(CheckCommandTest.class.getResource("/check/" + name).toURI()).toString();
    }

    @Test
    void validHistoryExitsZero() throws Exception {
        Run r = run(resource("valid.jsonl"));
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.out().contains("invariant 3 (snapshots: bounds, running invisible, committed below xmax): "
                + "checked 2 snapshots, violations 0"), r.out());
        assertTrue(r.out().contains("history OK: 14 events"), r.out());
    }

    @Test
    void violationIsPrintedWithItsEventsAndExitsOne() throws Exception {
        String file = resource("lost-commit.jsonl");
        Run r = run(file);
        assertEquals(1, r.status(), r.out());
        assertTrue(r.out().contains("VIOLATION of invariant 4: snapshot xmin=100 xmax=102 rgxmin=100 xip=[100 101] "
                + "lists GXID 100 as running, but its commit was acknowledged"), r.out());
        assertTrue(r.out().contains(file + ":5: {\"t\":30,\"p\":0,\"type\":\"ok\",\"f\":\"commit\",\"gxid\":100}"),
                "the acknowledgement is shown: " + r.out());
        assertTrue(r.out().contains(file + ":9: "), r.out());
        assertTrue(r.out().contains("invariant 4 (acknowledged commit/rollback/prepare never lost): checked 1 "
                + "snapshots, violations 1"), r.out());
        assertTrue(r.out().contains("history INVALID"), r.out());
    }

    @Test
    void recentGlobalXminPassingAnOpenTransactionsFirstXminIsInvariant8() throws Exception {
        String file = resource("xmin-passed.jsonl");
        Run r = run(file);
        assertEquals(1, r.status(), r.out());
        assertTrue(r.out().contains("VIOLATION of invariant 8: snapshot xmin=100 xmax=102 rgxmin=100 xip=[100]: "
                + "recent global xmin passes xmin 99 of GXID 100"), r.out());
        assertTrue(r.out().contains(file + ":11: "), "the first snapshot is shown: " + r.out());
        assertTrue(r.out().contains("invariant 8 (recent global xmin never passes an open transaction's first xmin): "
                + "checked 1 snapshots, violations 1"), r.out());

        Run held = run(resource("xmin-held.jsonl"));
        assertEquals(0, held.status(), held.out());
        assertTrue(held.out().contains("invariant 8 (recent global xmin never passes an open transaction's first xmin): "
                + "checked 1 snapshots, violations 0"), held.out());
    }

    @Test
    void unreadableHistoryExitsTwo() throws Exception {
        Run r = run(resource("malformed.jsonl"));
        assertEquals(2, r.status());
        assertTrue(r.err().contains("malformed.jsonl:3: GXID out of range: -5"), r.err());
        assertEquals(2, run("/nonexistent/history.jsonl").status());
    }
}
