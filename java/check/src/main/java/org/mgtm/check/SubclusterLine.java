package org.mgtm.check;

import java.util.Objects;

/**
 * The lines of a history of several sub-clusters (docs/history-format.md, "Sub-clusters") that are not
 * events: which sub-cluster a process talks to, which sub-cluster a replica belongs to, and the GXID ranges
 * the G-GTM granted. A history with process lines is checked per sub-cluster and across them
 * ({@link SubclusterChecker}).
 */
public sealed interface SubclusterLine {
    /** The sub-cluster's name; {@link #GGTM} for the G-GTM. */
    String subcluster();

    /** The name the G-GTM's processes and members are listed under. */
    String GGTM = "ggtm";

    /** Process {@code process} is a session with sub-cluster {@code subcluster}. */
    record Process(int process, String subcluster) implements SubclusterLine {
        public Process {
            Objects.requireNonNull(subcluster);
        }
    }

    /** Replica {@code node} (as in leader lines and answers' node field) belongs to {@code subcluster}. */
    record Member(String node, String subcluster) implements SubclusterLine {
        public Member {
            Objects.requireNonNull(node);
            Objects.requireNonNull(subcluster);
        }
    }

    /** The G-GTM granted GXIDs {@code first .. last} (unsigned, within one wrap) to {@code subcluster}. */
    record Range(String subcluster, int first, int last) implements SubclusterLine {
        public Range {
            Objects.requireNonNull(subcluster);
        }
    }
}
