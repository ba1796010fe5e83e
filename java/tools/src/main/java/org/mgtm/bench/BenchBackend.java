package org.mgtm.bench;

import java.util.concurrent.CompletableFuture;
import org.mgtm.client.GtmClient;
import org.mgtm.client.GtmConnection;
import org.mgtm.client.GtmException;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.Snapshot;
import org.mgtm.protocol.TxnRef;
import org.mgtm.proxy.Grouper;

/**
 * What one simulated XC backend can ask the GTM, whichever way it is connected: its own plain
 * connection (a backend talking to gtm or gtm_proxy), or a slot of a gtm_proxy-style grouped
 * connection. Failures complete the futures exceptionally with {@link GtmException}.
 */
interface BenchBackend {
    CompletableFuture<Integer> begin();

    CompletableFuture<Snapshot> snapshot(int gxid);

    CompletableFuture<?> commit(int gxid);

    /** A backend with a connection of its own. */
    static BenchBackend direct(GtmConnection connection) {
        return new BenchBackend() {
            public CompletableFuture<Integer> begin() {
                return connection.request(new Request.TxnBeginGetGxid(1, false))
                        .thenApply(r -> GtmClient.success(r, Response.BeginGxid.class).gxid());
            }

            public CompletableFuture<Snapshot> snapshot(int gxid) {
                return connection.request(new Request.SnapshotGet(true, TxnRef.gxid(gxid)))
                        .thenApply(r -> GtmClient.success(r, Response.SnapshotResult.class).snapshot());
            }

            public CompletableFuture<?> commit(int gxid) {
                return connection.request(new Request.TxnCommit(TxnRef.gxid(gxid)))
                        .thenApply(r -> GtmClient.success(r, Response.Ended.class));
            }
        };
    }

    /** Backend slot {@code slot} behind mgtm_proxy's grouper, on a proxy-framed connection. */
    static BenchBackend grouped(Grouper grouper, int slot) {
        return new BenchBackend() {
            public CompletableFuture<Integer> begin() {
                return ask(new Request.TxnBeginGetGxid(1, false))
                        .thenApply(r -> GtmClient.success(r, Response.BeginGxid.class).gxid());
            }

            public CompletableFuture<Snapshot> snapshot(int gxid) {
                return ask(new Request.SnapshotGet(true, TxnRef.gxid(gxid)))
                        .thenApply(r -> GtmClient.success(r, Response.SnapshotResult.class).snapshot());
            }

            public CompletableFuture<?> commit(int gxid) {
                return ask(new Request.TxnCommit(TxnRef.gxid(gxid)))
                        .thenApply(r -> GtmClient.success(r, Response.Ended.class));
            }

            private CompletableFuture<Response> ask(Request request) {
                CompletableFuture<Response> answer = new CompletableFuture<>();
                grouper.submit(slot, request, answer::complete);
                return answer;
            }
        };
    }
}
