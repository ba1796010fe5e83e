package org.mgtm.check;

import java.util.List;

/**
 * One thing the history shows went wrong.
 *
 * @param invariant the invariant of docs/invariants.md (1 to 8)
 * @param message   what is wrong, with the GXIDs, values and times involved
 * @param lines     the history lines of the events involved
 */
public record Violation(int invariant, String message, List<Long> lines) {
    public Violation {
        lines = List.copyOf(lines);
    }
}
