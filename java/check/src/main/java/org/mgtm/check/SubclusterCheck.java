package org.mgtm.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The invariants across sub-clusters (docs/subclusters.md), in one pass over the whole history:
 * <ol start="9">
 *   <li>no GXID is handed out (begun) by two sub-clusters, and each lies inside a range granted to its
 *       sub-cluster (when the history holds the ranges);</li>
 *   <li>the ranges granted are disjoint;</li>
 *   <li>a GXID that becomes active in a sub-cluster (an ok begin or register) does not precede the xmax of any
 *       snapshot that sub-cluster answered before the request was sent (XC takes GXIDs below xmax and not
 *       listed as finished);</li>
 *   <li>a cross-sub-cluster transaction ends one way everywhere (no commit acknowledged in one participant and
 *       rollback in another, nor against the G-GTM's decision), and once its 2PC window has closed (the last
 *       participant acknowledged its commit) no snapshot of a participant asked afterwards shows it running.</li>
 * </ol>
 * It also measures the <em>visibility lag</em>: for each committed cross transaction, how long after a snapshot
 * of one participant first showed it finished a snapshot of a participant was still asked that showed it
 * running (the effect the sub-clustering proposal left for analysis); and the 2PC window's length.
 */
final class SubclusterCheck implements HistorySource.Visitor {
    private static final long NONE = Long.MIN_VALUE;
    private static final long NEVER = Long.MAX_VALUE;
    /** A settled cross transaction is still watched this long (history ns) before it leaves the active set. */
    private static final long WATCH_AFTER_SETTLED = 10_000_000_000L;

    /** One sub-cluster's view: its GXID line and the largest xmax it answered, by answer time. */
    private static final class Sc {
        final GxidLine line = new GxidLine();
        /** The largest xmax answered, by answer time. */
        final MaxBefore xmax = new MaxBefore();

        void answered(long time, long xmaxPlace, long at) {
            xmax.offer(time, xmaxPlace, at);
        }

        /** The largest xmax answered strictly before {@code time}, and its line. */
        long[] before(long time) {
            return new long[] {xmax.value(time), xmax.line(time)};
        }
    }

    private record Pending(long time, long line, long xmaxThen, long xmaxLine) {
    }

    /** A transaction active in more than one sub-cluster. */
    private static final class Cross {
        final int gxid;
        final Map<String, Long> activated = new LinkedHashMap<>();
        final Map<String, Long> commitAcked = new HashMap<>();
        final Set<String> rollbackAcked = new HashSet<>();
        final List<Long> endLines = new ArrayList<>();
        long firstCommitInvoked = NEVER;
        Boolean decision;
        long decisionLine;
        long firstVisible = NEVER;
        long lag = -1;
        long closed = NEVER;
        long settledAt = NEVER;
        boolean reported;

        Cross(int gxid) {
            this.gxid = gxid;
        }
    }

    /** Visibility figures of the committed cross transactions, in milliseconds. */
    record Figures(int committed, int rolledBack, int unsettled, int measured, double lagP50, double lagP99,
                   double lagMax, double windowP50, double windowP99, double windowMax, double skewP50, double skewP99,
                   double skewMax) {
    }

    private final SubclusterLayout layout;
    private final Findings findings;
    private final Map<String, Sc> scs = new HashMap<>();
    private final Map<Integer, Pending> pending = new HashMap<>();
    /** GXID -> sub-cluster that handed it out, and when (ok answer), for invariant 9 and cross homes. */
    private final Map<Integer, String> owner = new HashMap<>();
    private final Map<Integer, Long> ownerLine = new HashMap<>();
    private final Map<Integer, Long> begunAt = new HashMap<>();
    private final Map<Integer, Cross> crosses = new LinkedHashMap<>();
    private final List<Cross> active = new ArrayList<>();
    long events;

    SubclusterCheck(SubclusterLayout layout, int kept) {
        this.layout = layout;
        this.findings = Findings.forSubclusters(kept);
    }

    @Override
    public void leader(long line, LeaderInterval leader) {
    }

