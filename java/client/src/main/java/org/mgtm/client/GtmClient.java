package org.mgtm.client;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.SequenceKey;
import org.mgtm.protocol.Snapshot;
import org.mgtm.protocol.TxnRef;

/**
 * A blocking GTM client for tests and tools: one call at a time, like an XC backend, with typed
 * helpers that turn an 'E' answer into a {@link GtmException}. Waits at most 20 s for an answer,
 * as the XC client library does.
 */
public final class GtmClient implements AutoCloseable {
    private static final long ANSWER_TIMEOUT_SECONDS = 20;
    private static volatile EventLoopGroup sharedGroup;

    private final GtmConnection connection;

    private GtmClient(GtmConnection connection) {
        this.connection = connection;
    }

    public static GtmClient connect(String host, int port) {
        return connect(new InetSocketAddress(host, port), ClientOptions.BACKEND);
    }

    public static GtmClient connect(InetSocketAddress address, ClientOptions options) {
        return new GtmClient(await(GtmConnection.connect(group(), address, options)));
    }

    private static EventLoopGroup group() {
        if (sharedGroup == null) {
            synchronized (GtmClient.class) {
                if (sharedGroup == null) {
                    sharedGroup = new NioEventLoopGroup(1, new DefaultThreadFactory("mgtm-client", true));
                }
            }
        }
        return sharedGroup;
    }

    public GtmConnection connection() {
        return connection;
    }

    /** Sends a request (plain framing) and waits for its answer, errors included. */
    public Response call(Request request) {
        return await(connection.request(request));
    }

    /** Sends a request with a proxy header and waits for its answer. */
    public Response call(int conid, Request request) {
        return await(connection.request(conid, request));
    }

    public int beginGxid() {
        return success(call(new Request.TxnBeginGetGxid(1, false)), Response.BeginGxid.class).gxid();
    }

    public int beginAutovacuum() {
        return success(call(new Request.TxnBeginGetGxidAutovacuum(1, false)), Response.BeginGxid.class).gxid();
    }

    public Snapshot snapshot(int gxid) {
        return success(call(new Request.SnapshotGet(true, TxnRef.gxid(gxid))), Response.SnapshotResult.class).snapshot();
    }

    public void commit(int gxid) {
        success(call(new Request.TxnCommit(TxnRef.gxid(gxid))), Response.Ended.class);
    }

    public void rollback(int gxid) {
        success(call(new Request.TxnRollback(TxnRef.gxid(gxid))), Response.Ended.class);
    }

    public void createSequence(String key, long increment, long min, long max, long start, boolean cycle) {
        success(call(new Request.SequenceInit(SequenceKey.of(key), increment, min, max, start, cycle)),
                Response.SequenceKeyResult.class);
    }

    public long nextval(String key) {
        return success(call(new Request.SequenceGetNext(SequenceKey.of(key))), Response.SequenceValue.class).value();
    }

    public long currval(String key) {
        return success(call(new Request.SequenceGetCurrent(SequenceKey.of(key))), Response.SequenceValue.class).value();
    }

    /** The answer as the expected success type, or a {@link GtmException} for an 'E' answer. */
    public static <T extends Response> T success(Response response, Class<T> type) {
        if (response instanceof Response.Error e) {
            throw new GtmException(e.severity(), e.message());
        }
        if (!type.isInstance(response)) {
            throw new GtmException("PROTOCOL", "unexpected answer " + response + ", wanted " + type.getSimpleName());
        }
        return type.cast(response);
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.get(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GtmException g) {
                throw g;
            }
            throw new GtmException("request failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw GtmException.lost("no answer within " + ANSWER_TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GtmException("interrupted", e);
        }
    }

    @Override
    public void close() {
        connection.close();
    }

    /** Drops the TCP connection without 'X', as a crashed backend would. */
    public void abort() {
        connection.abort();
    }
}
