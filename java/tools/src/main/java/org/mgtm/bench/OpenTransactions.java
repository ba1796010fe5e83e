package org.mgtm.bench;

import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.mgtm.client.GtmClient;
import org.mgtm.client.GtmException;
import org.mgtm.core.Gxids;
import org.mgtm.net.Transport;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.TxnRef;
import org.mgtm.protocol.WireFormat;

/**
 * Opens {@code count} transactions and keeps them open until {@link #close()}, for measuring what
 * open transactions cost a GTM (benchmarks/memory.sh). They are begun with grouped begins as
 * gtm_proxy sends them, each entry with its own backend slot, spread over a few connections or
 * sessions; closing them ends those sessions, and with them the transactions.
 *
 * <p>After the begins, one more transaction is begun and committed: until something completes,
 * snapshots list none of the open GXIDs (xmax stays below them), whereas on a live system the
 * snapshots the GTM serves, and caches, carry every one of them. Then a few snapshots are taken.
 */
public final class OpenTransactions implements AutoCloseable {
    private static final long ANSWER_TIMEOUT_SECONDS = 60;
    /** Proxy backend slots are 16-bit; slot numbers repeat beyond this many transactions per link. */
    private static final int SLOTS = Short.MAX_VALUE;

    /**
     * @param count       transactions to open
     * @param batch       transactions per begin request (1 to 4096)
     * @param connections connections (XC) or sessions (internal) to spread them over
     * @param snapshots   SNAPSHOT_GET requests once they are open, each for a different one of them
     */
    public record Settings(LinkTarget target, int count, int batch, int connections, int snapshots) {
        public Settings {
            if (count < 1 || connections < 1 || snapshots < 0) {
                throw new IllegalArgumentException("count and connections must be >= 1, snapshots >= 0");
            }
            if (batch < 1 || batch > WireFormat.MAX_MULTI_COUNT) {
                throw new IllegalArgumentException("batch must be 1 to " + WireFormat.MAX_MULTI_COUNT);
            }
        }
    }

    private final EventLoopGroup group;
    private final List<GtmLink> links;
    private final int[] gxids;
    private final int markerGxid;
    private final int snapshotXcnt;
    private boolean closed;

    private OpenTransactions(EventLoopGroup group, List<GtmLink> links, int[] gxids, int markerGxid,
                             int snapshotXcnt) {
        this.group = group;
        this.links = links;
        this.gxids = gxids;
        this.markerGxid = markerGxid;
        this.snapshotXcnt = snapshotXcnt;
    }

    /** Opens them; on any failure closes what it opened (ending those transactions) and throws. */
    public static OpenTransactions open(Settings settings) throws InterruptedException {
        EventLoopGroup group = Transport.newGroup(1, "mgtm-open-txns");
        List<GtmLink> links = new ArrayList<>();
        try {
            for (int i = 0; i < settings.connections(); i++) {
                links.add(await(settings.target().open(group, "mgtm-bench-open-" + i)));
            }
            int[] gxids = beginAll(settings, links);
            GtmLink first = links.get(0);
            int marker = GtmClient.success(await(first.send(new Request.TxnBeginGetGxid(1, false))),
                    Response.BeginGxid.class).gxid();
            GtmClient.success(await(first.send(new Request.TxnCommit(TxnRef.gxid(marker)))), Response.Ended.class);
            int xcnt = -1;
            for (int j = 0; j < settings.snapshots(); j++) {
                int gxid = gxids[(int) ((long) j * gxids.length / settings.snapshots())];
                Response r = await(links.get(j % links.size()).send(new Request.SnapshotGet(true, TxnRef.gxid(gxid))));
                xcnt = GtmClient.success(r, Response.SnapshotResult.class).snapshot().xcnt();
            }
            return new OpenTransactions(group, links, gxids, marker, xcnt);
        } catch (RuntimeException | InterruptedException e) {
            closeAll(links, group);
            throw e;
        }
    }

    /** Every begin goes out at once (pipelined per link); the GXIDs come back in link, then request order. */
    private static int[] beginAll(Settings settings, List<GtmLink> links) throws InterruptedException {
        List<CompletableFuture<Response>> answers = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        int n = links.size();
        for (int i = 0; i < n; i++) {
            int share = settings.count() / n + (i < settings.count() % n ? 1 : 0);
            for (int done = 0; done < share; ) {
                int size = Math.min(settings.batch(), share - done);
                List<Request.BeginEntry> entries = new ArrayList<>(size);
                for (int k = 0; k < size; k++) {
                    entries.add(new Request.BeginEntry(1, false, (short) ((done + k) % SLOTS + 1)));
                }
                answers.add(links.get(i).send(new Request.TxnBeginGetGxidMulti(entries)));
                sizes.add(size);
                done += size;
            }
        }
        int[] gxids = new int[settings.count()];
        int at = 0;
        for (int r = 0; r < answers.size(); r++) {
            Response.BeginGxidMulti m = GtmClient.success(await(answers.get(r)), Response.BeginGxidMulti.class);
            if (m.count() != sizes.get(r)) {
                throw new GtmException("PROTOCOL", "asked for " + sizes.get(r) + " transactions, got " + m.count());
            }
            for (int k = 0; k < m.count(); k++) {
                gxids[at++] = Gxids.groupMember(m.firstGxid(), k);
            }
        }
        return gxids;
    }

    private static <T> T await(CompletableFuture<T> future) throws InterruptedException {
        try {
            return future.get(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof GtmException g ? g : new GtmException("request failed: " + e.getCause(), e);
        } catch (TimeoutException e) {
            throw GtmException.lost("no answer within " + ANSWER_TIMEOUT_SECONDS + " s");
        }
    }

    /** The open transactions' GXIDs. */
    public int[] gxids() {
        return gxids.clone();
    }

    public int count() {
        return gxids.length;
    }

    /** The committed transaction that moved xmax past the open ones. */
    public int markerGxid() {
        return markerGxid;
    }

    /** Running GXIDs in the last snapshot taken (-1 if none was). */
    public int snapshotXcnt() {
        return snapshotXcnt;
    }

    /** Ends the connections or sessions: the GTM ends every transaction they opened. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            closeAll(links, group);
        }
    }

    private static void closeAll(List<GtmLink> links, EventLoopGroup group) {
        for (GtmLink link : links) {
            link.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
