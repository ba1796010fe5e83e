package org.mgtm.conformance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the XC 0.9.2 capture set is (docs/captures.md), and what a test does when it is not there.
 * Every module's conformance tests ask here, so there is one rule for all of them:
 *
 * <ul>
 *   <li>the directory is {@code $MGTM_CONFORMANCE_DIR}, else the system property
 *       {@value #DIR_PROPERTY} (the build sets it to {@code shared/conformance/xc-0.9.2} beside the
 *       repository);</li>
 *   <li>missing, a test is skipped, with one loud line on stderr saying what was not tested and how to
 *       get the captures: a fresh clone without {@code shared/} still passes its other tests;</li>
 *   <li>missing while {@code MGTM_REQUIRE_CAPTURES=1} (or {@code -D}{@value #REQUIRED_PROPERTY}{@code =true})
 *       the test fails: CI asks for the captures explicitly, because a silently skipped conformance
 *       suite looks exactly like a passing one.</li>
 * </ul>
 */
public final class CaptureSet {
    public static final String DIR_PROPERTY = "mgtm.conformance.dir";
    public static final String DIR_ENV = "MGTM_CONFORMANCE_DIR";
    public static final String REQUIRED_PROPERTY = "mgtm.conformance.required";
    public static final String REQUIRED_ENV = "MGTM_REQUIRE_CAPTURES";
    /** Relative to java/&lt;module&gt;/, where Maven runs each module's tests. */
    public static final String DEFAULT_DIR = "../../../shared/conformance/xc-0.9.2";

    /** What has been announced as skipped in this JVM: one line per kind of test, not one per test. */
    private static final Set<String> announced = ConcurrentHashMap.newKeySet();

    private CaptureSet() {
    }

    /** The configured directory (absolute, normalized), whether it exists or not. */
    public static Path configuredDir() {
        String env = System.getenv(DIR_ENV);
        String dir = env != null && !env.isBlank() ? env : System.getProperty(DIR_PROPERTY, DEFAULT_DIR);
        return Paths.get(dir).toAbsolutePath().normalize();
    }

    /** The directory if it exists, else null. */
    public static Path dirOrNull() {
        Path dir = configuredDir();
        return Files.isDirectory(dir) ? dir : null;
    }

    /** Whether this run must have the captures (CI): then a missing set fails instead of skipping. */
    public static boolean required() {
        return "1".equals(System.getenv(REQUIRED_ENV)) || "true".equalsIgnoreCase(System.getenv(REQUIRED_ENV))
                || Boolean.getBoolean(REQUIRED_PROPERTY);
    }

    /**
     * The capture directory for a test of {@code what} (e.g. "decoding the captured XC traffic"). When it
     * is missing: fails if the captures are required, else aborts the calling test (JUnit counts it
     * skipped) after one loud line on stderr.
     */
    public static Path require(String what) {
        Path dir = dirOrNull();
        if (dir != null) {
            return dir;
        }
        String where = "the XC 0.9.2 capture set is not at " + configuredDir() + "; get it by placing shared/ (with "
                + "conformance/xc-0.9.2) beside the repository or by setting " + DIR_ENV + "=<dir> (docs/captures.md)";
        if (required()) {
            throw new AssertionError(REQUIRED_ENV + " is set, but " + what + " cannot be tested: " + where);
        }
        String line = "CONFORMANCE NOT TESTED: " + what + " - " + where;
        if (announced.add(what)) {
            System.err.println("WARNING: " + line);
        }
        Assumptions.abort(line);
        throw new AssertionError("unreachable");
    }
}
