package org.mgtm.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mgtm.core.Command;
import org.mgtm.core.CoreLimits;
import org.mgtm.net.Connection;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.Snapshot;
import org.mgtm.protocol.TxnRef;
import org.mgtm.protocol.WireMessage;
import org.mgtm.replication.engine.BatchStateMachine;

/**
 * The sequencer's read path (docs/decisions/0008) with a log and a leadership check the test drives by
 * hand: which batches wait for what, what reads see, and what a failed check answers.
 */
class ReplicatedSequencerTest {
    private static final long SESSION = 42;

    private final ReplicatedCore core = new ReplicatedCore(CoreLimits.DEFAULT);
    private final List<byte[]> appended = new ArrayList<>();
    private final List<CompletableFuture<byte[]>> appends = new ArrayList<>();
    private final List<CompletableFuture<Object>> checks = new ArrayList<>();
    private boolean sessionKnown = true;
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final Connection connection = new Connection(channel, SESSION, Connection.XC);
    private ReplicatedSequencer sequencer;

    @BeforeEach
    void start() {
        sequencer = new ReplicatedSequencer(entry -> {
            appended.add(entry);
            CompletableFuture<byte[]> f = new CompletableFuture<>();
            appends.add(f);
            return f;
        }, new ReplicatedSequencer.LeaderReads() {
            public boolean mayAnswerFromState(Command.Client read) {
                return read.requestNo() <= 0 || sessionKnown;
            }

            public CompletableFuture<?> confirm() {
                CompletableFuture<Object> f = new CompletableFuture<>();
                checks.add(f);
                return f;
            }

            public List<Response> answer(List<Request> reads) {
                return core.read(reads);
            }
        }, () -> true, () -> "not the leader", 4, 1 << 20, 60_000);
        // Two open transactions, 1000 and 1001, applied directly.
        core.apply(CommandCodec.encode(new Command.Restart(1000)));
        core.apply(CommandCodec.encode(Command.Client.of(1, new Request.TxnBeginGetGxid(1, false))));
        core.apply(CommandCodec.encode(Command.Client.of(1, new Request.TxnBeginGetGxid(1, false))));
    }

    /** Commits and applies the i-th append, as the log would: the core applies it, the future gets the replies. */
    private void commitAppend(int i) {
        List<byte[]> replies = new ArrayList<>();
        for (byte[] command : BatchStateMachine.decode(appended.get(i))) {
            byte[] r = core.apply(command);
            replies.add(r == null ? new byte[0] : r);
        }
        appends.get(i).complete(BatchStateMachine.encode(replies));
    }

    private void submit(long tag, Request r) {
        sequencer.submit(Command.Client.of(SESSION, r), connection, tag);
    }

    private Response answer(long expectedTag) {
        WireMessage.Answer a = channel.readOutbound();
        assertTrue(a != null, "no answer yet");
        assertEquals(expectedTag, a.conid());
        return a.response();
    }

    private static Request snapshotOf(int gxid) {
        return new Request.SnapshotGet(true, TxnRef.gxid(gxid));
    }

    private static boolean sees(Snapshot s, int committed) {
        return Integer.compareUnsigned(committed, s.xmax()) < 0 && Arrays.stream(s.xip()).noneMatch(x -> x == committed);
    }

    @Test
    void aBatchOfReadsWaitsForOneCheckRoundAndNoEntry() {
        submit(1, snapshotOf(1000));
        submit(2, new Request.TxnGetStatus(TxnRef.gxid(1001)));
        sequencer.drain();
        assertEquals(0, appended.size(), "reads are not appended");
        assertEquals(1, checks.size(), "one round for the batch's reads");
        assertNull(channel.readOutbound(), "no answer before the round is confirmed");
        checks.get(0).complete(null);
        assertInstanceOf(Response.SnapshotResult.class, answer(1));
        assertEquals(new Response.TxnStatus(1001, 0), answer(2));
        assertEquals(1, sequencer.readBatches());
        assertEquals(2, sequencer.readsOnRounds());
    }

    @Test
    void readsInABatchWithWritesRideOnItsEntryAndSeeIt() {
        submit(1, new Request.TxnCommit(TxnRef.gxid(1000)));
        submit(2, snapshotOf(1001));
        sequencer.drain();
        assertEquals(0, checks.size(), "the entry confirms the leadership: no round");
        assertEquals(1, BatchStateMachine.decode(appended.get(0)).size(), "only the write is in the entry");
        commitAppend(0);
        assertInstanceOf(Response.Ended.class, answer(1));
        Snapshot s = assertInstanceOf(Response.SnapshotResult.class, answer(2)).snapshot();
        assertTrue(sees(s, 1000), "the snapshot must see the commit of its own batch: " + s);
        assertEquals(1, sequencer.readsWithEntries());
    }

    @Test
    void aReadIsAnsweredAfterTheWritesSubmittedBeforeItAndSeesThem() {
        submit(1, new Request.TxnCommit(TxnRef.gxid(1000)));
        sequencer.drain();
        submit(2, snapshotOf(1001));
        sequencer.drain();
        assertEquals(1, appended.size());
        assertEquals(1, checks.size());
        checks.get(0).complete(null);
        assertNull(channel.readOutbound(), "the read waits for the write before it");
        commitAppend(0);
        assertInstanceOf(Response.Ended.class, answer(1));
        Snapshot s = assertInstanceOf(Response.SnapshotResult.class, answer(2)).snapshot();
        assertTrue(sees(s, 1000), "computed when delivered, after the commit was applied: " + s);
    }

    @Test
    void aReadWhoseCheckFailedIsRefusedAsFatalWithoutAnUnknownOutcome() {
        submit(1, snapshotOf(1000));
        sequencer.drain();
        checks.get(0).completeExceptionally(new IllegalStateException("the term changed"));
        Response.Error e = assertInstanceOf(Response.Error.class, answer(1));
        assertTrue(ReplicatedSequencer.isUnconfirmed(e), "FATAL: the client finds the leader and asks again");
        assertFalse(e.message().contains(Response.OUTCOME_UNKNOWN), "a read has no outcome: " + e.message());
        assertFalse(channel.isOpen(), "closed after the answer, as after an unconfirmed append");
    }

    @Test
    void aNumberedReadOfASessionTheStateDoesNotKnowGoesThroughTheLog() {
        sessionKnown = false;
        sequencer.submit(new Command.Client(SESSION, -1, 1, 0, snapshotOf(1000)), connection, 1);
        sequencer.drain();
        assertEquals(0, checks.size());
        assertEquals(1, appended.size(), "through the log, which records the session");
        commitAppend(0);
        assertInstanceOf(Response.SnapshotResult.class, answer(1));
        assertTrue(core.knowsSession(SESSION));
    }
}
