package org.mgtm.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.TxnRef;

/**
 * Random command streams (fixed seeds) over several sessions and proxy slots, applied to the state
 * machine and to {@link ReferenceModel}; every reply, the counters and the transaction set must
 * agree after every command. A small slot limit makes "Max transaction limit reached" common; some
 * seeds start just below the GXID wraparound so the run crosses it many times over restarts.
 */
class RandomizedModelTest {
    private static final CoreLimits LIMITS = new CoreLimits(16, 3, 64);
    private static final int STEPS = 3000;

    @ParameterizedTest(name = "seed {0}, start {1}")
    @CsvSource({
        "1, 0",
        "2, 1000",
        "3, 0xFFFFFF00",
        "4, 0xFFFFFFF0",
        "5, 0x7FFFFFF0",
        "6, 0xFFFFFFFD",
    })
    void machineAgreesWithModel(long seed, String start) throws IOException {
        Random rnd = new Random(seed);
        GtmStateMachine machine = new GtmStateMachine(LIMITS);
        GtmStateMachine twin = new GtmStateMachine(LIMITS);
        ReferenceModel model = new ReferenceModel(LIMITS);
        int startGxid = (int) Long.parseLong(start.replace("0x", ""), start.startsWith("0x") ? 16 : 10);
        // Restart only moves forward by less than 2^31: three hops of a third reach any start.
        long target = Integer.toUnsignedLong(startGxid);
        for (int k = 1; k <= 3; k++) {
            Command c = new Command.Restart((int) (target * k / 3));
            machine.apply(c);
            twin.apply(c);
            model.apply(c);
        }
        assertEquals(Math.max(target, 3), Integer.toUnsignedLong(machine.nextGxid()));
        int limitErrors = 0;
        int wraps = 0;
        int listedSnapshots = 0;
        int reads = 0;
        // Its own stream, so that the commands are those the seed always gave.
        Random readPath = new Random(-seed);
        int invariantEightChecked = 0;
        boolean horizonKept = true;
        for (int step = 0; step < STEPS; step++) {
            Command c = randomCommand(rnd, model);
            long nextBefore = model.next;
            Response expected = model.apply(c);
            String where = "seed " + seed + " step " + step + ": " + c;
            Response actual;
            if (c instanceof Command.Client client && GtmStateMachine.isPureRead(client.request())
                    && readPath.nextBoolean()) {
                // The leader's path without the log: the same answer, and not a bit of the state changes.
                byte[] before = machine.digest();
                actual = machine.read(client.request());
                assertArrayEquals(before, machine.digest(), where);
                reads++;
            } else {
                actual = machine.apply(c);
            }
            assertEquals(ResponseText.render(expected), ResponseText.render(actual), where);
            assertEquals(expected, actual, where);
            twin.apply(c);
            limitErrors += actual.equals(Response.Error.error("Max transaction limit reached")) ? 1 : 0;
            wraps += model.next < nextBefore && !(c instanceof Command.Restart) ? 1 : 0;
            listedSnapshots += actual instanceof Response.SnapshotResult sr && sr.snapshot().xcnt() > 1 ? 1 : 0;
            assertEquals(model.next, Integer.toUnsignedLong(machine.nextGxid()), where);
            assertEquals(model.latest, Integer.toUnsignedLong(machine.latestCompletedGxid()), where);
            assertEquals(model.txns.size(), machine.openTransactionCount(), where);
            assertEquals(model.preparedCount(), machine.preparedCount(), where);
            assertEquals(model.preparedChanges, machine.preparedChanges(), where);
            assertEquals(model.txnLines(), machineTxnLines(machine), where);
            // Once a restart has jumped the counter 2^31 past an open transaction, GXID order means
            // nothing for the rest of the run (XC's datanodes never let it come to that).
            horizonKept &= model.withinWraparoundHorizon();
            if (horizonKept) {
                assertInvariantEight(model, actual, where);
                invariantEightChecked++;
            }
            if (step % 250 == 0) {
                machine = roundTrip(machine);
            }
        }
        // The generator must keep reaching the interesting cases.
        assertTrue(limitErrors > 10, "slot limit reached " + limitErrors + " times");
        assertTrue(listedSnapshots > 100, "snapshots listing several GXIDs: " + listedSnapshots);
        assertTrue(model.preparedChanges > 50, "prepared changes: " + model.preparedChanges);
        assertTrue(wraps > 0, "GXID wraparound never crossed by allocation");
        assertTrue(reads > 200, "reads answered without apply: " + reads);
        assertTrue(invariantEightChecked > 50, "invariant 8 checked after " + invariantEightChecked + " steps only");
        System.out.printf("seed %d: invariant 8 checked after %d of %d steps%n", seed, invariantEightChecked, STEPS);
        // The twin saw the same commands without snapshot round trips: same state, same bytes.
        assertArrayEquals(twin.digest(), machine.digest());
        assertEquals(twin.describe(), machine.describe());
    }

