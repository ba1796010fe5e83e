package org.mgtm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bin/ wrappers a newcomer types first: each is valid bash, and --help prints help instead of
 * complaining about a missing config file. mgtm-start's help ends in `mgtm replica --help`; here the
 * java command is replaced by echo, so the test needs no built jar.
 */
class BinScriptsTest {
    private static final Path BIN = Path.of("../../bin").toAbsolutePath().normalize();

    /** Exit status and combined output of a script run with {@code env} added to the environment. */
    private record Run(int status, String output) {
    }

    private static Run run(List<String> command, String... env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        for (int i = 0; i + 1 < env.length; i += 2) {
            pb.environment().put(env[i], env[i + 1]);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "finished: " + command);
        return new Run(p.exitValue(), out);
    }

    @Test
    void everyScriptIsValidBash() throws Exception {
        try (var files = Files.list(BIN)) {
            for (Path script : files.filter(Files::isRegularFile).toList()) {
                Run r = run(List.of("bash", "-n", script.toString()));
                assertEquals(0, r.status(), script + ": " + r.output());
            }
        }
        assertEquals(0, run(List.of("bash", "-n", BIN.resolve("lib/mgtm-common.sh").toString())).status());
    }

    @Test
    void nodeStartAndStopPrintTheirHelp() throws Exception {
        for (String script : List.of("node-start", "node-stop")) {
            for (String flag : List.of("--help", "-h")) {
                Run r = run(List.of(BIN.resolve(script).toString(), flag));
                assertEquals(0, r.status(), r.output());
                assertTrue(r.output().contains("Usage: bin/" + script + " [-c node.conf]"), r.output());
                assertFalse(r.output().contains("no node config"), r.output());
            }
        }
        Run wrong = run(List.of(BIN.resolve("node-start").toString(), "--bogus"));
        assertEquals(1, wrong.status());
        assertTrue(wrong.output().contains("unknown argument --bogus"), wrong.output());
    }

    @Test
    void mgtmStartPrintsItsHelpAndTheReplicasOptions(@TempDir Path dir) throws Exception {
        Path jar = Files.createFile(dir.resolve("mgtm.jar"));
        Run r = run(List.of(BIN.resolve("mgtm-start").toString(), "--help"), "MGTM_JAR", jar.toString(),
                "MGTM_NO_BUILD", "1", "JAVA", "echo", "MGTM_CONF", dir.resolve("absent.conf").toString());
        assertEquals(0, r.status(), r.output());
        assertTrue(r.output().contains("Usage: bin/mgtm-start [-c mgtm.conf]"), r.output());
        assertTrue(r.output().contains("-jar " + jar + " replica --help"), r.output());
        assertFalse(r.output().contains("no config file"), r.output());
    }
}
