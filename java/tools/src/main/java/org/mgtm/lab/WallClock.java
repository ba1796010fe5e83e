package org.mgtm.lab;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** The wall-clock time on the live lines of the demo and the chaos run, to line them up with the logs. */
public final class WallClock {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private WallClock() {
    }

    /** Now, as HH:mm:ss.SSS (the logs carry the date too, in the same format). */
    public static String now() {
        return LocalTime.now().format(TIME);
    }
}
