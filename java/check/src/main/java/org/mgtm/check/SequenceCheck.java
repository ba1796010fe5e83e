package org.mgtm.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Invariant 5: a sequence never returns the same value twice within one cycle, and stays within
 * its bounds.
 *
 * <p>A key's history is cut into epochs by its seq-create operations (a create, or anything that
 * redefines or restarts the sequence). A value belongs to an epoch only if its whole operation
 * (invoke to answer) lies between the end of one create and the start of the next, so it was
 * certainly computed under that definition; values of operations that overlap a create are left
 * out. Within an epoch whose create was acknowledged:
 * <ul>
 *   <li>each value must lie within [min, max];</li>
 *   <li>a value returned twice is a violation if the sequence does not cycle; if it cycles, only
 *       if fewer operations could have advanced it in between than a full cycle takes: to come
 *       back to a value the sequence must advance {@code (max - min) / |increment| + 1} times,
 *       and every advance between the two is a nextval (answered or unknown, not failed) whose
 *       invoke-to-answer window meets the span from the earlier invoke to the later answer.</li>
 * </ul>
 * Keys without a seq-create, and epochs after a create of unknown outcome, are not checked: the
 * checker cannot know whether such a sequence cycles, or its bounds.
 */
final class SequenceCheck {
    private static final class Key {
        final List<Operation.SeqCreate> defs = new ArrayList<>();
        final LongList defInvoke = new LongList();
        final LongList defDone = new LongList();
        final LongList value = new LongList();
        final LongList valueInvoke = new LongList();
        final LongList valueDone = new LongList();
        final LongList valueLine = new LongList();
        final LongList advanceInvoke = new LongList();
        final LongList advanceDone = new LongList();
    }

    private final Map<String, Key> keys = new LinkedHashMap<>();
    private long values;

    private Key key(String k) {
        return keys.computeIfAbsent(k, x -> new Key());
    }

    /** A create (or redefinition); {@code def} null and {@code done} NEVER when its outcome is unknown. */
    void define(String k, Operation.SeqCreate def, long invoked, long done) {
        Key key = key(k);
        key.defs.add(def);
        key.defInvoke.add(invoked);
        key.defDone.add(done);
    }

    /** A nextval that may have advanced the sequence without its value being seen. */
    void advance(String k, long invoked) {
        Key key = key(k);
        key.advanceInvoke.add(invoked);
        key.advanceDone.add(TxnFacts.NEVER);
    }

    void value(String k, long v, long invoked, long done, long line) {
        Key key = key(k);
        key.value.add(v);
        key.valueInvoke.add(invoked);
        key.valueDone.add(done);
        key.valueLine.add(line);
        key.advanceInvoke.add(invoked);
        key.advanceDone.add(done);
        values++;
    }

    void check(Findings findings) {
        for (Map.Entry<String, Key> e : keys.entrySet()) {
            check(e.getKey(), e.getValue(), findings);
        }
        if (values == 0) {
            findings.notChecked(5, "no sequence values in the history");
        } else {
            findings.notChecked(5, "no value was returned under a known definition (record seq-create)");
        }
    }

    private void check(String name, Key key, Findings findings) {
        int nDefs = key.defs.size();
        Integer[] order = new Integer[nDefs];
        for (int i = 0; i < nDefs; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(key.defInvoke.get(a), key.defInvoke.get(b)));
        long[] defInvoke = new long[nDefs];
        long[] doneSoFar = new long[nDefs];
        long latest = Long.MIN_VALUE;
        for (int k = 0; k < nDefs; k++) {
            defInvoke[k] = key.defInvoke.get(order[k]);
            latest = Math.max(latest, key.defDone.get(order[k]));
            doneSoFar[k] = latest;
        }
        // Epoch of each value: the last create invoked before it, if every create invoked so far
        // had completed before it and the next one was invoked after its answer.
        int n = key.value.size();
        int[] epoch = new int[n];
        int attributed = 0;
        for (int v = 0; v < n; v++) {
            long inv = key.valueInvoke.get(v);
            long done = key.valueDone.get(v);
            int k = lastAtOrBefore(defInvoke, inv);
            boolean clean = (k < 0 || doneSoFar[k] < inv) && (k + 1 >= nDefs || done < defInvoke[k + 1]);
            Operation.SeqCreate def = clean && k >= 0 ? key.defs.get(order[k]) : null;
            epoch[v] = def == null ? -1 : k;
            if (def == null) {
                continue;
            }
            attributed++;
            findings.checked(5);
            long value = key.value.get(v);
            if (value < def.min() || value > def.max()) {
                findings.violation(5, "sequence " + name + " returned " + value + ", outside its bounds ["
                        + def.min() + ", " + def.max() + "]", key.valueLine.get(v));
            }
        }
        if (attributed < 2) {
            return;
        }
        int[] idx = new int[attributed];
        for (int v = 0, j = 0; v < n; v++) {
            if (epoch[v] >= 0) {
                idx[j++] = v;
            }
        }
        IntSort.sort(idx, (a, b) -> {
            int c = Integer.compare(epoch[a], epoch[b]);
            if (c == 0) {
                c = Long.compare(key.value.get(a), key.value.get(b));
            }
            return c != 0 ? c : Long.compare(key.valueDone.get(a), key.valueDone.get(b));
        });
        long[] advInvoke = key.advanceInvoke.sorted();
        long[] advDone = key.advanceDone.sorted();
        for (int j = 1; j < idx.length; j++) {
            int a = idx[j - 1];
            int b = idx[j];
            if (epoch[a] != epoch[b] || key.value.get(a) != key.value.get(b)) {
                continue;
            }
            Operation.SeqCreate def = key.defs.get(order[epoch[a]]);
            long from = Math.min(key.valueInvoke.get(a), key.valueInvoke.get(b));
            long to = Math.max(key.valueDone.get(a), key.valueDone.get(b));
            String what = "sequence " + name + " returned " + key.value.get(a) + " twice";
            if (!def.cycle()) {
                findings.violation(5, what + " (it does not cycle)", key.valueLine.get(a), key.valueLine.get(b));
                continue;
            }
            if (def.increment() == 0) {
                continue;
            }
            long between = countAtOrBefore(advInvoke, to) - countBefore(advDone, from) - 2;
            long cycle = cycleLength(def);
            if (between < cycle - 1) {
                findings.violation(5, what + " with at most " + between + " nextvals in between, but a cycle of ["
                        + def.min() + ", " + def.max() + "] by " + def.increment() + " takes " + cycle,
                        key.valueLine.get(a), key.valueLine.get(b));
            }
        }
    }

    /** Values in one cycle: (max - min) / |increment| + 1, capped at Long.MAX_VALUE. */
    static long cycleLength(Operation.SeqCreate def) {
        long span = def.max() - def.min();
        long step = def.increment() == Long.MIN_VALUE ? Long.MIN_VALUE : Math.abs(def.increment());
        long q = Long.divideUnsigned(span, step);
        return q < 0 || q == Long.MAX_VALUE ? Long.MAX_VALUE : q + 1;
    }

    private static int lastAtOrBefore(long[] sorted, long t) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo - 1;
    }

    private static long countAtOrBefore(long[] sorted, long t) {
        return lastAtOrBefore(sorted, t) + 1;
    }

    private static long countBefore(long[] sorted, long t) {
        return t == Long.MIN_VALUE ? 0 : lastAtOrBefore(sorted, t - 1) + 1;
    }
}
