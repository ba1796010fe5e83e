package org.mgtm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.mgtm.check.Event;
import org.mgtm.check.HistoryRecorder;
import org.mgtm.client.GtmException;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.Snapshot;
import org.junit.jupiter.api.Test;

/** How an answer ends up in the history: only a definite answer may be recorded as ok or fail. */
class RecordingBackendTest {

    /** A backend whose begin fails with the given exception. */
    private static BenchBackend failingWith(Throwable failure) {
        return new BenchBackend() {
            public CompletableFuture<Integer> begin() {
                return CompletableFuture.failedFuture(failure);
            }

            public CompletableFuture<Snapshot> snapshot(int gxid) {
                return CompletableFuture.failedFuture(failure);
            }

            public CompletableFuture<?> commit(int gxid) {
                return CompletableFuture.failedFuture(failure);
            }
        };
    }

    private static Event.Type outcomeOfBegin(Throwable failure) {
        HistoryRecorder recorder = HistoryRecorder.inMemory();
        new RecordingBackend(failingWith(failure), recorder).begin().exceptionally(t -> null).join();
        List<Event> events = recorder.history().events();
        assertEquals(2, events.size(), events.toString());
        return events.get(1).type();
    }

    @Test
    void aPlainErrorAnswerIsADefiniteFailure() {
        assertEquals(Event.Type.FAIL, outcomeOfBegin(new GtmException(Response.ERROR, "no such sequence")));
    }

    @Test
    void anErrorAnswerSayingTheOutcomeIsUnknownIsRecordedAsUnknown() {
        // What a backend behind mgtm_proxy gets when no leader answers within the proxy's deadline.
        String text = "mgtm_proxy: the GTM group did not answer: mgtm: no leader answered request 7 within 30000 ms; "
                + Response.OUTCOME_UNKNOWN;
        assertEquals(Event.Type.INFO, outcomeOfBegin(new GtmException(Response.ERROR, text)));
    }

    @Test
    void aLostConnectionIsRecordedAsUnknown() {
        assertEquals(Event.Type.INFO, outcomeOfBegin(GtmException.lost("connection reset")));
    }
}
