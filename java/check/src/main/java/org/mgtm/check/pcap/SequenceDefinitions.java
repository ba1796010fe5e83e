package org.mgtm.check.pcap;

import java.util.HashMap;
import java.util.Map;
import org.mgtm.check.Operation;
import org.mgtm.protocol.Request;

/**
 * The definition each sequence has at this point of the capture, so that everything that restarts
 * or redefines one can be recorded as the history format asks: a {@code seq-create} with the
 * definition in effect afterwards (protocol notes, "Sequences"). A sequence created before the capture has no known
 * definition; the checker does not check it (it cannot know its bounds or whether it cycles).
 */
final class SequenceDefinitions {
    private static final long UNSET = Request.UNSET_SEQUENCE_VALUE;
    private final Map<String, Operation.SeqCreate> known = new HashMap<>();

    /**
     * The {@code seq-create} a request amounts to, or null if it does not redefine a sequence, or
     * redefines one whose definition is unknown.
     */
    Operation.SeqCreate redefinition(Request r) {
        if (r instanceof Request.SequenceInit i) {
            return init(i);
        }
        if (r instanceof Request.SequenceAlter a) {
            // ALTER applies every value as sent, with no default markers (protocol notes, "Sequences").
            return new Operation.SeqCreate(a.key().toString(), a.increment(), a.minValue(), a.maxValue(),
                    a.startValue(), a.cycle());
        }
        if (r instanceof Request.SequenceSetVal s) {
            return known.get(s.key().toString());
        }
        if (r instanceof Request.SequenceReset s) {
            return known.get(s.key().toString());
        }
        if (r instanceof Request.SequenceRename s) {
            Operation.SeqCreate old = known.get(s.oldKey().toString());
            return old == null ? null : new Operation.SeqCreate(s.newKey().toString(), old.increment(), old.min(),
                    old.max(), old.start(), old.cycle());
        }
        return null;
    }

    /** Keeps track of the request's effect: {@code applied} true if it certainly took effect, false if maybe. */
    void answered(Request r, boolean applied) {
        if (r instanceof Request.SequenceClose c) {
            known.remove(c.key().toString());
        } else if (r instanceof Request.SequenceRename s) {
            Operation.SeqCreate def = applied ? redefinition(r) : null;
            known.remove(s.oldKey().toString());
            put(s.newKey().toString(), def);
        } else {
            Operation.SeqCreate def = redefinition(r);
            if (def != null) {
                put(def.key(), applied ? def : null);
            }
        }
    }

    private void put(String key, Operation.SeqCreate def) {
        if (def == null) {
            known.remove(key);
        } else {
            known.put(key, def);
        }
    }

    /** INIT with the GTM's defaults for unset fields (protocol notes, "Sequences"). */
    static Operation.SeqCreate init(Request.SequenceInit i) {
        long inc = i.increment() == UNSET ? 1 : i.increment();
        boolean ascending = inc > 0;
        long min = i.minValue() != UNSET ? i.minValue() : ascending ? 1 : -0x7FFF_FFFF_FFFF_FFFEL;
        long max = i.maxValue() != UNSET ? i.maxValue() : ascending ? 0x7FFF_FFFF_FFFF_FFFEL : -1;
        long start = i.startValue() != UNSET ? i.startValue() : ascending ? min : max;
        return new Operation.SeqCreate(i.key().toString(), inc, min, max, start, i.cycle());
    }
}
