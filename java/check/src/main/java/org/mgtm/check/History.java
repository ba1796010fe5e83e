package org.mgtm.check;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * A history held in memory: events in time order, and the leadership intervals the harness
 * recorded. For reports, event i (from 0) is line i + 1 and the intervals follow the events; a
 * file written by {@link #write} starts with a header line, so there each line is one further on.
 */
public record History(List<Event> events, List<LeaderInterval> leaders, List<SubclusterLine> subclusterLines)
        implements HistorySource {
    public History {
        events = List.copyOf(events);
        leaders = List.copyOf(leaders);
        subclusterLines = List.copyOf(subclusterLines);
    }

    /** A history of one GTM group: no sub-cluster lines. */
    public History(List<Event> events, List<LeaderInterval> leaders) {
        this(events, leaders, List.of());
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void scan(Visitor visitor) {
        for (int i = 0; i < events.size(); i++) {
            visitor.event(i + 1, events.get(i));
        }
        for (int i = 0; i < leaders.size(); i++) {
            visitor.leader(events.size() + i + 1, leaders.get(i));
        }
        for (int i = 0; i < subclusterLines.size(); i++) {
            visitor.subcluster(events.size() + leaders.size() + i + 1, subclusterLines.get(i));
        }
    }

    @Override
    public Map<Long, String> lines(SortedSet<Long> wanted) {
        Map<Long, String> out = new HashMap<>();
        for (long line : wanted) {
            int i = (int) line - 1;
            if (i >= 0 && i < events.size()) {
                out.put(line, HistoryFormat.encode(events.get(i)));
            } else if (i >= events.size() && i < events.size() + leaders.size()) {
                out.put(line, HistoryFormat.encode(leaders.get(i - events.size())));
            } else if (i >= events.size() + leaders.size() && i < events.size() + leaders.size() + subclusterLines.size()) {
                out.put(line, HistoryFormat.encode(subclusterLines.get(i - events.size() - leaders.size())));
            }
        }
        return out;
    }

    @Override
    public String name() {
        return "memory";
    }

    /** Writes the history as a file in the mgtm-history format. */
    public void write(Path file) throws IOException {
        try (HistoryWriter w = HistoryWriter.create(file)) {
            for (Event e : events) {
                w.write(e);
            }
            for (LeaderInterval l : leaders) {
                w.write(l);
            }
            for (SubclusterLine l : subclusterLines) {
                w.write(l);
            }
        }
    }

    /**
     * Collects events in any order (tests write one process at a time); {@link #build} sorts them
     * by time, keeping the order of events with the same time.
     */
    public static final class Builder {
        private final List<Event> events = new ArrayList<>();
        private final List<LeaderInterval> leaders = new ArrayList<>();
        private final List<SubclusterLine> subclusterLines = new ArrayList<>();

        public Builder add(Event e) {
            events.add(e);
            return this;
        }

        public Builder invoke(int process, long time, Operation op) {
            return add(new Event(time, process, Event.Type.INVOKE, op));
        }

        public Builder ok(int process, long time, Operation op) {
            return add(new Event(time, process, Event.Type.OK, op));
        }

        public Builder ok(int process, long time, Operation op, String node, long term) {
            return add(new Event(time, process, Event.Type.OK, op, null, node, term));
        }

        public Builder fail(int process, long time, Operation op, String error) {
            return add(new Event(time, process, Event.Type.FAIL, op, error, null, Event.NO_TERM));
        }

        public Builder info(int process, long time, Operation op, String error) {
            return add(new Event(time, process, Event.Type.INFO, op, error, null, Event.NO_TERM));
        }

        /** An invoke at {@code invoked} and its ok completion at {@code completed}. */
        public Builder op(int process, long invoked, long completed, Operation invoke, Operation result) {
            return invoke(process, invoked, invoke).ok(process, completed, result);
        }

        public Builder leader(String node, long term, long start, long end) {
            return leader(new LeaderInterval(node, term, start, end));
        }

        public Builder leader(LeaderInterval l) {
            leaders.add(l);
            return this;
        }

        public Builder subcluster(SubclusterLine l) {
            subclusterLines.add(l);
            return this;
        }

        public History build() {
            List<Event> sorted = new ArrayList<>(events);
            sorted.sort(Comparator.comparingLong(Event::time));
            return new History(sorted, leaders, subclusterLines);
        }
    }
}
