package org.mgtm.check;

import java.util.Objects;

/**
 * A time during which the test harness knows replica {@code node} was the leader of {@code term},
 * in the history's clock (nanoseconds since the recording started). {@code end} is
 * {@link Long#MAX_VALUE} if it was still leader when the history ended.
 */
public record LeaderInterval(String node, long term, long start, long end) {
    public LeaderInterval {
        Objects.requireNonNull(node);
        if (end < start) {
            throw new IllegalArgumentException("leadership of " + node + " ends before it starts");
        }
    }
}
