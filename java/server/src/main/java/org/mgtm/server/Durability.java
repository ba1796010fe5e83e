package org.mgtm.server;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.mgtm.core.GtmStateMachine;
import org.mgtm.core.Gxids;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides after each batch whether the data directory must be rewritten before the batch's answers
 * are released, and rewrites it.
 *
 * <p>Invariant (GXIDs are never handed out twice, across any crash): the saved reservation always
 * follows every GXID that has been answered. Begins cost nothing on disk until the counter gets
 * within half a reservation chunk of the mark; then one save moves the mark a chunk further. A crash
 * therefore skips at most one chunk of GXIDs, which is harmless in a 2^31 half-space.
 *
 * <p>Sequences and prepared transactions are saved whenever a batch changed them: a nextval answered
 * is never answered again, and an acknowledged PREPARE survives a crash.
 */
final class Durability {
    private static final Logger log = LoggerFactory.getLogger(Durability.class);

    private final DataDirectory directory;
    private final int reserveChunk;
    private final ServerStats stats;
    private int reservedGxid;
    private long savedSequenceChanges = -1;
    private long savedPreparedChanges = -1;

    Durability(DataDirectory directory, int reserveChunk, ServerStats stats) {
        if (reserveChunk < 2) {
            throw new IllegalArgumentException("GXID reserve chunk must be at least 2, got " + reserveChunk);
        }
        this.directory = directory;
        this.reserveChunk = reserveChunk;
        this.stats = stats;
    }

    int reservedGxid() {
        return reservedGxid;
    }

    /** Saves unless nothing that must survive changed since the last save. */
    void afterBatch(GtmStateMachine core) {
        int headroom = reservedGxid - core.nextGxid(); // modulo-2^32 distance to the mark
        boolean gxidsRunningOut = headroom < reserveChunk / 2;
        if (gxidsRunningOut || core.sequenceChanges() != savedSequenceChanges
                || core.preparedChanges() != savedPreparedChanges) {
            save(core);
        }
    }

    /** Saves now: at startup (before serving) and at a clean shutdown. */
    void save(GtmStateMachine core) {
        int mark = Gxids.groupMember(core.nextGxid(), reserveChunk); // the counter plus a chunk, wrap-aware
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                core.writeSnapshot(out, 0);
            }
            directory.save(new DataDirectory.Image(mark, bytes.toByteArray()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save state to " + directory.path(), e);
        }
        if (log.isDebugEnabled()) {
            log.debug("saved state: next GXID {}, reserved up to {}", Integer.toUnsignedString(core.nextGxid()),
                    Integer.toUnsignedString(mark));
        }
        reservedGxid = mark;
        savedSequenceChanges = core.sequenceChanges();
        savedPreparedChanges = core.preparedChanges();
        stats.recordSave();
    }
}
