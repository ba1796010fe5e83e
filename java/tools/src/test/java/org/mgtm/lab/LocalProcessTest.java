package org.mgtm.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shell and Java start mgtm processes with the same flags: bin/lib/mgtm-common.sh and LocalProcess agree. */
class LocalProcessTest {
    @Test
    void theShellStartsProcessesWithTheSameFlags() throws IOException, InterruptedException {
        Path common = Path.of("..", "..", "bin", "lib", "mgtm-common.sh").toAbsolutePath().normalize();
        ProcessBuilder pb = new ProcessBuilder("bash", "-c",
                ". \"$1\"; printf '%s\\n' $MGTM_JAVA_OPTS \"${MGTM_FIXED_FLAGS[@]}\"", "flags", common.toString());
        pb.environment().remove("MGTM_JAVA_OPTS");
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        List<String> expected = new ArrayList<>(Arrays.asList(LocalProcess.DEFAULT_JAVA_OPTS.split(" ")));
        expected.addAll(LocalProcess.FIXED_FLAGS);
        assertEquals(expected, Arrays.asList(out.strip().split("\n")));
    }
}
