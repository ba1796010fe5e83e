package org.mgtm.core;

import java.util.List;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.TxnRef;
import org.mgtm.protocol.subcluster.SubclusterRequest;
import org.mgtm.protocol.subcluster.SubclusterResponse;

/**
 * The rules of sub-cluster mode on top of {@link TransactionManager} (docs/subclusters.md): recording granted
 * ranges, cross-sub-cluster registration, begins above a floor, cross prepares, and what the leader reports to
 * the G-GTM.
 *
 * <p>The horizon. XC decides visibility with {@code xmax}: a GXID below a snapshot's xmax and not listed in
 * its xip is taken as finished. In one group GXIDs are handed out in increasing order, so a transaction that
 * starts after a snapshot always has a GXID at or above its xmax. In a sub-cluster that no longer holds: a
 * registered transaction of another sub-cluster can end here with a GXID above every GXID this group has
 * handed out, and snapshots then have their xmax above GXIDs this group has not handed out yet. The rule kept
 * here, for every GXID that becomes active in this group (its own begins and registrations):
 * <b>it follows or equals the horizon {@code advance(latestCompleted)}</b>, which is at least the xmax of
 * every snapshot answered so far (latestCompleted only moves forward). Own begins skip leased GXIDs below the
 * horizon ({@link Leases#reserve}); a registration below it is refused as TOO_OLD (the transaction must start
 * again above it, {@link SubclusterRequest.BeginAbove}).
 */
final class SubclusterTransactions {
    private SubclusterTransactions() {
    }

    /** Every snapshot answered so far had an xmax at or below this; new active GXIDs must not precede it. */
    static int horizon(TransactionManager tm) {
        return Gxids.advance(tm.latestCompleted);
    }

    /** The answer to a begin that found no leased GXIDs for it. */
    static Response.Error exhausted(Subcluster s, int count) {
        return Response.Error.error("Failed to get a new transaction id: sub-cluster " + s.name + " holds no leased GXIDs"
                + (count > 1 ? " for a run of " + count : "")
                + " (the G-GTM has not granted its next range yet; see mgtm-ctl status)");
    }

    /**
     * The G-GTM granted a range for request {@code requestId}. Recorded only if it is the one expected next
     * (a second leader, or a retried append, may deliver the same grant again) and follows what is leased.
     * The group's first range ever also raises latestCompleted below it, as XC's -x does, so the horizon
     * starts where the GXIDs do.
     */
    static void grant(TransactionManager tm, Command.RangeGranted g) {
        Subcluster s = tm.subcluster;
        if (g.requestId() != s.nextRequestId) {
            return;
        }
        boolean first = s.leases.lastLeased() == 0;
        if (!s.leases.add(g.first(), g.last())) {
            return;
        }
        s.nextRequestId++;
        if (first) {
            if (tm.nextGxid == Gxids.FIRST_NORMAL && tm.latestCompleted == Gxids.MAX) {
                // A fresh state: set, not raised, since the first range may lie more than 2^31 from the initial
                // counter (3), where the modulo-2^31 order cannot tell.
                tm.nextGxid = g.first();
                tm.latestCompleted = Gxids.retreat(g.first());
            } else {
                // The group has a past (a start GXID, or GXIDs of its plain days): its request asked for GXIDs at
                // or above them, and should a range still lie below the horizon, the horizon rule skips it.
                tm.raise(g.first());
            }
        }
        tm.syncCursor();
    }

    /** The group's identity towards the G-GTM: the first one applied stays. */
    static void claim(TransactionManager tm, long claim) {
        if (tm.subcluster.claim == 0 && claim != 0) {
            tm.subcluster.claim = claim;
        }
    }

