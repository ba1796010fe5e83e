package org.mgtm.replication;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.mgtm.client.LeaderClient;
import org.mgtm.client.LeaderClientSettings;
import org.mgtm.core.Command;
import org.mgtm.core.Gxids;
import org.mgtm.core.SubclusterView;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the leader of a group in sub-cluster mode does beyond a plain leader: keeps GXID ranges leased
 * ({@link RangeKeeper}) and resolves cross-sub-cluster transactions left prepared ({@link CrossResolver}),
 * both through one session with the G-GTM, opened when this replica first leads. Ticked by the replica's timer;
 * does nothing unless this replica leads and its state is complete (an entry of its term has committed).
 */
final class SubclusterDuties implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SubclusterDuties.class);
    /** A G-GTM request unanswered this long fails (the keeper asks again): status then says the G-GTM is away. */
    private static final long GGTM_DEADLINE_MILLIS = 2000;

    private final GroupRole.SubclusterSettings settings;
    private final ReplicatedCore core;
    private final BooleanSupplier ready;
    private final RangeKeeper keeper;
    private final CrossResolver resolver;
    private final String memberId;
    private volatile LeaderClient ggtm;
    private boolean wasReady;

    SubclusterDuties(GroupRole.SubclusterSettings settings, ReplicatedCore core, Consumer<Command> append,
                     BooleanSupplier ready, String memberId) {
        this.settings = settings;
        this.core = core;
        this.ready = ready;
        this.keeper = new RangeKeeper(settings, core::subclusterView, append, this::toGgtm);
        long session;
        SecureRandom random = new SecureRandom();
        do {
            session = random.nextLong();
        } while (session == 0);
        this.resolver = new CrossResolver(settings.resolveAfterMillis(), core::subclusterView, append, this::toGgtm,
                session);
        this.memberId = memberId;
    }

    private CompletableFuture<Response> toGgtm(Request request) {
        LeaderClient c = ggtm;
        if (c == null) {
            synchronized (this) {
                if (ggtm == null) {
                    ggtm = LeaderClient.start(LeaderClientSettings.of(settings.ggtm(), settings.ggtmSecret())
                            .withRequestDeadlineMillis(GGTM_DEADLINE_MILLIS).withTls(settings.ggtmTls())
                            .withClientName("sub-cluster " + settings.name() + " leader " + memberId));
                    log.info("sub-cluster {}: session with the G-GTM at {}", settings.name(), settings.ggtm());
                }
                c = ggtm;
            }
        }
        return c.submit(-1, request);
    }

    void tick() {
        try {
            boolean now = ready.getAsBoolean();
            if (now && !wasReady) {
                resolver.newLeadership();
            }
            wasReady = now;
            if (!now) {
                return;
            }
            keeper.tick();
            LeaderClient c = ggtm;
            resolver.tick(c != null && c.isConnected() && !keeper.failing());
        } catch (RuntimeException e) {
            log.error("sub-cluster duties failed", e);
        }
    }

    /** The sub-cluster part of mgtm-ctl status. */
    Map<String, Object> status() {
        SubclusterView v = core.subclusterView();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("name", v.name());
        s.put("claim", Long.toHexString(v.claim()));
        s.put("horizon", Gxids.toString(v.horizon()));
        s.put("leasedRemaining", v.remaining());
        s.put("leases", v.leases().stream().map(r -> Gxids.toString(r[0]) + "-" + Gxids.toString(r[1])).toList());
        s.put("nextRangeRequest", v.nextRequestId());
        s.put("skippedGxids", v.skipped());
        s.put("demand", v.demand() == 0 ? null : Gxids.toString(v.demand()));
        s.put("crossPrepared", v.crossPrepared().size());
        LeaderClient c = ggtm;
        boolean leading = ready.getAsBoolean();
        String state;
        if (!leading) {
            state = "not leader";
        } else if (c == null) {
            state = "no session yet";
        } else if (!c.isConnected() || keeper.failing()) {
            state = v.remaining() > 0 ? "UNREACHABLE: serving from the leased ranges" : "UNREACHABLE: no GXID left, "
                    + "begins are refused";
        } else {
            state = "reachable (leader " + c.leaderId() + ")";
        }
        s.put("ggtm", state);
        s.putAll(keeper.status());
        s.putAll(resolver.status());
        return s;
    }

    @Override
    public void close() {
        LeaderClient c = ggtm;
        if (c != null) {
            c.close();
        }
    }
}
