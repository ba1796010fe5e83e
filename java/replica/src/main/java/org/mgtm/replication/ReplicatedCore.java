package org.mgtm.replication;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.mgtm.core.CoreLimits;
import org.mgtm.core.GlobalStateMachine;
import org.mgtm.core.GtmStateMachine;
import org.mgtm.core.ReplicatedMachine;
import org.mgtm.core.ResponseCodec;
import org.mgtm.core.SubclusterView;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.replication.engine.BatchStateMachine;

/**
 * The replicated state machine as the raft log drives it: each committed command is decoded, applied and
 * its reply encoded for the leader. The machine is a GTM group's ({@link GtmStateMachine}, plain or in
 * sub-cluster mode) or the G-GTM's ({@link GlobalStateMachine}), as the {@link Kind} says. The engine
 * applies from one thread; the monitor lets other threads (status requests, session expiry, the leader's
 * reads, range keeper and resolver) read a consistent state between two commands. Reads hold it for one
 * batch of snapshots at a time, a few microseconds.
 */
public final class ReplicatedCore implements BatchStateMachine.Applier {

    /** Which machine a group runs: how to make it fresh, and how to read it back from a snapshot. */
    public interface Kind {
        ReplicatedMachine fresh();

        /** The machine and the applied index of a snapshot; refuses one of another kind or sub-cluster. */
        Restored read(DataInput in) throws IOException;
    }

    /** A machine read from a snapshot. */
    public record Restored(ReplicatedMachine machine, long appliedIndex) {
    }

    /** A plain GTM group. */
    public static Kind gtm(CoreLimits limits) {
        return subcluster(limits, null);
    }

    /** A GTM group in sub-cluster mode ({@code name} null: a plain group). */
    public static Kind subcluster(CoreLimits limits, String name) {
        return new Kind() {
            public ReplicatedMachine fresh() {
                return name == null ? new GtmStateMachine(limits) : GtmStateMachine.forSubcluster(limits, name);
            }

            public Restored read(DataInput in) throws IOException {
                GtmStateMachine.Restored r = GtmStateMachine.readSnapshot(in, limits);
                SubclusterView v = r.state().subcluster();
                String held = v == null ? null : v.name();
                if (!Objects.equals(held, name)) {
                    // A data directory of another group, or a changed setting: serving it would hand out GXIDs
                    // outside the leased ranges (or stop serving a plain group's).
                    throw new IOException("the replicated state is " + (held == null ? "a plain group's"
                            : "sub-cluster " + held + "'s") + " but this replica is configured as "
                            + (name == null ? "a plain group" : "sub-cluster " + name) + " (setting subcluster)");
                }
                return new Restored(r.state(), r.appliedIndex());
            }
        };
    }

    /** The G-GTM. */
    public static Kind global(CoreLimits limits) {
        return new Kind() {
            public ReplicatedMachine fresh() {
                return new GlobalStateMachine(limits);
            }

            public Restored read(DataInput in) throws IOException {
                GlobalStateMachine.Restored r = GlobalStateMachine.readSnapshot(in, limits);
                return new Restored(r.state(), r.appliedIndex());
            }
        };
    }

    private final Kind kind;
    private ReplicatedMachine core;
    private long appliedCommands;

    /** Figures about the state for mgtm-ctl and logs (the G-GTM's: next GXID to grant, decisions as open). */
    public record Status(long appliedCommands, int nextGxid, int latestCompletedGxid, int openTransactions,
                         int prepared, int sequences, int sessions, String digest) {
    }

    public ReplicatedCore(CoreLimits limits) {
        this(gtm(limits));
    }

    public ReplicatedCore(Kind kind) {
        this.kind = kind;
        this.core = kind.fresh();
    }

    @Override
    public synchronized byte[] apply(byte[] bytes) {
        Response reply;
        try {
            reply = core.apply(CommandCodec.decode(bytes));
        } catch (IllegalArgumentException e) {
            // Deterministic on every replica: the same bytes fail the same way everywhere.
            reply = Response.Error.error("malformed replicated command: " + e.getMessage());
        }
        appliedCommands++;
        return reply instanceof Response.None ? null : ResponseCodec.encode(reply);
    }

