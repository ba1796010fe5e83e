package org.mgtm.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.TxnRef;
import org.mgtm.protocol.subcluster.SubclusterRequest;
import org.mgtm.protocol.subcluster.SubclusterResponse;

/**
 * A G-GTM and three sub-cluster groups driven by random steps (fixed seeds), as their leaders and clients
 * would: range requests (retried, answered twice, recorded late or twice, by a new session), begins (single
 * and grouped), snapshots, ends, registrations of other sub-clusters' transactions, begins above a floor, and
 * snapshot round trips of every machine. After every step:
 * <ul>
 *   <li>no two grants (to any sub-clusters) share a GXID, and none holds 0-2 (positions, across wraps);</li>
 *   <li>every GXID a sub-cluster hands out lies in a range granted to it, and none is handed out twice;</li>
 *   <li>the horizon: a GXID that becomes active in a sub-cluster (begin or registration) follows or equals the
 *       xmax of every snapshot that sub-cluster answered before (what XC's visibility needs when GXIDs of other
 *       sub-clusters interleave);</li>
 *   <li>a sub-cluster's own GXIDs grow;</li>
 *   <li>a snapshot changes nothing (answered by {@code read} or through {@code apply}), and its xmin follows
 *       or equals the xmin its transaction recorded at its begin or registration (invariant 5).</li>
 * </ul>
 */
class SubclusterModelTest {
    private static final CoreLimits LIMITS = new CoreLimits(64, 16, 256);
    private static final String[] NAMES = {"A", "B", "C"};
    private static final int STEPS = 4000;

    private static final class Group {
        final String name;
        GtmStateMachine m;
        final long claim;
        final List<Integer> open = new ArrayList<>();
        final Set<Integer> granted = new HashSet<>();
        int maxXmax;
        boolean answeredSnapshot;
        int lastOwn;
        SubclusterResponse.RangeGrant unrecorded;

        Group(String name, long claim) {
            this.name = name;
            this.claim = claim;
            this.m = GtmStateMachine.forSubcluster(LIMITS, name);
            m.apply(new Command.ClaimSubcluster(claim));
        }
    }

    @ParameterizedTest(name = "seed {0}, start {1}, range size {2}")
    @CsvSource({
        "1, 0, 16",
        "2, 1000, 5",
        "3, 0xFFFFFE00, 40",
        "4, 0x7FFFFF00, 7",
        "5, 0xFFFFFFF0, 64",
    })
    void grantsStayDisjointAndActivationsFollowTheHorizon(long seed, String start, int rangeSize) throws IOException {
        Random rnd = new Random(seed);
        GlobalStateMachine ggtm = new GlobalStateMachine(LIMITS);
        ggtm.apply(new Command.RaiseNextGxid((int) Long.parseLong(start.replace("0x", ""), start.startsWith("0x") ? 16 : 10)));
        Map<String, Group> groups = new HashMap<>();
        for (int i = 0; i < NAMES.length; i++) {
            groups.put(NAMES[i], new Group(NAMES[i], 100 + i));
        }
        List<long[]> grants = new ArrayList<>(); // position first, last, owner index
        Map<Integer, String> ownerOfGxid = new HashMap<>();
        long session = 1;
        int registrations = 0;
        int tooOld = 0;
        for (int step = 0; step < STEPS; step++) {
            Group g = groups.get(NAMES[rnd.nextInt(NAMES.length)]);
            int action = rnd.nextInt(100);
            if (action < 15) {
                // The leader's range keeper, with retries and late or repeated recording.
                SubclusterView v = g.m.subcluster();
                if (g.unrecorded == null && v.remainingFrom(v.demand() == 0 ? v.horizon() : v.demand()) < rangeSize) {
                    SubclusterRequest.RangeRequest rq = new SubclusterRequest.RangeRequest(g.name, g.claim,
                            v.nextRequestId(), rangeSize, v.oldestInUse(), 0);
                    Response r = ggtm.apply(new Command.Client(session++, -1, 1, 0, rq));
                    if (rnd.nextBoolean()) { // the answer was lost: the next leader asks again, same id
                        Response again = ggtm.apply(new Command.Client(session++, -1, 1, 0, rq));
                        assertEquals(r, again, "a retried range request gets the same answer");
                    }
                    if (r instanceof SubclusterResponse.RangeGrant grant) {
                        recordGrant(grants, ownerOfGxid, grant, g.name, ggtm);
                        g.unrecorded = grant;
                    }
                }
                if (g.unrecorded != null && rnd.nextInt(3) > 0) {
                    Command c = new Command.RangeGranted(g.unrecorded.requestId(), g.unrecorded.first(), g.unrecorded.last());
                    g.m.apply(c);
                    if (rnd.nextBoolean()) {
                        g.m.apply(c); // appended twice
                    }
                    g.granted.addAll(gxids(g.unrecorded));
                    g.unrecorded = null;
                }
            } else if (action < 45) {
                int n = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(5) : 1;
                Request req = n == 1 ? new Request.TxnBeginGetGxid(1, false)
                        : new Request.TxnBeginGetGxidMulti(java.util.Collections.nCopies(n, new Request.BeginEntry(1, false, (short) 0)));
                Response r = g.m.apply(Command.Client.of(1, req));
                int first = r instanceof Response.BeginGxid b ? b.gxid() : r instanceof Response.BeginGxidMulti b ? b.firstGxid() : 0;
                for (int i = 0; first != 0 && i < n; i++) {
                    int gx = Gxids.groupMember(first, i);
                    activate(g, gx, "begin");
                    assertTrue(g.granted.contains(gx), g.name + " handed out " + Gxids.toString(gx) + " outside its ranges");
                    assertTrue(g.lastOwn == 0 || Gxids.follows(gx, g.lastOwn), g.name + ": own GXIDs must grow");
                    g.lastOwn = gx;
                }
            } else if (action < 65 && !g.open.isEmpty()) {
                int gx = g.open.get(rnd.nextInt(g.open.size()));
                Request req = new Request.SnapshotGet(false, TxnRef.gxid(gx));
                // A snapshot is a pure read: the leader's path without the log answers the same and changes nothing.
                byte[] before = g.m.digest();
                Response r = rnd.nextBoolean() ? g.m.read(req) : g.m.apply(Command.Client.of(1, req));
                assertTrue(java.util.Arrays.equals(before, g.m.digest()), g.name + ": a snapshot changed the state");
                if (r instanceof Response.SnapshotResult s) {
                    // Invariant 5: the xmin fixed at the begin or registration never follows a later snapshot's.
                    int slot = g.m.transactions.txns.slotOfGxid(gx);
                    int recorded = g.m.transactions.txns.xmin(slot);
                    assertTrue(Gxids.isNormal(recorded) && Gxids.followsOrEquals(s.snapshot().xmin(), recorded),
                            g.name + ": " + Gxids.toString(gx) + " recorded xmin " + Gxids.toString(recorded)
                                    + " follows its snapshot's " + Gxids.toString(s.snapshot().xmin()));
                    int xmax = s.snapshot().xmax();
                    if (!g.answeredSnapshot || Gxids.follows(xmax, g.maxXmax)) {
                        g.maxXmax = xmax;
                    }
                    g.answeredSnapshot = true;
                }
            } else if (action < 85 && !g.open.isEmpty()) {
                int gx = g.open.remove(rnd.nextInt(g.open.size()));
                g.m.apply(Command.Client.of(1, rnd.nextBoolean() ? new Request.TxnCommit(TxnRef.gxid(gx))
                        : new Request.TxnRollback(TxnRef.gxid(gx))));
            } else if (action < 95) {
                // A transaction of another sub-cluster registers here.
                Group home = groups.get(NAMES[rnd.nextInt(NAMES.length)]);
                if (home == g || home.open.isEmpty()) {
                    continue;
                }
                int gx = home.open.get(rnd.nextInt(home.open.size()));
                if (g.open.contains(gx)) {
                    continue;
                }
                Response r = g.m.apply(Command.Client.of(1, new SubclusterRequest.Register(gx, home.name, 1, false)));
                if (r instanceof SubclusterResponse.Registered) {
                    activate(g, gx, "registration");
                    registrations++;
                } else if (r instanceof SubclusterResponse.Refused f && f.reason() == SubclusterResponse.Refused.TOO_OLD) {
                    tooOld++;
                }
            } else {
                // Snapshot round trip of the group and of the G-GTM.
                g.m = roundTrip(g.m);
                ggtm = roundTrip(ggtm);
            }
        }
        assertTrue(registrations > 0, "no registration succeeded; refused as too old: " + tooOld);
    }

