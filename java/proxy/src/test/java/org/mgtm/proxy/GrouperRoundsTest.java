package org.mgtm.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.ResultType;
import org.mgtm.protocol.TxnRef;

/** How many rounds the grouper keeps out, and what waits for what. */
class GrouperRoundsTest {
    /** An upstream that answers only when the test says so. */
    private static final class HeldUpstream implements Upstream {
        record Sent(int backendId, Request request, CompletableFuture<Response> reply) {
        }

        final List<Sent> sent = new ArrayList<>();
        int rounds;

        @Override
        public CompletableFuture<Response> submit(int backendId, Request request) {
            CompletableFuture<Response> reply = new CompletableFuture<>();
            sent.add(new Sent(backendId, request, reply));
            return reply;
        }

        @Override
        public void endOfRound() {
            rounds++;
        }
    }

    private final HeldUpstream upstream = new HeldUpstream();
    private final ProxyStats stats = new ProxyStats();
    private final List<Response> answers = new ArrayList<>();

    private Grouper grouper(int maxRoundsOut) {
        return new Grouper(upstream, ImmediateEventExecutor.INSTANCE, stats, maxRoundsOut);
    }

    private static Request begin() {
        return new Request.TxnBeginGetGxid(1, false);
    }

    private static Response beginsAnswer(int first, int count) {
        return new Response.BeginGxidMulti(count, first);
    }

    @Test
    void aRequestLeavesAtOnceWhileFewerThanTheMaximumAreOut() {
        Grouper g = grouper(2);
        g.submit(0, begin(), answers::add);
        g.submit(1, begin(), answers::add);
        assertEquals(2, upstream.rounds, "two rounds may be out: both begins left at once");
        g.submit(2, begin(), answers::add);
        g.submit(3, new Request.SnapshotGet(true, TxnRef.gxid(1000)), answers::add);
        assertEquals(2, upstream.sent.size(), "the third round waits until one comes back");

        upstream.sent.get(1).reply().complete(beginsAnswer(1001, 1));
        assertEquals(3, upstream.rounds);
        assertEquals(4, upstream.sent.size());
        // The waiting requests left together: one multi-begin and one multi-snapshot.
        assertInstanceOf(Request.TxnBeginGetGxidMulti.class, upstream.sent.get(2).request());
        assertInstanceOf(Request.SnapshotGetMulti.class, upstream.sent.get(3).request());
        assertEquals(List.of(new Response.BeginGxid(ResultType.TXN_BEGIN_GETGXID, 1001)), answers);
    }

    @Test
    void withOneRoundOutTheNextLeavesWhenTheWholeRoundCameBack() {
        Grouper g = grouper(1);
        g.submit(0, begin(), answers::add);
        g.submit(1, begin(), answers::add);
        g.submit(2, new Request.TxnCommit(TxnRef.gxid(999)), answers::add);
        assertEquals(1, upstream.rounds);
        upstream.sent.get(0).reply().complete(beginsAnswer(1000, 1));
        // The second round carries both waiting requests.
        assertEquals(2, upstream.rounds);
        assertEquals(3, upstream.sent.size());
        g.submit(3, begin(), answers::add);
        upstream.sent.get(1).reply().complete(beginsAnswer(1001, 1));
        assertEquals(2, upstream.rounds, "the commit of the second round is still out");
        upstream.sent.get(2).reply().complete(new Response.EndedMulti(ResultType.TXN_COMMIT_MULTI, List.of(0)));
        assertEquals(3, upstream.rounds);
    }

    @Test
    void aBackendsDisconnectTravelsAfterItsLastRequest() {
        Grouper g = grouper(4);
        g.submit(5, new Request.SnapshotGet(true, TxnRef.gxid(1000)), answers::add);
        g.submit(5, new Request.BackendDisconnect(), answers::add);
        assertEquals(2, upstream.sent.size());
        assertInstanceOf(Request.SnapshotGetMulti.class, upstream.sent.get(0).request());
        assertInstanceOf(Request.BackendDisconnect.class, upstream.sent.get(1).request());
        assertEquals(5, upstream.sent.get(1).backendId());
        // In one round too, forwarded requests go after the grouped ones.
        Grouper one = new Grouper(upstream, ImmediateEventExecutor.INSTANCE, stats, 1);
        one.submit(0, begin(), answers::add);
        one.submit(6, new Request.SnapshotGet(true, TxnRef.gxid(1001)), answers::add);
        one.submit(6, new Request.BackendDisconnect(), answers::add);
        upstream.sent.get(2).reply().complete(beginsAnswer(1002, 1));
        List<Class<?>> lastRound = new ArrayList<>();
        for (HeldUpstream.Sent s : upstream.sent.subList(3, upstream.sent.size())) {
            lastRound.add(s.request().getClass());
        }
        assertEquals(List.of(Request.SnapshotGetMulti.class, Request.BackendDisconnect.class), lastRound);
    }

    @Test
    void atLeastOneRoundMustBeAllowed() {
        assertThrows(IllegalArgumentException.class, () -> grouper(0));
    }
}
