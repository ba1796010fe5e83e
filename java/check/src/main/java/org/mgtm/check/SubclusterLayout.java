package org.mgtm.check;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What a history says of its sub-clusters (its process, member and range lines), read in a first scan: which
 * sub-cluster each process talks to and each replica belongs to, and the ranges the G-GTM granted. A history
 * without process lines is a single group's.
 */
final class SubclusterLayout {
    final Map<Integer, String> processes = new HashMap<>();
    final Map<String, String> members = new HashMap<>();
    final List<SubclusterLine.Range> ranges = new ArrayList<>();
    final List<Long> rangeLines = new ArrayList<>();
    /** The sub-clusters with processes, by name, without the G-GTM. */
    final TreeSet<String> subclusters = new TreeSet<>();

    static SubclusterLayout read(HistorySource source) throws IOException {
        SubclusterLayout layout = new SubclusterLayout();
        source.scan(new HistorySource.Visitor() {
            public void event(long line, Event event) {
            }

            public void leader(long line, LeaderInterval leader) {
            }

            public void subcluster(long line, SubclusterLine l) {
                if (l instanceof SubclusterLine.Process p) {
                    String before = layout.processes.put(p.process(), p.subcluster());
                    if (before != null && !before.equals(p.subcluster())) {
                        throw new HistoryFormatException(source.name(), line, "process " + p.process()
                                + " is listed in sub-clusters " + before + " and " + p.subcluster());
                    }
                    if (!SubclusterLine.GGTM.equals(p.subcluster())) {
                        layout.subclusters.add(p.subcluster());
                    }
                } else if (l instanceof SubclusterLine.Member m) {
                    layout.members.put(m.node(), m.subcluster());
                } else if (l instanceof SubclusterLine.Range r) {
                    layout.ranges.add(r);
                    layout.rangeLines.add(line);
                }
            }
        });
        return layout;
    }

    boolean multi() {
        return !processes.isEmpty();
    }

    /** The sub-cluster of a process, or null (a process without a line belongs to none). */
    String of(int process) {
        return processes.get(process);
    }
}
