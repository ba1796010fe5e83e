package org.mgtm.check;

import java.io.IOException;
import java.util.Map;
import java.util.SortedSet;

/**
 * A history the checker can read as often as it needs (it makes two passes, so a file of millions
 * of events never has to fit in memory): a file ({@link HistoryReader}) or an in-memory
 * {@link History}. Positions are 1-based line numbers, so violations point into the file.
 */
public interface HistorySource {

    interface Visitor {
        void event(long line, Event event);

        void leader(long line, LeaderInterval leader);

        /** A sub-cluster line (process, member, range); most visitors need none. */
        default void subcluster(long line, SubclusterLine subcluster) {
        }
    }

    /** Calls the visitor for every event and leadership line, in file order. */
    void scan(Visitor visitor) throws IOException;

    /** The text of the given lines, for reports. */
    Map<Long, String> lines(SortedSet<Long> wanted) throws IOException;

    /** A name for messages: the file, or "memory". */
    String name();
}
