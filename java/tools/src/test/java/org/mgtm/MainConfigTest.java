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
    void subclusterSettingsAreTheReplicasVocabulary(@TempDir Path dir) throws Exception {
        // The examples of docs/subclusters.md: ctl reads both files (their keys are mgtm replica's).
        for (String example : new String[] {"a1.conf", "ggtm1.conf"}) {
            Path file = Path.of("../../docs/examples", example);
            assertEquals(1, Main.run(new String[] {"ctl", "status", "--config", file.toString(), "--timeout-ms", "200"}),
                    example);
        }
        Path typo = Files.writeString(dir.resolve("a.conf"), REPLICA_CONF + "subcluster = A\nggtm_adress = x:1\n");
        assertEquals(2, Main.run(new String[] {"ctl", "status", "--config", typo.toString()}));
        // The G-GTM is no sub-cluster: its file may not say it is one (refused before anything starts, as a
        // wrong setting: exit status 2, like every setting error).
        Path ggtm = Files.writeString(dir.resolve("ggtm.conf"), REPLICA_CONF + "subcluster = A\nggtm = x:1\n");
        assertEquals(ErrorReport.USAGE, Main.run(new String[] {"ggtm", "--config", ggtm.toString()}));
        // A sub-cluster needs the G-GTM's addresses.
        Path half = Files.writeString(dir.resolve("half.conf"), REPLICA_CONF + "subcluster = A\n");
        assertEquals(ErrorReport.USAGE, Main.run(new String[] {"replica", "--config", half.toString()}));
        // TLS to the G-GTM needs this replica's keystore.
        Path tls = Files.writeString(dir.resolve("tls.conf"), REPLICA_CONF
                + "subcluster = A\nggtm = 127.0.0.111:6680\nggtm_internal_tls = true\n");
        assertEquals(ErrorReport.USAGE, Main.run(new String[] {"replica", "--config", tls.toString()}));
    }

    @Test
    void raftKeysAreNotAVocabularyOfTheirOwn(@TempDir Path dir) throws Exception {
        Path raft = Files.writeString(dir.resolve("raft.conf"), REPLICA_CONF + "raft.fd_timeout_ms = 600\n");
        assertEquals(2, Main.run(new String[] {"replica", "--config", raft.toString()}));
    }
}
