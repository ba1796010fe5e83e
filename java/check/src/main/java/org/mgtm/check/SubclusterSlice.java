package org.mgtm.check;

import java.io.IOException;
import java.util.Map;
import java.util.SortedSet;

/**
 * One sub-cluster's part of a history of several: its processes' events and its replicas' leadership
 * intervals, with the file's line numbers, so the single-group checks (invariants 1-8) run on it unchanged.
 */
final class SubclusterSlice implements HistorySource {
    private final HistorySource source;
    private final SubclusterLayout layout;
    private final String subcluster;

    SubclusterSlice(HistorySource source, SubclusterLayout layout, String subcluster) {
        this.source = source;
        this.layout = layout;
        this.subcluster = subcluster;
    }

    @Override
    public void scan(Visitor visitor) throws IOException {
        source.scan(new Visitor() {
            public void event(long line, Event event) {
                if (subcluster.equals(layout.of(event.process()))) {
                    visitor.event(line, event);
                }
            }

            public void leader(long line, LeaderInterval leader) {
                if (subcluster.equals(layout.members.get(leader.node()))) {
                    visitor.leader(line, leader);
                }
            }
        });
    }

    @Override
    public Map<Long, String> lines(SortedSet<Long> wanted) throws IOException {
        return source.lines(wanted);
    }

    @Override
    public String name() {
        return source.name();
    }
}