    /**
     * Answers pure reads ({@link GtmStateMachine#isPureRead}) from the applied state, in order, under
     * one hold of the monitor; changes nothing.
     */
    public synchronized List<Response> read(List<Request> requests) {
        List<Response> answers = new ArrayList<>(requests.size());
        for (Request r : requests) {
            answers.add(core.read(r));
        }
        return answers;
    }

    /** Whether the state knows the session (see {@link GtmStateMachine#knowsSession}). */
    public synchronized boolean knowsSession(long session) {
        return core.knowsSession(session);
    }

    /** Back to the empty state, before the state is loaded from the log again (a retried join). */
    public synchronized void reset() {
        core = kind.fresh();
        appliedCommands = 0;
    }

    @Override
    public synchronized void writeSnapshot(DataOutput out) throws IOException {
        core.writeSnapshot(out, appliedCommands);
    }

    @Override
    public synchronized void readSnapshot(DataInput in) throws IOException {
        Restored restored = kind.read(in);
        core = restored.machine();
        appliedCommands = restored.appliedIndex();
    }

    /** The state's figures and digest (SHA-256 of its snapshot, equal on replicas in the same state). */
    public synchronized Status status() {
        String digest = java.util.HexFormat.of().formatHex(core.digest());
        if (core instanceof GtmStateMachine m) {
            return new Status(appliedCommands, m.nextGxid(), m.latestCompletedGxid(), m.openTransactionCount(),
                    m.preparedCount(), m.sequenceCount(), m.knownSessions().length, digest);
        }
        GlobalStateMachine g = (GlobalStateMachine) core;
        return new Status(appliedCommands, (int) g.nextPosition(), 0, g.decisions().size(), 0, 0,
                g.knownSessions().length, digest);
    }

    /** The state's sizes for the metrics' gauges, read between two commands; no digest (that costs a snapshot). */
    public record Sizes(int open, int prepared, int sessions, long appliedCommands) {
    }

    /** For the G-GTM: the decisions it holds count as open, like in {@link #status()}. */
    public synchronized Sizes sizes() {
        if (core instanceof GtmStateMachine m) {
            return new Sizes(m.openTransactionCount(), m.preparedCount(), m.knownSessions().length, appliedCommands);
        }
        GlobalStateMachine g = (GlobalStateMachine) core;
        return new Sizes(g.decisions().size(), 0, g.knownSessions().length, appliedCommands);
    }

    /** The next GXID a begin would get; for the G-GTM the next it would grant. */
    public synchronized int nextGxid() {
        return core instanceof GtmStateMachine m ? m.nextGxid() : (int) ((GlobalStateMachine) core).nextPosition();
    }

    /** Sessions the state knows (see {@link GtmStateMachine#knownSessions()}). */
    public synchronized long[] knownSessions() {
        return core.knownSessions();
    }

    /** A group in sub-cluster mode: what it holds (a copy); null otherwise. */
    public synchronized SubclusterView subclusterView() {
        return core instanceof GtmStateMachine m ? m.subcluster() : null;
    }

    /** The G-GTM's state, read under the monitor by {@code reader} (which must not keep references to it). */
    public synchronized <T> T readGlobal(java.util.function.Function<GlobalStateMachine, T> reader) {
        return core instanceof GlobalStateMachine g ? reader.apply(g) : null;
    }

    /** Reads the reply bytes {@link #apply} produced; an empty or null reply means none. */
    public static Response decodeReply(byte[] reply) {
        if (reply == null || reply.length == 0) {
            return Response.None.INSTANCE;
        }
        try {
            return ResponseCodec.decode(reply);
        } catch (IOException e) {
            return Response.Error.error("unreadable reply from the replicated log: " + e.getMessage());
        }
    }
}
