package org.mgtm.check;

import java.util.List;
import java.util.Objects;
import org.mgtm.protocol.Snapshot;

/**
 * What one history event is about: the operation's arguments and, on an {@code ok} completion, its
 * result. An invoke carries the arguments only (results are 0 or null); completions repeat the
 * arguments so that every line of a history file reads on its own. GXIDs are unsigned 32-bit
 * values held in ints.
 */
public sealed interface Operation {

    /** The {@code f} name of the operation in the file format. */
    String name();

    /**
     * BEGIN_GETGXID: result {@code gxid} (0 until answered). {@code vacuum} marks a lazy-vacuum
     * begin, which snapshots leave out entirely (protocol notes, "Vacuum transactions"), so the snapshot checks skip it.
     */
    record Begin(int gxid, boolean vacuum) implements Operation {
        public String name() {
            return "begin";
        }
    }

    /**
     * BEGIN_GETGXID_MULTI: {@code count} transactions; result: the first of a run of {@code count}
     * GXIDs. At most {@link #MAX_MULTI} entries: far more than a frame can carry, and a bound on
     * what a corrupt history line can make the checker expand.
     */
    record BeginMulti(int count, int firstGxid) implements Operation {
        public static final int MAX_MULTI = 1 << 20;

        public BeginMulti {
            if (count < 1 || count > MAX_MULTI) {
                throw new IllegalArgumentException("a grouped begin has 1 to " + MAX_MULTI + " entries, not " + count);
            }
        }

        public String name() {
            return "begin-multi";
        }
    }

    /** A snapshot for the requester {@code gxid}; result: the snapshot (null until answered). */
    record SnapshotGet(int gxid, Snapshot snapshot) implements Operation {
        public String name() {
            return "snapshot";
        }
    }

    /** COMMIT, ROLLBACK or PREPARE of {@code gxid}. */
    record End(EndKind kind, int gxid) implements Operation {
        public End {
            Objects.requireNonNull(kind);
        }

        public String name() {
            return kind.jsonName;
        }
    }

    /**
     * TXN_COMMIT_MULTI or TXN_ROLLBACK_MULTI, gtm_proxy's grouped ends: one operation for the
     * {@code gxids} of its entries; result: one status per entry, in entry order ({@link #OK} the
     * transaction ended, anything else: there was no such transaction, so that entry did nothing).
     * Null until answered.
     */
    record EndMulti(EndKind kind, List<Integer> gxids, List<Integer> statuses) implements Operation {
        public EndMulti {
            Objects.requireNonNull(kind);
            if (kind == EndKind.PREPARE) {
                throw new IllegalArgumentException("there is no grouped prepare");
            }
            gxids = entries(gxids);
            statuses = statuses == null ? null : List.copyOf(statuses);
            if (statuses != null && statuses.size() != gxids.size()) {
                throw new IllegalArgumentException(gxids.size() + " entries but " + statuses.size() + " statuses");
            }
        }

        public String name() {
            return kind == EndKind.COMMIT ? "commit-multi" : "rollback-multi";
        }

        /** Whether entry {@code k} is known to have ended its transaction (ok answer, status OK). */
        public boolean entryOk(int k) {
            return statuses != null && statuses.get(k) == OK;
        }
    }

    /**
     * SNAPSHOT_GET_MULTI, gtm_proxy's grouped snapshot: one snapshot shared by the requesters
     * {@code gxids}; result: a status per entry ({@link #OK}, or the requester was unknown) and the
     * snapshot. Null until answered.
     */
    record SnapshotMulti(List<Integer> gxids, List<Integer> statuses, Snapshot snapshot) implements Operation {
        public SnapshotMulti {
            gxids = entries(gxids);
            statuses = statuses == null ? null : List.copyOf(statuses);
            if (statuses != null && statuses.size() != gxids.size()) {
                throw new IllegalArgumentException(gxids.size() + " entries but " + statuses.size() + " statuses");
            }
        }

        public String name() {
            return "snapshot-multi";
        }

        public boolean entryOk(int k) {
            return statuses != null && statuses.get(k) == OK;
        }
    }

    /** The status of a grouped entry that took effect (protocol notes, "Grouped requests"). */
    int OK = 0;