    static Response register(TransactionManager tm, long session, int backendId, SubclusterRequest.Register r) {
        Subcluster s = tm.subcluster;
        int g = r.gxid();
        if (!Gxids.isNormal(g)) {
            return Response.Error.error("Failed to register the transaction: gxid " + Gxids.toString(g) + " is not normal");
        }
        if (tm.txns.slotOfGxid(g) != TransactionTable.NONE) {
            return Response.Error.error("Failed to register the transaction: gxid " + Gxids.toString(g)
                    + " is already open in sub-cluster " + s.name);
        }
        if (s.leases.holds(g)) {
            return Response.Error.error("Failed to register the transaction: gxid " + Gxids.toString(g)
                    + " lies in a range leased to sub-cluster " + s.name + " itself");
        }
        int horizon = horizon(tm);
        if (Gxids.precedes(g, horizon)) {
            return new SubclusterResponse.Refused(SubclusterResponse.Refused.TOO_OLD, horizon, "gxid "
                    + Gxids.toString(g) + " precedes the horizon " + Gxids.toString(horizon) + " of sub-cluster "
                    + s.name + ": its snapshots already treat it as finished; start the transaction again above it");
        }
        // When g ends here the horizon passes it: the group must then hold GXIDs above g to go on.
        s.demand(Gxids.advance(g));
        if (s.leases.remainingFrom(Gxids.advance(g)) == 0) {
            return new SubclusterResponse.Refused(SubclusterResponse.Refused.NO_LEASE, horizon, "sub-cluster " + s.name
                    + " holds no leased GXID above " + Gxids.toString(g) + " yet; its leader is asking the G-GTM");
        }
        if (tm.txns.freeSlots() == 0) {
            return Response.Error.error("Max transaction limit reached");
        }
        // Its xmin is fixed now, like a begin's (invariant 5 of TransactionManager): g follows or equals the
        // horizon, which is at least the xmax of every snapshot so far, and every GXID that becomes active
        // later follows or equals the horizon then; so no later snapshot has an xmin below this one.
        tm.txns.begin(g, session, backendId, r.isolation(), r.readOnly(), false, tm.beginXmin());
        return new SubclusterResponse.Registered(g);
    }

    static Response beginAbove(TransactionManager tm, long session, int backendId, SubclusterRequest.BeginAbove b) {
        Subcluster s = tm.subcluster;
        int horizon = horizon(tm);
        int floor = Gxids.isNormal(b.floor()) && Gxids.follows(b.floor(), horizon) ? b.floor() : horizon;
        // Checked before skipping anything: a floor beyond every lease must not throw the leases away.
        if (s.leases.remainingFrom(floor) == 0) {
            s.demand(floor);
            return new SubclusterResponse.Refused(SubclusterResponse.Refused.NO_LEASE, horizon, "sub-cluster " + s.name
                    + " holds no leased GXID at or above " + Gxids.toString(floor) + " yet; its leader is asking the G-GTM");
        }
        s.leases.skipBefore(floor);
        tm.syncCursor();
        return tm.beginGxid(session, backendId, b.isolation(), b.readOnly(), false);
    }

    static Response prepareCross(TransactionManager tm, SubclusterRequest.PrepareCross p) {
        Response reply = tm.prepare(TxnRef.gxid(p.gxid()), List.of());
        if (reply instanceof Response.Prepared) {
            tm.subcluster.cross.add(p.gxid());
        }
        return reply;
    }

    /**
     * The oldest GXID the group may still hand out or has open (the G-GTM keeps every grant within 2^31 of
     * the oldest such GXID of every sub-cluster); 0 when it has neither.
     */
    static int oldestInUse(TransactionManager tm) {
        Subcluster s = tm.subcluster;
        int oldest = s.leases.isEmpty() ? 0 : s.leases.cursor();
        for (int slot = tm.txns.head(); slot != TransactionTable.NONE; slot = tm.txns.next(slot)) {
            int g = tm.txns.gxid(slot);
            if (Gxids.isNormal(g) && (oldest == 0 || Gxids.precedes(g, oldest))) {
                oldest = g;
            }
        }
        return oldest;
    }
}
