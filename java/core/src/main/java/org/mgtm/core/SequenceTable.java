package org.mgtm.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.ResultType;
import org.mgtm.protocol.SequenceKey;

/**
 * The global sequences (docs/protocol-notes.md, "Sequences"), with the XC bugs fixed: unknown keys are errors (not value 22),
 * SET_VAL and GET_CURRENT follow PostgreSQL, a failed INIT/ALTER/RENAME changes nothing, a RENAME
 * onto an existing key leaves the source usable, and bounds arithmetic cannot overflow.
 *
 * <p>Every operation checks everything first and changes state only when it will succeed, so an
 * error answer always means "nothing happened". {@link #changes()} counts successful mutations.
 */
final class SequenceTable {
    // Defaults of INIT when a field carries Request.UNSET_SEQUENCE_VALUE (protocol notes, "Constants").
    static final long ASC_DEFAULT_MIN = 1;
    static final long ASC_DEFAULT_MAX = 0x7FFF_FFFF_FFFF_FFFEL;
    static final long DESC_DEFAULT_MIN = -0x7FFF_FFFF_FFFF_FFFEL;
    static final long DESC_DEFAULT_MAX = -1;

    private final HashMap<SequenceKey, Sequence> byKey = new HashMap<>();
    private long changes;

    int count() {
        return byKey.size();
    }

    long changes() {
        return changes;
    }

    private static Response.Error unknown(String what, SequenceKey key) {
        return Response.Error.error(what + ": no sequence " + Sequence.quote(key));
    }

    private static String badKeyLength(SequenceKey key) {
        if (key.length() == 0 || key.length() > SequenceKey.MAX_LENGTH) {
            return "key length " + key.length() + " is outside 1.." + SequenceKey.MAX_LENGTH;
        }
        return null;
    }

    Response init(Request.SequenceInit r) {
        SequenceKey key = r.key();
        String bad = badKeyLength(key);
        if (bad != null) {
            return Response.Error.error("Failed to open a new sequence: " + bad);
        }
        if (byKey.containsKey(key)) {
            return Response.Error.error("Failed to open a new sequence: sequence " + Sequence.quote(key)
                    + " already exists");
        }
        long inc = r.increment() == Request.UNSET_SEQUENCE_VALUE ? 1 : r.increment();
        boolean ascending = inc > 0;
        long min = r.minValue() != Request.UNSET_SEQUENCE_VALUE ? r.minValue()
                : ascending ? ASC_DEFAULT_MIN : DESC_DEFAULT_MIN;
        long max = r.maxValue() != Request.UNSET_SEQUENCE_VALUE ? r.maxValue()
                : ascending ? ASC_DEFAULT_MAX : DESC_DEFAULT_MAX;
        // PostgreSQL's default start: min for ascending, max for descending (XC used min for both).
        long start = r.startValue() != Request.UNSET_SEQUENCE_VALUE ? r.startValue() : ascending ? min : max;
        String err = Sequence.checkDefinition(key, inc, min, max, start);
        if (err != null) {
            return Response.Error.error(err);
        }
        byKey.put(key, new Sequence(key, start, start, inc, min, max, r.cycle(), false));
        changes++;
        return new Response.SequenceKeyResult(ResultType.SEQUENCE_INIT, key);
    }

    /**
     * ALTER: increment, bounds, cycle and the recorded start are replaced as sent (no default
     * markers); with is_restart the value becomes {@code lastValue}, not yet handed out. The new
     * definition and the resulting value are validated before anything changes.
     */
    Response alter(Request.SequenceAlter r) {
        Sequence s = byKey.get(r.key());
        if (s == null) {
            return unknown("Failed to open a new sequence", r.key());
        }
        String err = Sequence.checkDefinition(s.key, r.increment(), r.minValue(), r.maxValue(), r.startValue());
        if (err != null) {
            return Response.Error.error(err);
        }
        long value = r.isRestart() ? r.lastValue() : s.value;
        if (value < r.minValue() || value > r.maxValue()) {
            return Response.Error.error("Failed to open a new sequence: value " + value + " of sequence "
                    + Sequence.quote(s.key) + " would be outside [" + r.minValue() + ", " + r.maxValue() + "]");
        }
        s.increment = r.increment();
        s.min = r.minValue();
        s.max = r.maxValue();
        s.start = r.startValue();
        s.cycle = r.cycle();
        if (r.isRestart()) {
            s.value = value;
            s.called = false;
        }
        changes++;
        return new Response.SequenceKeyResult(ResultType.SEQUENCE_ALTER, s.key);
    }

