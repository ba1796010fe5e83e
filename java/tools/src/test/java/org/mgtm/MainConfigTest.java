package org.mgtm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One settings vocabulary: every command reads --config through the same defaults, unknown keys rejected. */
class MainConfigTest {
    private static final String REPLICA_CONF = """
            member_id = mgtm1
            members = mgtm1@127.0.0.11:7800
            internal_port = 1
            data_dir = 'run/x'
            secret = 's'
            """;

    @Test
    void ctlReadsAReplicasConfigAndRejectsUnknownKeys(@TempDir Path dir) throws Exception {
        Path good = Files.writeString(dir.resolve("mgtm.conf"), REPLICA_CONF);
        // Every key is the replica's; nothing answers on port 1, so there is no leader: status 1, not 2.
        assertEquals(1, Main.run(new String[] {"ctl", "status", "--config", good.toString(), "--timeout-ms", "200"}));
        Path typo = Files.writeString(dir.resolve("typo.conf"), REPLICA_CONF + "fd_timout_ms = 600\n");
        assertEquals(2, Main.run(new String[] {"ctl", "status", "--config", typo.toString()}));
    }

    @Test
    void raftKeysAreNotAVocabularyOfTheirOwn(@TempDir Path dir) throws Exception {
        Path raft = Files.writeString(dir.resolve("raft.conf"), REPLICA_CONF + "raft.fd_timeout_ms = 600\n");
        assertEquals(2, Main.run(new String[] {"replica", "--config", raft.toString()}));
    }
}
