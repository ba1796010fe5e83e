package org.mgtm.replication.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mgtm.client.Member;
import org.mgtm.testing.FreePorts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AUTH with {@link SharedSecretToken}: three members in one JVM on 127.0.0.11-13; a wrong secret cannot join. */
class SharedSecretAuthTest {

    static final class Noop implements BatchStateMachine.Applier {
        @Override public byte[] apply(byte[] command) { return new byte[0]; }
        @Override public void writeSnapshot(DataOutput out) {}
        @Override public void readSnapshot(DataInput in) {}
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void wrongSecretCannotJoinRightSecretCan(@TempDir Path dir) throws Exception {
        int port = FreePorts.pick(List.of("127.0.0.11", "127.0.0.12", "127.0.0.13"), 100, 101);
        List<Member> members = List.of(
                new Member("a1", "127.0.0.11", port),
                new Member("a2", "127.0.0.12", port),
                new Member("a3", "127.0.0.13", port));
        List<RaftMember> started = new ArrayList<>();
        try {
            started.add(join(settings("a1", members, dir, "s3cret")));
            started.add(join(settings("a2", members, dir, "s3cret")));
            assertTrue(await(() -> started.get(0).isLeader() || started.get(1).isLeader(), 10_000), "no leader");

            assertThrows(SecurityException.class, () ->
                    RaftMember.start(settings("a3", members, dir.resolve("bad"), "wrong"),
                            new BatchStateMachine(new Noop())).close());
            assertEquals(2, started.get(0).viewMembers().size());

            started.add(join(settings("a3", members, dir, "s3cret")));
            assertTrue(await(() -> started.get(0).viewMembers().size() == 3, 10_000), "a3 did not join");
            RaftMember leader = started.stream().filter(RaftMember::isLeader).findFirst().orElseThrow();
            leader.append(BatchStateMachine.encode(List.of(new byte[]{1}))).get(5, TimeUnit.SECONDS);
            assertTrue(await(() -> started.get(2).commitIndex() >= 1, 5_000), "a3 did not get the entry");
        } finally {
            for (RaftMember m : started)
                m.close();
        }
    }

    /**
     * Starts a member with the right secret. On a busy machine its JOIN can time out (500 ms here) while
     * the coordinator admits it; the retried JOIN is then refused "as it would create a view with
     * duplicate members", with the same SecurityException a wrong secret gets. Like ReplicaServer's
     * joinGroup, a refused duplicate is tried again once the closed channel has left the view.
     */
    static RaftMember join(RaftSettings s) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return RaftMember.start(s, new BatchStateMachine(new Noop()));
            } catch (SecurityException e) {
                if (attempt >= 5 || !String.valueOf(e.getMessage()).contains("duplicate members")) {
                    throw e;
                }
                Thread.sleep(500L * attempt);
            }
        }
    }

    static RaftSettings settings(String id, List<Member> members, Path dir, String secret) {
        return RaftSettings.builder().raftId(id).members(members).dataDir(dir.resolve(id)).secret(secret)
                .fsync(false).joinTimeoutMs(500).build();
    }

    static boolean await(java.util.function.BooleanSupplier c, long ms) throws InterruptedException {
        long end = System.currentTimeMillis() + ms;
        while (System.currentTimeMillis() < end) {
            if (c.getAsBoolean())
                return true;
            Thread.sleep(10);
        }
        return c.getAsBoolean();
    }
}
