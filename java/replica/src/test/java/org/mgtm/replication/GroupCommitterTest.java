package org.mgtm.replication;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Batch format and group commit, without a network. */
class GroupCommitterTest {

    @Test
    void batchRoundTripAndMalformedInput() {
        List<byte[]> cmds = List.of(new byte[]{1, 2}, new byte[0], new byte[]{3});
        List<byte[]> back = BatchStateMachine.decode(BatchStateMachine.encode(cmds));
        assertEquals(3, back.size());
        for (int i = 0; i < 3; i++)
            assertArrayEquals(cmds.get(i), back.get(i));
        assertThrows(IllegalArgumentException.class, () -> BatchStateMachine.decode(new byte[]{0, 0, 0}));
        assertThrows(IllegalArgumentException.class, () -> BatchStateMachine.decode(new byte[]{0x7f, 0, 0, 0}));
        assertThrows(IllegalArgumentException.class, () -> BatchStateMachine.decode(new byte[]{0, 0, 0, 1, 0, 0, 0, 9}));
    }

    @Test
    void requestsArrivingDuringAnAppendShareTheNextEntry() throws Exception {
        List<CompletableFuture<byte[]>> appends = new ArrayList<>();
        List<byte[]> entries = new ArrayList<>();
        BatchStateMachine sm = new BatchStateMachine(new RaftTestNode.CounterApplier());
        GroupCommitter gc = new GroupCommitter(entry -> {
            entries.add(entry);
            CompletableFuture<byte[]> f = new CompletableFuture<>();
            appends.add(f);
            return f;
        }, 1, 1 << 20);

        CompletableFuture<byte[]> r1 = gc.submit(new byte[]{1});      // goes alone
        List<CompletableFuture<byte[]>> waiting = new ArrayList<>();
        for (int i = 0; i < 5; i++)
            waiting.add(gc.submit(new byte[]{(byte) (10 + i)}));     // arrive while entry 1 is in flight
        assertEquals(1, appends.size());

        appends.get(0).complete(sm.apply(entries.get(0), 0, entries.get(0).length, true));
        assertEquals(1L, ByteBuffer.wrap(r1.get()).getLong());
        assertEquals(2, appends.size(), "the 5 waiting commands go out as one entry");
        assertEquals(5, BatchStateMachine.decode(entries.get(1)).size());

        appends.get(1).complete(sm.apply(entries.get(1), 0, entries.get(1).length, true));
        for (int i = 0; i < 5; i++)
            assertEquals(2L + i, ByteBuffer.wrap(waiting.get(i).get()).getLong());
        assertEquals(2, gc.entries());
        assertEquals(6, gc.commands());

        CompletableFuture<byte[]> r3 = gc.submit(new byte[]{7});
        appends.get(2).completeExceptionally(new IllegalStateException("not leader"));
        assertTrue(r3.isCompletedExceptionally());
        assertEquals(0, gc.inFlight());
    }
}