    @Override
    public void event(long at, Event e) {
        events++;
        String sc = layout.of(e.process());
        if (sc == null) {
            return;
        }
        Operation op = e.op();
        long t = e.time();
        if (e.isInvoke()) {
            long[] xmax = SubclusterLine.GGTM.equals(sc) ? new long[] {NONE, 0} : sc(sc).before(t);
            pending.put(e.process(), new Pending(t, at, xmax[0], xmax[1]));
            if (op instanceof Operation.End end && end.kind() == Operation.EndKind.COMMIT) {
                Cross c = crosses.get(end.gxid());
                if (c != null) {
                    c.firstCommitInvoked = Math.min(c.firstCommitInvoked, t);
                }
            }
            return;
        }
        Pending sent = pending.remove(e.process());
        if (e.type() != Event.Type.OK || sent == null) {
            return;
        }
        if (op instanceof Operation.Begin b) {
            handedOut(sc, b.gxid(), 1, sent, t, at);
        } else if (op instanceof Operation.BeginMulti m) {
            handedOut(sc, m.firstGxid(), m.count(), sent, t, at);
        } else if (op instanceof Operation.Register r) {
            activation(sc, r.gxid(), sent, at);
            Cross c = crosses.computeIfAbsent(r.gxid(), Cross::new);
            if (c.activated.isEmpty()) {
                String home = owner.get(r.gxid());
                if (home != null) {
                    c.activated.put(home, begunAt.get(r.gxid()));
                }
                active.add(c);
            }
            c.activated.put(sc, t);
        } else if (op instanceof Operation.SnapshotGet s) {
            snapshot(sc, s.snapshot().xmin(), s.snapshot().xmax(), s.snapshot().xip(), sent.time(), t, at);
        } else if (op instanceof Operation.SnapshotMulti s) {
            snapshot(sc, s.snapshot().xmin(), s.snapshot().xmax(), s.snapshot().xip(), sent.time(), t, at);
        } else if (op instanceof Operation.End end) {
            ended(sc, end, t, at);
        } else if (op instanceof Operation.Decide d) {
            Cross c = crosses.get(d.gxid());
            if (c != null && c.decision == null) {
                c.decision = d.decision();
                c.decisionLine = at;
            }
        }
    }

    private Sc sc(String name) {
        return scs.computeIfAbsent(name, n -> new Sc());
    }

    /** Invariants 9 and 11 for GXIDs a sub-cluster handed out. */
    private void handedOut(String sc, int first, int count, Pending sent, long t, long at) {
        for (int k = 0; k < count; k++) {
            int g = GxidArithmetic.groupMember(first, k);
            findings.checked(9);
            String before = owner.putIfAbsent(g, sc);
            if (before != null && !before.equals(sc)) {
                findings.violation(9, "GXID " + GxidArithmetic.toString(g) + " was handed out by sub-clusters " + before
                        + " and " + sc, ownerLine.get(g), at);
            } else if (before == null) {
                ownerLine.put(g, at);
                begunAt.put(g, t);
                if (!inOwnRanges(sc, g)) {
                    findings.violation(9, "GXID " + GxidArithmetic.toString(g) + " handed out by sub-clusters " + sc
                            + " lies in none of the ranges granted to it", at);
                }
            }
        }
        activation(sc, first, sent, at);
        Sc s = sc(sc);
        s.line.handedOut(s.line.place(GxidArithmetic.groupMember(first, count - 1)));
    }

    private boolean inOwnRanges(String sc, int g) {
        boolean any = false;
        for (SubclusterLine.Range r : layout.ranges) {
            if (r.subcluster().equals(sc)) {
                any = true;
                long u = GxidArithmetic.unsigned(g);
                if (u >= GxidArithmetic.unsigned(r.first()) && u <= GxidArithmetic.unsigned(r.last())) {
                    return true;
                }
            }
        }
        return !any; // no ranges recorded for it: nothing to check against
    }

    /** Invariant 11: an activation does not precede the xmax of any snapshot answered before it was sent. */
    private void activation(String sc, int g, Pending sent, long at) {
        findings.checked(11);
        Sc s = sc(sc);
        if (sent.xmaxThen() != NONE && s.line.place(g) < sent.xmaxThen()) {
            findings.violation(11, "GXID " + GxidArithmetic.toString(g) + " became active in sub-cluster " + sc
                    + " after it had answered a snapshot with xmax " + GxidArithmetic.toString((int) sent.xmaxThen())
                    + ": that snapshot takes it for finished", sent.xmaxLine(), sent.line(), at);
        }
    }

    private void snapshot(String sc, int xmin, int xmax, int[] xipUnsorted, long asked, long done, long at) {
        Sc s = sc(sc);
        long xmaxPlace = s.line.place(xmax);
        s.answered(done, xmaxPlace, at);
        int[] xip = xipUnsorted.clone();
        Arrays.sort(xip);
        for (Iterator<Cross> it = active.iterator(); it.hasNext(); ) {
            Cross c = it.next();
            if (c.settledAt != NEVER && done - c.settledAt > WATCH_AFTER_SETTLED) {
                it.remove();
                continue;
            }
            Long act = c.activated.get(sc);
            if (act == null || act >= asked) {
                continue;
            }
            boolean running = s.line.place(c.gxid) >= xmaxPlace || Arrays.binarySearch(xip, c.gxid) >= 0;
            if (!running) {
                c.firstVisible = Math.min(c.firstVisible, done);
            } else {
                if (c.firstVisible != NEVER && asked > c.firstVisible) {
                    c.lag = Math.max(c.lag, asked - c.firstVisible);
                }
                if (c.closed != NEVER && asked > c.closed && !c.reported) {
                    c.reported = true;
                    List<Long> lines = new ArrayList<>(c.endLines);
                    lines.add(at);
                    findings.violation(12, "cross-sub-cluster transaction " + GxidArithmetic.toString(c.gxid)
                            + " is shown running by sub-cluster " + sc + " in a snapshot asked after its 2PC window had "
                            + "closed (every participant had acknowledged its commit)",
                            lines.stream().mapToLong(Long::longValue).toArray());
                }
            }
        }
    }