    private static List<Integer> entries(List<Integer> gxids) {
        if (gxids.isEmpty() || gxids.size() > BeginMulti.MAX_MULTI) {
            throw new IllegalArgumentException("a grouped operation has 1 to " + BeginMulti.MAX_MULTI
                    + " entries, not " + gxids.size());
        }
        return List.copyOf(gxids);
    }

    enum EndKind {
        COMMIT("commit"), ROLLBACK("rollback"), PREPARE("prepare");

        final String jsonName;

        EndKind(String jsonName) {
            this.jsonName = jsonName;
        }
    }

    /**
     * The definition a sequence has from now on, after defaults were applied (protocol notes, "Sequences"): a
     * create, or anything that restarts or redefines it (setval, reset, alter, drop and create).
     */
    record SeqCreate(String key, long increment, long min, long max, long start, boolean cycle) implements Operation {
        public SeqCreate {
            Objects.requireNonNull(key);
        }

        public String name() {
            return "seq-create";
        }
    }

    /** GET_NEXT of sequence {@code key}; result {@code value}. */
    record SeqNext(String key, long value) implements Operation {
        public SeqNext {
            Objects.requireNonNull(key);
        }

        public String name() {
            return "seq-next";
        }
    }

    /**
     * Sub-cluster mode: a transaction of another sub-cluster joins this one under its GXID (REGISTER). It is
     * active here from its ok answer on, like a begun one, but this sub-cluster did not hand the GXID out.
     */
    record Register(int gxid) implements Operation {
        public String name() {
            return "register";
        }
    }

    /**
     * Sub-cluster mode: a cross-sub-cluster transaction's outcome recorded at the G-GTM; {@code commit} is what
     * was asked, {@code decision} what holds (the first decision recorded; null until answered).
     */
    record Decide(int gxid, boolean commit, Boolean decision) implements Operation {
        public String name() {
            return "decide";
        }
    }

    /** Sub-cluster mode: every participant ended the transaction; the G-GTM may drop its decision. */
    record Forget(int gxid) implements Operation {
        public String name() {
            return "forget";
        }
    }

    /** Outcomes a bad input can have on its own connection. */
    String OUTCOME_ERROR = "error";
    String OUTCOME_CLOSED = "closed";
    String OUTCOME_ANSWERED = "answered";
    String OUTCOME_NONE = "none";

    /**
     * A malformed frame sent on one connection; result: what that connection saw, one of
     * {@link #OUTCOME_ERROR}, {@link #OUTCOME_CLOSED} (both correct), {@link #OUTCOME_ANSWERED}
     * (a success answer) or {@link #OUTCOME_NONE} (neither an answer nor a close while the harness
     * waited). Null until observed.
     */
    record BadInput(String what, String outcome) implements Operation {
        public BadInput {
            Objects.requireNonNull(what);
        }

        public String name() {
            return "bad-input";
        }
    }

    static Begin begin() {
        return new Begin(0, false);
    }

    static Begin begin(int gxid) {
        return new Begin(gxid, false);
    }

    static BeginMulti beginMulti(int count) {
        return new BeginMulti(count, 0);
    }

    static BeginMulti beginMulti(int count, int firstGxid) {
        return new BeginMulti(count, firstGxid);
    }

    static SnapshotGet snapshot(int gxid) {
        return new SnapshotGet(gxid, null);
    }

    static SnapshotGet snapshot(int gxid, Snapshot snapshot) {
        return new SnapshotGet(gxid, snapshot);
    }

    static End commit(int gxid) {
        return new End(EndKind.COMMIT, gxid);
    }

    static End rollback(int gxid) {
        return new End(EndKind.ROLLBACK, gxid);
    }

    static End prepare(int gxid) {
        return new End(EndKind.PREPARE, gxid);
    }

    static SeqCreate seqCreate(String key, long increment, long min, long max, long start, boolean cycle) {
        return new SeqCreate(key, increment, min, max, start, cycle);
    }

    static SeqNext seqNext(String key) {
        return new SeqNext(key, 0);
    }

    static SeqNext seqNext(String key, long value) {
        return new SeqNext(key, value);
    }

    static BadInput badInput(String what) {
        return new BadInput(what, null);
    }

    static BadInput badInput(String what, String outcome) {
        return new BadInput(what, outcome);
    }
}