    /**
     * Design invariant 8 against XC's own rule, which the model keeps alongside: the xmin a
     * transaction holds never follows the one its first snapshot would have set in XC, and no
     * snapshot answer's recent_global_xmin follows the one XC would compute.
     */
    private static void assertInvariantEight(ReferenceModel model, Response answer, String where) {
        for (ReferenceModel.Txn t : model.txns) {
            if (!t.vacuum && t.firstSnapshotXmin != 0) {
                assertTrue(ReferenceModel.precedesOrEquals(t.xmin, t.firstSnapshotXmin), where + ": xmin "
                        + t.xmin + " of " + t.gxid + " follows its first snapshot's " + t.firstSnapshotXmin);
            }
        }
        org.mgtm.protocol.Snapshot snap = answer instanceof Response.SnapshotResult r ? r.snapshot()
                : answer instanceof Response.SnapshotMultiResult m ? m.snapshot()
                : answer instanceof Response.SnapshotGxidResult g ? g.snapshot() : null;
        if (snap != null) {
            long answered = Integer.toUnsignedLong(snap.recentGlobalXmin());
            long xc = model.xcRecentGlobalXmin();
            assertTrue(ReferenceModel.precedesOrEquals(answered, xc), where + ": recent_global_xmin " + answered
                    + " follows XC's " + xc);
        }
    }

    private static GtmStateMachine roundTrip(GtmStateMachine m) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeSnapshot(new DataOutputStream(out), 7);
        GtmStateMachine copy = GtmStateMachine.readSnapshot(
                new DataInputStream(new ByteArrayInputStream(out.toByteArray())), LIMITS).state();
        assertEquals(m.describe(), copy.describe());
        return copy;
    }

    private static List<String> machineTxnLines(GtmStateMachine m) {
        List<String> out = new ArrayList<>();
        for (String line : m.describe().split("\n")) {
            if (line.startsWith("txn ")) {
                out.add(line.replaceAll(" nodes=\\[[^]]*]$", ""));
            }
        }
        return out;
    }

    /** Mostly names open transactions; sometimes stale, bogus or special ids. */
    private static TxnRef ref(Random rnd, ReferenceModel model) {
        int p = rnd.nextInt(100);
        if (p < 75 && !model.txns.isEmpty()) {
            ReferenceModel.Txn t = model.txns.get(rnd.nextInt(model.txns.size()));
            return p < 60 && t.gxid != 0 ? TxnRef.gxid((int) t.gxid) : TxnRef.handle(t.handle);
        }
        if (p < 85) {
            return TxnRef.gxid((int) model.next - rnd.nextInt(40));
        }
        if (p < 92) {
            return TxnRef.gxid(rnd.nextInt(3));
        }
        return TxnRef.handle(rnd.nextInt(LIMITS.maxTransactions() + 2) - 1);
    }

    private static List<TxnRef> refs(Random rnd, ReferenceModel model) {
        List<TxnRef> out = new ArrayList<>();
        int n = rnd.nextInt(5);
        for (int i = 0; i < n; i++) {
            out.add(ref(rnd, model));
        }
        return out;
    }

    private static Command randomCommand(Random rnd, ReferenceModel model) {
        long session = 1 + rnd.nextInt(4);
        int backend = rnd.nextInt(5) - 1;
        int p = rnd.nextInt(1000);
        Request r;
        if (p < 5) {
            // Mostly small steps either way (only forward ones count) and jumps to just below the
            // wrap; rarely the farthest legal jump, the 2^31 step that counts as "behind", or 0..4.
            int n = (int) model.next;
            int q = rnd.nextInt(20);
            int target = q < 8 ? n + rnd.nextInt(50) : q < 12 ? n - rnd.nextInt(50)
                    : q < 18 ? 0xFFFF_FFF0 + rnd.nextInt(16) : q < 19 ? n + 0x7FFF_FFFF
                    : rnd.nextBoolean() ? n + 0x8000_0000 : rnd.nextInt(5);
            return new Command.Restart(target);
        } else if (p < 20) {
            return new Command.EndSession(session);
        } else if (p < 200) {
            r = new Request.TxnBeginGetGxid(1, false);
        } else if (p < 260) {
            List<Request.BeginEntry> entries = new ArrayList<>();
            int n = rnd.nextInt(5);
            for (int i = 0; i < n; i++) {
                entries.add(new Request.BeginEntry(rnd.nextInt(2), rnd.nextBoolean(), (short) rnd.nextInt(4)));
            }
            r = new Request.TxnBeginGetGxidMulti(entries);
        } else if (p < 285) {
            r = new Request.TxnBeginGetGxidAutovacuum(1, false);
        } else if (p < 305) {
            r = new Request.TxnBegin(rnd.nextInt(2), rnd.nextBoolean());
        } else if (p < 420) {
            r = new Request.TxnCommit(ref(rnd, model));
        } else if (p < 480) {
            r = new Request.TxnRollback(ref(rnd, model));
        } else if (p < 520) {
            r = new Request.TxnCommitMulti(refs(rnd, model));
        } else if (p < 540) {
            r = new Request.TxnRollbackMulti(refs(rnd, model));
        } else if (p < 720) {
            r = new Request.SnapshotGet(true, ref(rnd, model));
        } else if (p < 790) {
            r = new Request.SnapshotGetMulti(refs(rnd, model));
        } else if (p < 810) {
            r = new Request.SnapshotGxidGet(false, ref(rnd, model));
        } else if (p < 830) {
            r = new Request.TxnGetGxid(ref(rnd, model).id() % (LIMITS.maxTransactions() + 1));
        } else if (p < 880) {
            List<Integer> nodes = new ArrayList<>();
            int n = rnd.nextInt(LIMITS.maxPrepareNodes() + 2);
            for (int i = 0; i < n; i++) {
                nodes.add(rnd.nextInt(8));
            }
            r = new Request.TxnPrepare(ref(rnd, model), nodes);
        } else if (p < 920) {
            r = new Request.TxnGetStatus(ref(rnd, model));
        } else if (p < 935) {
            r = new Request.TxnGetAllPrepared();
        } else {
            r = new Request.BackendDisconnect();
        }
        return new Command.Client(session, backend, 0, 0, r);
    }
}