    private static void activate(Group g, int gx, String how) {
        if (g.answeredSnapshot && Gxids.precedes(gx, g.maxXmax)) {
            fail(g.name + ": " + how + " of " + Gxids.toString(gx) + " after a snapshot with xmax " + Gxids.toString(g.maxXmax));
        }
        g.open.add(gx);
    }

    private static void recordGrant(List<long[]> grants, Map<Integer, String> owner, SubclusterResponse.RangeGrant grant,
                                    String name, GlobalStateMachine ggtm) {
        GlobalStateMachine.GrantView last = ggtm.recentGrants().get(ggtm.recentGrants().size() - 1);
        if (last.requestId() != grant.requestId() || !last.subcluster().equals(name)) {
            return; // a repeated answer: recorded when first granted
        }
        for (long[] other : grants) {
            if (last.first() <= other[1] && other[0] <= last.last()) {
                fail("range " + last + " overlaps an earlier grant " + other[0] + "-" + other[1]);
            }
        }
        assertTrue((last.first() & 0xFFFF_FFFFL) >= 3 && (last.first() >>> 32) == (last.last() >>> 32),
                "a range holds a special id or crosses an epoch: " + last);
        grants.add(new long[] {last.first(), last.last()});
        for (int gx : gxids(grant)) {
            String before = owner.put(gx, name);
            assertTrue(before == null || before.equals(name) || grants.size() > 100_000, "GXID granted twice");
        }
    }

    private static List<Integer> gxids(SubclusterResponse.RangeGrant g) {
        List<Integer> out = new ArrayList<>();
        for (int gx = g.first(); ; gx++) {
            out.add(gx);
            if (gx == g.last()) {
                return out;
            }
        }
    }

    private static GtmStateMachine roundTrip(GtmStateMachine m) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        m.writeSnapshot(new DataOutputStream(bytes), 1);
        GtmStateMachine copy = GtmStateMachine.readSnapshot(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())),
                LIMITS).state();
        assertEquals(m.describe(), copy.describe());
        return copy;
    }

    private static GlobalStateMachine roundTrip(GlobalStateMachine m) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        m.writeSnapshot(new DataOutputStream(bytes), 1);
        GlobalStateMachine copy = GlobalStateMachine.readSnapshot(
                new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), LIMITS).state();
        assertEquals(m.describe(), copy.describe());
        return copy;
    }
}
