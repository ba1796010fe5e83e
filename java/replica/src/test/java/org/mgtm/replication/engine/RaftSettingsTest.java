package org.mgtm.replication.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mgtm.client.Member;

class RaftSettingsTest {
    static final String MEMBERS = "mgtm1@127.0.0.11:7800, mgtm2@127.0.0.12:7800,mgtm3@127.0.0.13:7800";

    private static RaftSettings.Builder settings(String id, String members) {
        return RaftSettings.builder().raftId(id).members(Member.parseList(members)).dataDir(Path.of("/tmp/x"));
    }

    @Test
    void startsFromTheDefaults() {
        RaftSettings s = settings("mgtm2", MEMBERS).fdTimeoutMs(800).build();
        assertEquals("mgtm2", s.raftId());
        assertEquals(3, s.members().size());
        assertEquals(new Member("mgtm2", "127.0.0.12", 7800), s.self());
        assertEquals(RaftSettings.FSYNC, s.fsync());
        assertEquals(800, s.fdTimeoutMs());
        assertEquals(RaftSettings.FD_INTERVAL_MS, s.fdIntervalMs());
        assertTrue(s.catchUp());
        assertNull(s.secret());
    }

    @Test
    void rejectsInconsistentSettings() {
        assertThrows(IllegalArgumentException.class, () -> settings("mgtm4", MEMBERS).build());
        assertThrows(IllegalArgumentException.class,
                () -> settings("mgtm1", "mgtm1@127.0.0.11:7800,mgtm1@127.0.0.12:7800").build());
        assertThrows(IllegalArgumentException.class, () -> Member.parse("mgtm1:7800"));
        assertThrows(IllegalArgumentException.class, () -> Member.parseList(" , "));
        assertThrows(IllegalArgumentException.class,
                () -> settings("mgtm1", MEMBERS).fdIntervalMs(400).fdTimeoutMs(600).build());
        assertEquals(List.of(new java.net.InetSocketAddress("127.0.0.11", 6680),
                        new java.net.InetSocketAddress("127.0.0.9", 7000)),
                Member.internalAddresses("mgtm1@127.0.0.11:7800,127.0.0.9:7000", 6680));
    }
}
