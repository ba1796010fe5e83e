package org.mgtm.chaos;

import java.io.IOException;
import java.util.List;
import org.mgtm.testing.FreePorts;

/**
 * Ports for a chaos run in a test: free on every host of the run, the raft port with the two above it
 * (FD_SOCK2 takes raft + 100 and + 101) and apart from the XC and internal ports, so that a test run
 * beside another lab on the machine does not meet it.
 */
record ChaosPorts(int xc, int internal, int raft) {
    static ChaosPorts pick(List<String> hosts) throws IOException {
        int raft = FreePorts.pick(hosts, 100, 101);
        int xc;
        int internal;
        do {
            xc = FreePorts.pick(hosts);
            internal = FreePorts.pick(hosts);
        } while (xc == internal || Math.abs(xc - raft) <= 101 || Math.abs(internal - raft) <= 101);
        return new ChaosPorts(xc, internal, raft);
    }

    /** The chaos command's options for these ports. */
    List<String> options() {
        return List.of("--port", Integer.toString(xc), "--internal-port", Integer.toString(internal), "--raft-port",
                Integer.toString(raft));
    }
}
