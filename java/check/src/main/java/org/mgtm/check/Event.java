package org.mgtm.check;

import java.util.Objects;

/**
 * One line of a history: a process invoked an operation, or the operation completed.
 *
 * @param time    nanoseconds since the recording started (monotonic clock); events are in time order
 * @param process the client that did it. A process is one session: one operation in flight at a
 *                time, and never used again after an {@link Type#INFO} completion
 * @param type    invoke, or how it completed
 * @param op      the operation, with its result on {@link Type#OK}
 * @param error   what went wrong ({@code fail} and {@code info}), else null
 * @param node    the replica that answered, if known, else null
 * @param term    that replica's term, if known, else {@link #NO_TERM}
 */
public record Event(long time, int process, Type type, Operation op, String error, String node, long term) {
    public static final long NO_TERM = -1;

    public Event {
        Objects.requireNonNull(type);
        Objects.requireNonNull(op);
    }

    public Event(long time, int process, Type type, Operation op) {
        this(time, process, type, op, null, null, NO_TERM);
    }

    public enum Type {
        /** The operation was sent. */
        INVOKE("invoke"),
        /** A success answer came. */
        OK("ok"),
        /** A definite error answer came: the operation did not take effect. */
        FAIL("fail"),
        /** No answer (connection lost, timeout): the operation may or may not have taken effect. */
        INFO("info");

        final String jsonName;

        Type(String jsonName) {
            this.jsonName = jsonName;
        }

        static Type of(String jsonName) {
            for (Type t : values()) {
                if (t.jsonName.equals(jsonName)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown event type " + jsonName);
        }
    }

    public boolean isInvoke() {
        return type == Type.INVOKE;
    }
}
