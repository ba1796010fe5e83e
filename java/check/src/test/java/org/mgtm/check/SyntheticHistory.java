package org.mgtm.check;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import java.util.TreeSet;
import org.mgtm.protocol.Snapshot;

/**
 * Writes a long, valid, bench-shaped history without a server: clients loop begin, k snapshots,
 * commit, interleaved at random; a model GTM applies each operation at its answer, computing
 * snapshots as spec 9.5 does. Now and then a connection is lost: the operation's outcome is
 * unknown, the model rolls back the session's transaction, and the client goes on as a new process.
 */
final class SyntheticHistory {
    private SyntheticHistory() {
    }

    static long write(Path file, long events, int clients, int snapshotsPerTxn, long seed) throws IOException {
        Random random = new Random(seed);
        int[] process = new int[clients];
        int[] step = new int[clients];       // 0 begin, 1..k snapshots, k+1 commit
        boolean[] inFlight = new boolean[clients];
        int[] gxid = new int[clients];
        int nextProcess = 0;
        for (int c = 0; c < clients; c++) {
            process[c] = nextProcess++;
        }
        int nextGxid = 1000;
        int latestCompleted = 999;
        TreeSet<Integer> running = new TreeSet<>();
        long t = 0;
        long written = 0;
        try (HistoryWriter w = HistoryWriter.create(file)) {
            while (written < events) {
                int c = random.nextInt(clients);
                t += 1 + random.nextInt(3);
                Operation op = step[c] == 0 ? Operation.begin()
                        : step[c] <= snapshotsPerTxn ? Operation.snapshot(gxid[c]) : Operation.commit(gxid[c]);
                if (!inFlight[c]) {
                    w.write(new Event(t, process[c], Event.Type.INVOKE, op));
                    inFlight[c] = true;
                    written++;
                    continue;
                }
                inFlight[c] = false;
                written++;
                if (random.nextInt(5000) == 0) {
                    // Lost: the model may or may not have applied it; either way the session's transaction ends.
                    w.write(new Event(t, process[c], Event.Type.INFO, op, "connection lost", null, Event.NO_TERM));
                    if (step[c] > 0 && running.remove(gxid[c])) {
                        latestCompleted = Math.max(latestCompleted, gxid[c]);
                    } else if (step[c] == 0 && random.nextBoolean()) {
                        nextGxid++;
                    }
                    process[c] = nextProcess++;
                    step[c] = 0;
                    continue;
                }
                Operation result;
                if (step[c] == 0) {
                    gxid[c] = nextGxid++;
                    running.add(gxid[c]);
                    result = Operation.begin(gxid[c]);
                } else if (step[c] <= snapshotsPerTxn) {
                    int xmax = latestCompleted + 1;
                    int[] xip = running.headSet(xmax).stream().mapToInt(Integer::intValue).toArray();
                    int xmin = xip.length == 0 ? xmax : xip[0];
                    result = Operation.snapshot(gxid[c], new Snapshot(xmin, xmax, xmin, xip));
                } else {
                    running.remove(gxid[c]);
                    latestCompleted = Math.max(latestCompleted, gxid[c]);
                    result = op;
                }
                w.write(new Event(t, process[c], Event.Type.OK, result));
                step[c] = step[c] == snapshotsPerTxn + 1 ? 0 : step[c] + 1;
            }
        }
        return written;
    }
}
