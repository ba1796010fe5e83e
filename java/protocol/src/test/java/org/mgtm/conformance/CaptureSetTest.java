package org.mgtm.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/** A missing capture set skips loudly, once, or fails when the run requires it. */
class CaptureSetTest {
    private String savedDir;
    private String savedRequired;

    @BeforeEach
    void save() {
        // The environment may point elsewhere (MGTM_CONFORMANCE_DIR wins over the property): then these
        // cases cannot be staged from inside the JVM.
        Assumptions.assumeTrue(System.getenv(CaptureSet.DIR_ENV) == null, "MGTM_CONFORMANCE_DIR is set");
        Assumptions.assumeTrue(System.getenv(CaptureSet.REQUIRED_ENV) == null, "MGTM_REQUIRE_CAPTURES is set");
        savedDir = System.getProperty(CaptureSet.DIR_PROPERTY);
        savedRequired = System.getProperty(CaptureSet.REQUIRED_PROPERTY);
    }

    @AfterEach
    void restore() {
        restore(CaptureSet.DIR_PROPERTY, savedDir);
        restore(CaptureSet.REQUIRED_PROPERTY, savedRequired);
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    @Test
    void presentDirectoryIsReturned(@TempDir Path dir) {
        System.setProperty(CaptureSet.DIR_PROPERTY, dir.toString());
        assertEquals(dir.toAbsolutePath().normalize(), CaptureSet.require("anything"));
    }

    @Test
    void missingDirectorySkipsWithOneLoudLine(@TempDir Path dir) {
        System.setProperty(CaptureSet.DIR_PROPERTY, dir.resolve("absent").toString());
        System.clearProperty(CaptureSet.REQUIRED_PROPERTY);
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThrows(TestAbortedException.class, () -> CaptureSet.require("a unit test's use"));
            assertThrows(TestAbortedException.class, () -> CaptureSet.require("a unit test's use"));
        } finally {
            System.setErr(err);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertEquals(1, out.lines().count(), out);
        assertTrue(out.contains("CONFORMANCE NOT TESTED: a unit test's use"), out);
        assertTrue(out.contains("MGTM_CONFORMANCE_DIR") && out.contains("docs/captures.md"), out);
    }

    @Test
    void missingDirectoryFailsWhenRequired(@TempDir Path dir) {
        System.setProperty(CaptureSet.DIR_PROPERTY, dir.resolve("absent").toString());
        System.setProperty(CaptureSet.REQUIRED_PROPERTY, "true");
        AssertionError e = assertThrows(AssertionError.class, () -> CaptureSet.require("the replay"));
        assertTrue(e.getMessage().startsWith("MGTM_REQUIRE_CAPTURES is set, but the replay cannot be tested"),
                e.getMessage());
    }
}
