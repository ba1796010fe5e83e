package org.mgtm.replication;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RaftSettingsTest {
    static final String MEMBERS = "mgtm1@127.0.0.11:7800, mgtm2@127.0.0.12:7800,mgtm3@127.0.0.13:7800";

    @Test
    void parsesConfKeysWithDefaults() {
        RaftSettings s = RaftSettings.fromMap(Map.of("raft.id", "mgtm2", "raft.members", MEMBERS,
                "raft.data_dir", "/tmp/x", "raft.fsync", "off", "raft.fd_timeout_ms", "800"));
        assertEquals("mgtm2", s.raftId());
        assertEquals(3, s.members().size());
        assertEquals(new RaftSettings.Member("mgtm2", "127.0.0.12", 7800), s.self());
        assertFalse(s.fsync());
        assertEquals(800, s.fdTimeoutMs());
        assertEquals(100, s.fdIntervalMs());
        assertTrue(s.catchUp());
        assertNull(s.secret());
    }

    @Test
    void rejectsInconsistentSettings() {
        assertThrows(IllegalArgumentException.class, () -> RaftSettings.fromMap(Map.of(
                "raft.id", "mgtm4", "raft.members", MEMBERS, "raft.data_dir", "/tmp/x")));
        assertThrows(IllegalArgumentException.class, () -> RaftSettings.fromMap(Map.of(
                "raft.id", "mgtm1", "raft.members", "mgtm1@127.0.0.11:7800,mgtm1@127.0.0.12:7800",
                "raft.data_dir", "/tmp/x")));
        assertThrows(IllegalArgumentException.class, () -> RaftSettings.Member.parse("mgtm1:7800"));
        assertThrows(IllegalArgumentException.class, () -> RaftSettings.fromMap(Map.of(
                "raft.id", "mgtm1", "raft.members", MEMBERS, "raft.data_dir", "/tmp/x",
                "raft.fd_interval_ms", "400", "raft.fd_timeout_ms", "600")));
        assertThrows(IllegalArgumentException.class, () -> RaftSettings.fromMap(Map.of(
                "raft.id", "mgtm1", "raft.members", MEMBERS, "raft.data_dir", "/tmp/x", "raft.fsync", "maybe")));
    }
}
