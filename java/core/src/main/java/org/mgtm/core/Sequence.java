package org.mgtm.core;

import org.mgtm.protocol.SequenceKey;

/**
 * One global sequence, with PostgreSQL's (last_value, is_called) model: {@code value} is the value
 * handed out last when {@code called}, and the value the next GET_NEXT hands out when not.
 *
 * <p>Invariants (kept by {@link SequenceTable}): {@code increment != 0}; {@code min < max};
 * {@code min <= start <= max}; {@code min <= value <= max}. Ascending means increment > 0.
 */
final class Sequence {
    final SequenceKey key;
    long value;
    long start;
    long increment;
    long min;
    long max;
    boolean cycle;
    boolean called;

    Sequence(SequenceKey key, long value, long start, long increment, long min, long max, boolean cycle,
             boolean called) {
        this.key = key;
        this.value = value;
        this.start = start;
        this.increment = increment;
        this.min = min;
        this.max = max;
        this.cycle = cycle;
        this.called = called;
    }

    Sequence renamed(SequenceKey newKey) {
        return new Sequence(newKey, value, start, increment, min, max, cycle, called);
    }

    /** Null if (increment, min, max, start) satisfy the invariants, else the reason why not. */
    static String checkDefinition(SequenceKey key, long increment, long min, long max, long start) {
        if (increment == 0) {
            return "Failed to open a new sequence: increment must not be zero (sequence " + quote(key) + ")";
        }
        if (min >= max) {
            return "Max value must be greater than min value (sequence " + quote(key) + ": min " + min
                    + ", max " + max + ")";
        }
        if (start < min) {
            return "Start value must be greater than or equal to the min value (sequence " + quote(key)
                    + ": start " + start + ", min " + min + ")";
        }
        if (start > max) {
            return "Start value must be less than or equal to the max value (sequence " + quote(key)
                    + ": start " + start + ", max " + max + ")";
        }
        return null;
    }

    static String quote(SequenceKey key) {
        return "\"" + key + "\"";
    }

    /** One stable line with every field, for {@code describe()}. */
    String describe() {
        return "seq " + ResponseText.key(key) + " value=" + value + " called=" + called + " start=" + start + " inc=" + increment
                + " min=" + min + " max=" + max + " cycle=" + cycle;
    }
}
