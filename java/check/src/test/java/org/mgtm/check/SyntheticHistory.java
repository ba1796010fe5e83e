package org.mgtm.check;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import java.util.TreeSet;
import org.mgtm.protocol.Snapshot;

/**
 * Writes a long, valid, bench-shaped history without a server: clients loop begin, k snapshots,
 * commit, interleaved at random; a model GTM applies each operation at its answer, computing
 * snapshots as XC does (protocol notes, "Snapshots") (a transaction's first snapshot sets its xmin, and the least xmin of
 * the running transactions is the recent global xmin). Now and then a connection is lost: the operation's outcome is
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
        // The xmin each client's transaction got from its first snapshot (protocol notes, "Snapshots"), as a multiset.
        boolean[] holds = new boolean[clients];
        int[] heldXmin = new int[clients];
        java.util.TreeMap<Integer, Integer> held = new java.util.TreeMap<>();
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
                    release(held, holds, heldXmin, c);
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
                    int rgxmin = held.isEmpty() ? xmin : Math.min(xmin, held.firstKey());
                    result = Operation.snapshot(gxid[c], new Snapshot(xmin, xmax, rgxmin, xip));
                    if (!holds[c]) {
                        holds[c] = true;
                        heldXmin[c] = xmin;
                        held.merge(xmin, 1, Integer::sum);
                    }
                } else {
                    running.remove(gxid[c]);
                    release(held, holds, heldXmin, c);
                    latestCompleted = Math.max(latestCompleted, gxid[c]);
                    result = op;
                }
                w.write(new Event(t, process[c], Event.Type.OK, result));
                step[c] = step[c] == snapshotsPerTxn + 1 ? 0 : step[c] + 1;
            }
        }
        return written;
    }

    private static void release(java.util.TreeMap<Integer, Integer> held, boolean[] holds, int[] heldXmin, int c) {
        if (holds[c]) {
            holds[c] = false;
            held.merge(heldXmin[c], -1, (a, b) -> a + b == 0 ? null : a + b);
        }
    }
}
