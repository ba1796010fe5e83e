package org.mgtm.replication.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.jgroups.protocols.raft.FileBasedLog;
import org.jgroups.protocols.raft.LogEntries;
import org.jgroups.protocols.raft.LogEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a log written by an earlier mgtm (jgroups-raft's FileBasedLog: {@code entries.raft}, {@code metadata.raft},
 * {@code state_snapshot.raft}) into {@link DurableLog}'s files once, at the first start of this version: the term,
 * vote, commit index, snapshot and entries are copied, the new files synced, and the old ones moved to
 * {@code filebasedlog-imported/} beside them (delete it once the replica runs).
 */
final class LegacyLogImport {
    private static final Logger log = LoggerFactory.getLogger(LegacyLogImport.class);
    static final String[] OLD_FILES = {"entries.raft", "metadata.raft", "state_snapshot.raft"};
    static final String MOVED_TO = "filebasedlog-imported";

    private LegacyLogImport() {
    }

    static boolean needed(Path dir) {
        return Files.exists(dir.resolve("metadata.raft")) && !Files.exists(dir.resolve(LogFiles.ENTRIES));
    }

    static void run(Path dir) throws Exception {
        // Built aside and moved in, log.entries last: a crash half-way leaves the old log in charge, and the next
        // start imports again.
        Path aside = dir.resolve(".import");
        deleteTree(aside);
        FileBasedLog old = new FileBasedLog();
        old.init(dir.toString(), Map.of());
        long first = Math.max(1, old.firstAppended());
        long last = old.lastAppended();
        DurableLog fresh = new DurableLog();
        fresh.init(aside.toString(), Map.of());
        try {
            copy(old, fresh, dir, first, last);
        } finally {
            fresh.close();
            old.close();
        }
        for (String name : new String[] {LogFiles.META, LogFiles.SNAPSHOT, LogFiles.ENTRIES}) {
            if (Files.exists(aside.resolve(name))) {
                Files.move(aside.resolve(name), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        LogFiles.syncDirectory(dir);
        Path moved = Files.createDirectories(dir.resolve(MOVED_TO));
        for (String name : OLD_FILES) {
            if (Files.exists(dir.resolve(name))) {
                Files.move(dir.resolve(name), moved.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        deleteTree(aside);
        LogFiles.syncDirectory(dir);
        log.info("imported the raft log of an earlier version in {}: entries {}..{}, commit index {}; the old files "
                + "are in {}", dir, first, last, old.commitIndex(), moved);
    }

    private static void copy(FileBasedLog old, DurableLog fresh, Path dir, long first, long last) throws IOException {
        ByteBuffer snapshot = old.getSnapshot();
        if (snapshot != null) {
            fresh.setSnapshot(snapshot);
        }
        fresh.currentTerm(old.currentTerm());
        if (old.votedFor() != null) {
            fresh.votedFor(old.votedFor());
        }
        if (last >= first) {
            LogEntry head = old.get(first);
            if (head == null) {
                throw new IOException("the old log in " + dir + " has no entry " + first + " (last " + last + ")");
            }
            if (first > 1) {
                fresh.reinitializeTo(first, head);
            } else {
                fresh.append(1, one(head));
            }
            for (long i = first + 1; i <= last; i++) {
                LogEntry e = old.get(i);
                if (e == null) {
                    log.warn("the old log in {} ends at entry {} (of {}): importing up to there", dir, i - 1, last);
                    break;
                }
                fresh.append(i, one(e));
            }
        }
        fresh.commitIndex(Math.min(old.commitIndex(), fresh.lastAppended()));
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static LogEntries one(LogEntry e) {
        return new LogEntries().add(e);
    }
}
