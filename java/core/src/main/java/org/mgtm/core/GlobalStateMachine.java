package org.mgtm.core;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.subcluster.SubclusterRequest;

/**
 * The G-GTM's state machine (docs/subclusters.md): the global group grants disjoint GXID ranges to named
 * sub-cluster groups ({@link RangeAllocator}) and records the outcomes of cross-sub-cluster transactions
 * ({@link DecisionTable}). It holds no transactions and answers no XC request.
 *
 * <p>The contract of {@link GtmStateMachine} holds here too: commands in log order, replies and state
 * depend on nothing else (no I/O, clock, randomness or threads); bad input gets an error reply and changes
 * nothing; a request with a request number is applied once per client session (the sub-cluster leaders'
 * {@code LeaderClient} sessions); {@link #writeSnapshot} writes everything, deterministically. On top of
 * that a range request carries the requesting group's own request id, so a request retried by the next
 * leader of that group, in a new session, still gets the range granted to its predecessor.
 */
public final class GlobalStateMachine implements ReplicatedMachine {
    /** A machine read from a snapshot, with the log index the snapshot was taken at. */
    public record Restored(GlobalStateMachine state, long appliedIndex) {
    }

    final CoreLimits limits;
    final RangeAllocator ranges = new RangeAllocator();
    final DecisionTable decisions = new DecisionTable();
    final SessionTable sessions = new SessionTable();

    public GlobalStateMachine(CoreLimits limits) {
        this.limits = limits;
    }

    @Override
    public Response apply(Command command) {
        if (command instanceof Command.Client c) {
            return sessions.applyOnce(c, limits.maxRepliesPerSession(), this::execute);
        }
        if (command instanceof Command.EndSession e) {
            sessions.drop(e.session());
        } else if (command instanceof Command.RaiseNextGxid r) {
            ranges.raise(r.atLeast());
        }
        // Restart, RangeGranted and ClaimSubcluster are a GTM group's commands: nothing to do here.
        return Response.None.INSTANCE;
    }

    private Response execute(long session, int backendId, Request request) {
        if (request instanceof SubclusterRequest.RangeRequest r) {
            return ranges.grant(r);
        }
        if (request instanceof SubclusterRequest.Decide d) {
            return decisions.decide(d.gxid(), d.commit());
        }
        if (request instanceof SubclusterRequest.Forget f) {
            decisions.forget(f.gxid());
            return Response.None.INSTANCE;
        }
        if (request instanceof SubclusterRequest) {
            return Response.Error.error("mgtm: " + request.getClass().getSimpleName()
                    + " goes to a sub-cluster group, not to the G-GTM");
        }
        return notHere(request);
    }

    private static Response notHere(Request request) {
        return Response.Error.error("mgtm: this is the G-GTM: it grants GXID ranges to sub-cluster groups; XC "
                + "requests (" + request.type() + ") go to a sub-cluster's group");
    }

    /**
     * The G-GTM holds no transactions: a pure read (an XC request) gets the error {@link #apply} would give,
     * and changes nothing.
     */
    @Override
    public Response read(Request request) {
        if (!GtmStateMachine.isPureRead(request)) {
            throw new IllegalArgumentException(request.type() + " is not a pure read");
        }
        return notHere(request);
    }

    @Override
    public boolean knowsSession(long session) {
        return sessions.contains(session);
    }

    // ---- accessors ----

    /** One sub-cluster as the G-GTM knows it. Positions are epoch * 2^32 + GXID. */
    public record MemberView(String name, long claim, long lastRequestId, long lastFirst, long lastLast,
                             long oldestInUse, long granted) {
    }

    /** One grant of the recent log. */
    public record GrantView(String subcluster, long requestId, long first, long last) {
    }

    /** The next position the G-GTM would grant (epoch * 2^32 + GXID). */
    public long nextPosition() {
        return ranges.next;
    }

    /** The oldest position any sub-cluster reported in use, or -1. */
    public long oldestInUse() {
        return ranges.oldestInUse();
    }

    public List<MemberView> members() {
        List<MemberView> out = new ArrayList<>();
        for (RangeAllocator.Member m : ranges.members.values()) {
            out.add(new MemberView(m.name, m.claim, m.lastRequestId, m.lastFirst, m.lastLast, m.oldestInUse, m.granted));
        }
        return out;
    }

    /** The most recent grants (up to {@link RangeAllocator#GRANT_LOG}), oldest first. */
    public List<GrantView> recentGrants() {
        List<GrantView> out = new ArrayList<>();
        for (RangeAllocator.Grant g : ranges.grants()) {
            out.add(new GrantView(g.subcluster(), g.requestId(), g.first(), g.last()));
        }
        return out;
    }

    /** Decisions held (GXID to commit), in decision order. */
    public Map<Integer, Boolean> decisions() {
        return decisions.view();
    }

    @Override
    public long[] knownSessions() {
        return sessions.ids().stream().mapToLong(Long::longValue).sorted().toArray();
    }

    // ---- snapshots ----

    @Override
    public void writeSnapshot(DataOutput out, long appliedIndex) throws IOException {
        out.write(GlobalSnapshotCodec.encode(this, appliedIndex));
    }

    public static Restored readSnapshot(DataInput in, CoreLimits limits) throws IOException {
        return GlobalSnapshotCodec.decode(in, limits);
    }

    @Override
    public byte[] digest() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(GlobalSnapshotCodec.encode(this, 0));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("ggtm next=").append(position(ranges.next)).append(" oldest-in-use=")
                .append(ranges.oldestInUse() < 0 ? "none" : position(ranges.oldestInUse()))
                .append(" decisions=").append(decisions.decisions.size())
                .append(" sessions=").append(sessions.count()).append('\n');
        for (RangeAllocator.Member m : ranges.members.values()) {
            sb.append("subcluster ").append(m.name).append(" claim=").append(m.claim)
                    .append(" last-request=").append(m.lastRequestId).append(" last=").append(position(m.lastFirst))
                    .append('-').append(position(m.lastLast)).append(" oldest-in-use=")
                    .append(m.oldestInUse < 0 ? "none" : position(m.oldestInUse)).append(" granted=")
                    .append(m.granted).append('\n');
        }
        for (RangeAllocator.Grant g : ranges.grants()) {
            sb.append("grant ").append(g.subcluster()).append(" request=").append(g.requestId()).append(' ')
                    .append(position(g.first())).append('-').append(position(g.last())).append('\n');
        }
        for (Map.Entry<Integer, Boolean> d : decisions.decisions.entrySet()) {
            sb.append("decision gxid=").append(Gxids.toString(d.getKey())).append(' ')
                    .append(d.getValue() ? "commit" : "abort").append('\n');
        }
        for (SessionTable.Session s : sessions.sorted()) {
            sb.append(s.describe()).append('\n');
        }
        return sb.toString();
    }

    /** A position as {@code GXID} in epoch 0, else {@code epoch:GXID}. */
    public static String position(long p) {
        long epoch = p >>> 32;
        String gxid = Long.toString(p & 0xFFFF_FFFFL);
        return epoch == 0 ? gxid : epoch + ":" + gxid;
    }

    @Override
    public String toString() {
        return "GlobalStateMachine[next=" + position(ranges.next) + ", subclusters=" + ranges.members.size() + "]";
    }
}