    Response getNext(SequenceKey key) {
        Sequence s = byKey.get(key);
        if (s == null) {
            return unknown("Can not get current value of the sequence", key);
        }
        if (s.called) {
            long inc = s.increment;
            long next = s.value + inc;
            // Overflow iff both operands have the same sign and the result's differs (as Math.addExact).
            boolean overflow = ((s.value ^ next) & (inc ^ next)) < 0;
            if (inc > 0 && (overflow || next > s.max)) {
                if (!s.cycle) {
                    return Response.Error.error("Can not get current value of the sequence: sequence "
                            + Sequence.quote(key) + " reached its maximum value " + s.max);
                }
                next = s.min;
            } else if (inc < 0 && (overflow || next < s.min)) {
                if (!s.cycle) {
                    return Response.Error.error("Can not get current value of the sequence: sequence "
                            + Sequence.quote(key) + " reached its minimum value " + s.min);
                }
                next = s.max;
            }
            s.value = next;
        } else {
            s.called = true;
        }
        changes++;
        return new Response.SequenceValue(ResultType.SEQUENCE_GET_NEXT, s.key, s.value);
    }

    /** The current value, without side effects (on a never-called sequence: the value GET_NEXT will give). */
    Response getCurrent(SequenceKey key) {
        Sequence s = byKey.get(key);
        if (s == null) {
            return unknown("Can not get current value of the sequence", key);
        }
        return new Response.SequenceValue(ResultType.SEQUENCE_GET_CURRENT, s.key, s.value);
    }

    /** The value handed out last (the sequence's value field; the start value if never called). */
    Response getLast(SequenceKey key) {
        Sequence s = byKey.get(key);
        if (s == null) {
            return unknown("Can not get last value of the sequence", key);
        }
        return new Response.SequenceValue(ResultType.SEQUENCE_GET_LAST, s.key, s.value);
    }

    /** setval(v, called): v must lie within the bounds (PostgreSQL; XC did not check). */
    Response setVal(Request.SequenceSetVal r) {
        Sequence s = byKey.get(r.key());
        if (s == null) {
            return unknown("Failed to set values of sequence", r.key());
        }
        if (r.value() < s.min || r.value() > s.max) {
            return Response.Error.error("Failed to set values of sequence: value " + r.value()
                    + " is out of bounds for sequence " + Sequence.quote(s.key) + " [" + s.min + ", " + s.max + "]");
        }
        s.value = r.value();
        s.called = r.isCalled();
        changes++;
        return new Response.SequenceKeyResult(ResultType.SEQUENCE_SET_VAL, s.key);
    }

    Response reset(SequenceKey key) {
        Sequence s = byKey.get(key);
        if (s == null) {
            return unknown("Can not reset the sequence", key);
        }
        s.value = s.start;
        s.called = false;
        changes++;
        return new Response.SequenceKeyResult(ResultType.SEQUENCE_RESET, s.key);
    }

    Response close(SequenceKey key) {
        if (byKey.remove(key) == null) {
            return unknown("Can not close the sequence", key);
        }
        changes++;
        return new Response.SequenceKeyResult(ResultType.SEQUENCE_CLOSE, key);
    }

    Response rename(Request.SequenceRename r) {
        String bad = badKeyLength(r.newKey());
        if (bad != null) {
            return Response.Error.error("Can not rename the sequence: new " + bad);
        }
        Sequence s = byKey.get(r.oldKey());
        if (s == null) {
            return unknown("Can not rename the sequence", r.oldKey());
        }
        if (byKey.containsKey(r.newKey())) {
            return Response.Error.error("Can not rename the sequence: sequence " + Sequence.quote(r.newKey())
                    + " already exists");
        }
        byKey.remove(s.key);
        byKey.put(r.newKey(), s.renamed(r.newKey()));
        changes++;
        return new Response.SequenceKeyResult(ResultType.SEQUENCE_RENAME, r.newKey());
    }

    /** Every sequence, sorted by key (unsigned byte order): the order of snapshots and describe(). */
    List<Sequence> sorted() {
        List<Sequence> all = new ArrayList<>(byKey.values());
        all.sort((a, b) -> a.key.compareTo(b.key));
        return all;
    }

    void restore(Sequence s) {
        String bad = badKeyLength(s.key);
        String err = bad != null ? bad : Sequence.checkDefinition(s.key, s.increment, s.min, s.max, s.start);
        if (err == null && (s.value < s.min || s.value > s.max)) {
            err = "value out of bounds";
        }
        if (err != null || byKey.putIfAbsent(s.key, s) != null) {
            throw new IllegalArgumentException("bad sequence " + s.key + ": " + (err != null ? err : "duplicate"));
        }
    }

    void restoreChanges(long n) {
        changes = n;
    }
}
