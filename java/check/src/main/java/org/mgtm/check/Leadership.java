package org.mgtm.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Invariant 6: only the leader answers. The harness records when each replica was leader of which
 * term; an answer that names the replica (and perhaps the term) that gave it was produced at some
 * moment between its invoke and its arrival, so it is a violation only if no leadership interval
 * of that replica (of that term, if both are known) meets that window. Also, two replicas leading
 * the same term contradict Raft and are reported. Without intervals, or without answers that name
 * their replica, nothing is checked and the summary says so.
 */
final class Leadership {
    private static final class NodeIntervals {
        final List<LeaderInterval> list = new ArrayList<>();
        final List<Long> lines = new ArrayList<>();
        long[] maxEndSoFar;
    }

    private final Map<String, NodeIntervals> byNode = new HashMap<>();
    private final Findings findings;

    Leadership(List<LeaderInterval> leaders, List<Long> lines, Findings findings) {
        this.findings = findings;
        Map<Long, Integer> termOwner = new HashMap<>();
        Integer[] order = new Integer[leaders.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Long.compare(leaders.get(a).start(), leaders.get(b).start()));
        for (int i : order) {
            LeaderInterval l = leaders.get(i);
            NodeIntervals n = byNode.computeIfAbsent(l.node(), k -> new NodeIntervals());
            n.list.add(l);
            n.lines.add(lines.get(i));
            if (l.term() != Event.NO_TERM) {
                Integer other = termOwner.putIfAbsent(l.term(), i);
                if (other != null && !leaders.get(other).node().equals(l.node())) {
                    findings.violation(6, "replicas " + leaders.get(other).node() + " and " + l.node()
                            + " were both leader of term " + l.term(), lines.get(other), lines.get(i));
                }
            }
        }
        for (NodeIntervals n : byNode.values()) {
            n.maxEndSoFar = new long[n.list.size()];
            long max = Long.MIN_VALUE;
            for (int k = 0; k < n.list.size(); k++) {
                max = Math.max(max, n.list.get(k).end());
                n.maxEndSoFar[k] = max;
            }
        }
        if (leaders.isEmpty()) {
            findings.notChecked(6, "the history has no leadership intervals");
        } else {
            findings.notChecked(6, "no answer in the history names the replica that gave it");
        }
    }

    boolean hasIntervals() {
        return !byNode.isEmpty();
    }

    /** An ok answer by {@code node} in {@code term} (or {@link Event#NO_TERM}) to an operation invoked at {@code invoked}. */
    void answer(String node, long term, long invoked, long done, long invokeLine, long line) {
        if (byNode.isEmpty()) {
            return;
        }
        findings.checked(6);
        NodeIntervals n = byNode.get(node);
        String who = "replica " + node + (term == Event.NO_TERM ? "" : " (term " + term + ")");
        if (n == null) {
            findings.violation(6, who + " answered but was never leader", invokeLine, line);
            return;
        }
        // The last interval that starts by the answer's arrival, and the ones before it whose ends
        // reach back into the window (maxEndSoFar lets the walk stop at once in the usual case).
        int k = lastStartingBy(n.list, done);
        for (; k >= 0 && n.maxEndSoFar[k] >= invoked; k--) {
            LeaderInterval l = n.list.get(k);
            boolean termFits = term == Event.NO_TERM || l.term() == Event.NO_TERM || l.term() == term;
            if (termFits && l.end() >= invoked) {
                return;
            }
        }
        findings.violation(6, who + " answered between t=" + invoked + " and t=" + done
                + " but was not leader" + (term == Event.NO_TERM ? "" : " of that term") + " at any time then",
                invokeLine, line);
    }

    private static int lastStartingBy(List<LeaderInterval> list, long t) {
        int lo = 0;
        int hi = list.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (list.get(mid).start() <= t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo - 1;
    }
}