    private void ended(String sc, Operation.End end, long t, long at) {
        Cross c = crosses.get(end.gxid());
        if (c == null || end.kind() == Operation.EndKind.PREPARE) {
            return;
        }
        c.endLines.add(at);
        if (end.kind() == Operation.EndKind.COMMIT) {
            c.commitAcked.putIfAbsent(sc, t);
            if (c.closed == NEVER && c.commitAcked.keySet().containsAll(c.activated.keySet())) {
                c.closed = t;
                c.settledAt = t;
            }
        } else {
            c.rollbackAcked.add(sc);
            if (c.rollbackAcked.containsAll(c.activated.keySet())) {
                c.settledAt = t;
            }
        }
    }

    /** After the scan: invariant 10 over the ranges, invariant 12's atomicity, and the figures. */
    CheckResult finish() {
        checkRanges();
        for (Cross c : crosses.values()) {
            findings.checked(12);
            long[] lines = c.endLines.stream().mapToLong(Long::longValue).toArray();
            if (!c.commitAcked.isEmpty() && !c.rollbackAcked.isEmpty()) {
                findings.violation(12, "cross-sub-cluster transaction " + GxidArithmetic.toString(c.gxid)
                        + " was committed in " + c.commitAcked.keySet() + " but rolled back in " + c.rollbackAcked, lines);
            } else if (c.decision != null && (c.decision ? !c.rollbackAcked.isEmpty() : !c.commitAcked.isEmpty())) {
                long[] withDecision = Arrays.copyOf(lines, lines.length + 1);
                withDecision[lines.length] = c.decisionLine;
                findings.violation(12, "cross-sub-cluster transaction " + GxidArithmetic.toString(c.gxid)
                        + " ended against the G-GTM's decision (" + (c.decision ? "commit" : "abort") + ")", withDecision);
            }
        }
        findings.notChecked(9, "no begin was answered");
        findings.notChecked(10, "the history holds no ranges");
        findings.notChecked(11, "no begin or registration was answered");
        findings.notChecked(12, "no cross-sub-cluster transaction (no registration was answered)");
        return findings.result(events);
    }

    private void checkRanges() {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < layout.ranges.size(); i++) {
            order.add(i);
        }
        order.sort((a, b) -> Long.compare(GxidArithmetic.unsigned(layout.ranges.get(a).first()),
                GxidArithmetic.unsigned(layout.ranges.get(b).first())));
        long reach = -1;
        int reachIndex = -1;
        for (int i : order) {
            SubclusterLine.Range r = layout.ranges.get(i);
            findings.checked(10);
            if (GxidArithmetic.unsigned(r.first()) <= reach) {
                SubclusterLine.Range o = layout.ranges.get(reachIndex);
                findings.violation(10, "range " + GxidArithmetic.toString(r.first()) + "-" + GxidArithmetic.toString(r.last())
                        + " of " + r.subcluster() + " overlaps range " + GxidArithmetic.toString(o.first()) + "-"
                        + GxidArithmetic.toString(o.last()) + " of " + o.subcluster(), layout.rangeLines.get(reachIndex),
                        layout.rangeLines.get(i));
            }
            if (GxidArithmetic.unsigned(r.last()) > reach) {
                reach = GxidArithmetic.unsigned(r.last());
                reachIndex = i;
            }
        }
    }

    Figures figures() {
        List<Long> lags = new ArrayList<>();
        List<Long> windows = new ArrayList<>();
        List<Long> skews = new ArrayList<>();
        int committed = 0;
        int rolledBack = 0;
        int unsettled = 0;
        for (Cross c : crosses.values()) {
            if (c.closed != NEVER) {
                committed++;
                windows.add(c.closed - c.firstCommitInvoked);
                long firstAck = c.commitAcked.values().stream().mapToLong(Long::longValue).min().orElse(c.closed);
                skews.add(c.closed - firstAck);
                if (c.firstVisible != NEVER) {
                    lags.add(Math.max(0, c.lag));
                }
            } else if (c.settledAt != NEVER) {
                rolledBack++;
            } else {
                unsettled++;
            }
        }
        lags.sort(null);
        windows.sort(null);
        skews.sort(null);
        return new Figures(committed, rolledBack, unsettled, lags.size(), ms(lags, 0.5), ms(lags, 0.99), ms(lags, 1.0),
                ms(windows, 0.5), ms(windows, 0.99), ms(windows, 1.0), ms(skews, 0.5), ms(skews, 0.99), ms(skews, 1.0));
    }

    private static double ms(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int i = (int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1);
        return sorted.get(Math.max(0, i)) / 1e6;
    }
}
