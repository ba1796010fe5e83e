package org.mgtm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mgtm.config.DataDirectoryLock;

/**
 * The ordinary mistakes of a new user, each run through {@link Main#run} as the command line would: one
 * line on stderr naming the problem and the fix, exit status 1 or 2, no stack trace and no usage dump.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MainErrorsTest {
    /**
     * A log line (slf4j-simple, dated): stderr is the JVM's, so a thread left over from an earlier test
     * class may log into the capture; such lines are not the command's.
     */
    private static final java.util.regex.Pattern LOG_LINE = java.util.regex.Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT");

    /** What one run printed and returned. */
    record Outcome(int status, String out, String err) {
        /** Exactly one line on stderr, without a trace or the usage text. */
        void assertOneLine(int expectedStatus, String... fragments) {
            assertEquals(expectedStatus, status, this::toString);
            String own = err.lines().filter(l -> !LOG_LINE.matcher(l).find()).collect(Collectors.joining("\n"));
            assertEquals(1, own.lines().count(), "one line on stderr: " + this);
            assertFalse(own.contains("\tat ") || own.contains("Exception"), "no stack trace: " + this);
            assertFalse((out + own).contains("Usage:"), "no usage text: " + this);
            for (String f : fragments) {
                assertTrue(own.contains(f), "'" + f + "' in: " + this);
            }
        }
    }

    /** Runs Main with stdout and stderr captured; a command that would serve forever fails the test instead. */
    static synchronized Outcome run(String... args) throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
        try {
            int status = CompletableFuture.supplyAsync(() -> Main.run(args)).get(30, TimeUnit.SECONDS);
            return new Outcome(status, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** A loopback port nothing listens on (bound once by us, then closed). */
    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void unknownOptionIsOneLineWithAHint() throws Exception {
        run("server", "--bogus").assertOneLine(2, "mgtm server: Unknown option: '--bogus'", "see 'mgtm server --help'");
        run("bench", "--bogus").assertOneLine(2, "Unknown option: '--bogus'", "see 'mgtm bench --help'");
    }

    @Test
    void outOfRangePortIsRefusedBeforeAnythingStarts(@TempDir Path dir) throws Exception {
        run("server", "-p", "99999", "-D", dir.toString())
                .assertOneLine(2, "'--port': 99999 is not a TCP port", "see 'mgtm server --help'");
        run("replica", "--member-id", "a", "--members", "a@127.0.0.1:7800", "--secret", "s", "-D", dir.toString(),
                "--internal-port", "70000").assertOneLine(2, "'--internal-port': 70000 is not a TCP port");
        run("bench", "-p", "-1").assertOneLine(2, "'--port': -1 is not a TCP port");
    }

    @Test
    void portFromAConfigFileIsCheckedToo(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("s.conf"), "port = 123456\ndata_dir = '" + dir + "'\n");
        run("server", "--config", conf.toString()).assertOneLine(2, "123456 is not a TCP port");
    }

    @Test
    void dataDirectoryThatIsAFile() throws Exception {
        run("server", "-D", "/dev/null").assertOneLine(1, "data directory /dev/null is not a directory");
        run("replica", "--member-id", "a", "--members", "a@127.0.0.1:7800", "--secret", "s", "-D", "/dev/null",
                "-p", "0", "--internal-port", "0").assertOneLine(1, "data directory /dev/null is not a directory");
    }

    @Test
    void dataDirectoryThatCannotBeCreated() throws Exception {
        // sysfs refuses new directories even to root, so this case holds wherever the tests run.
        run("server", "-D", "/sys/mgtm-test-data").assertOneLine(1, "cannot create data directory /sys/mgtm-test-data");
    }

    @Test
    void dataDirectoryLockedByAnotherServer(@TempDir Path dir) throws Exception {
        try (DataDirectoryLock held = DataDirectoryLock.acquire(dir)) {
            run("server", "-p", "0", "-D", dir.toString())
                    .assertOneLine(1, "data directory " + dir + " is in use by another mgtm process (pid "
                            + ProcessHandle.current().pid() + ")", "give this one another -D");
            run("replica", "--member-id", "a", "--members", "a@127.0.0.1:7800", "--secret", "s", "-D", dir.toString(),
                    "-p", "0", "--internal-port", "0").assertOneLine(1, "is in use by another mgtm process");
        }
    }

    @Test
    void portInUse(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            run("server", "-h", "127.0.0.1", "-p", "" + taken.getLocalPort(), "-D", dir.toString())
                    .assertOneLine(1, "cannot listen on 127.0.0.1:" + taken.getLocalPort()
                            + ": the address is already in use", "choose another port");
        }
    }

    @Test
    void benchAndCtlAgainstAClosedPort() throws Exception {
        int port = closedPort();
        Outcome bench = run("bench", "-h", "127.0.0.1", "-p", "" + port, "-c", "2", "-T", "1", "-q");
        bench.assertOneLine(1, "mgtm bench: cannot connect to 127.0.0.1:" + port + ": connection refused",
                "Check the host and port");
        Outcome grants = run("bench", "grants", "--host", "127.0.0.1", "-p", "" + port, "-T", "1");
        grants.assertOneLine(1, "cannot connect to 127.0.0.1:" + port);
        // ctl shows the member as unreachable in its table (stdout) and exits 1: no trace anywhere.
        Outcome ctl = run("ctl", "status", "--members", "a@127.0.0.1:7800", "--secret", "s", "--internal-port",
                "" + port, "--timeout-ms", "500");
        assertEquals(1, ctl.status(), ctl::toString);
        assertTrue(ctl.out().contains("unreachable") && ctl.out().contains("connection refused"), ctl::toString);
        assertFalse((ctl.out() + ctl.err()).contains("\tat "), ctl::toString);
    }

    @Test
    void debugShowsTheTrace() throws Exception {
        Outcome o = run("--debug", "server", "-D", "/dev/null");
        assertEquals(1, o.status());
        assertTrue(o.err().contains("\tat "), o::toString);
        assertTrue(o.err().strip().endsWith("data directory /dev/null is not a directory: give -D (data_dir) a "
                + "directory path; it is created if missing"), o::toString);
    }

    @Test
    void aBugIsNotDescribedAsAnOrdinaryMistake() {
        assertNull(ErrorReport.describe(new NullPointerException()));
        assertNull(ErrorReport.describe(new IllegalStateException("inconsistent")));
        assertEquals(ErrorReport.USAGE, ErrorReport.describe(new IllegalArgumentException("--x must be > 0")).status());
    }
}
