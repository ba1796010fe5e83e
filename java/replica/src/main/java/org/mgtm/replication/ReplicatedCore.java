package org.mgtm.replication;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.mgtm.core.Command;
import org.mgtm.core.CoreLimits;
import org.mgtm.core.GtmStateMachine;
import org.mgtm.core.ResponseCodec;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.replication.engine.BatchStateMachine;

/**
 * The GTM state machine as the raft log drives it: each committed command is decoded, applied and
 * its reply encoded for the leader. The engine applies from one thread; the monitor lets other
 * threads (status requests, session expiry, the leader's reads) read a consistent state between two
 * commands. Reads hold it for one batch of snapshots at a time, a few microseconds.
 */
public final class ReplicatedCore implements BatchStateMachine.Applier {
    private final CoreLimits limits;
    private GtmStateMachine core;
    private long appliedCommands;

    /** Figures about the state for mgtm-ctl and logs. */
    public record Status(long appliedCommands, int nextGxid, int latestCompletedGxid, int openTransactions,
                         int prepared, int sequences, int sessions, String digest) {
    }

    public ReplicatedCore(CoreLimits limits) {
        this.limits = limits;
        this.core = new GtmStateMachine(limits);
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
        core = new GtmStateMachine(limits);
        appliedCommands = 0;
    }

    @Override
    public synchronized void writeSnapshot(DataOutput out) throws IOException {
        core.writeSnapshot(out, appliedCommands);
    }

    @Override
    public synchronized void readSnapshot(DataInput in) throws IOException {
        GtmStateMachine.Restored restored = GtmStateMachine.readSnapshot(in, limits);
        core = restored.state();
        appliedCommands = restored.appliedIndex();
    }

    /** The state's figures and digest (SHA-256 of its snapshot, equal on replicas in the same state). */
    public synchronized Status status() {
        return new Status(appliedCommands, core.nextGxid(), core.latestCompletedGxid(), core.openTransactionCount(),
                core.preparedCount(), core.sequenceCount(), core.knownSessions().length,
                java.util.HexFormat.of().formatHex(core.digest()));
    }

    /** The state's sizes for the metrics' gauges, read between two commands; no digest (that costs a snapshot). */
    public record Sizes(int open, int prepared, int sessions, long appliedCommands) {
    }

    public synchronized Sizes sizes() {
        return new Sizes(core.openTransactionCount(), core.preparedCount(), core.knownSessions().length, appliedCommands);
    }

    public synchronized int nextGxid() {
        return core.nextGxid();
    }

    /** Sessions the state knows (see {@link GtmStateMachine#knownSessions()}). */
    public synchronized long[] knownSessions() {
        return core.knownSessions();
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
