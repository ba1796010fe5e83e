package org.mgtm.server;

/** Counters the sequencer keeps; written by one thread, read by anyone. */
public final class ServerStats {
    private volatile long batches;
    private volatile long commands;
    private volatile long saves;
    private volatile long maxBatch;

    void recordBatch(int size) {
        batches = batches + 1;
        commands = commands + size;
        if (size > maxBatch) {
            maxBatch = size;
        }
    }

    void recordSave() {
        saves = saves + 1;
    }

    public long batches() {
        return batches;
    }

    public long commands() {
        return commands;
    }

    public long saves() {
        return saves;
    }

    public long maxBatch() {
        return maxBatch;
    }
}
