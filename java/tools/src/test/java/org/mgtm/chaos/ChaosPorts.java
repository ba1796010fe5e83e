package org.mgtm.chaos;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for a chaos run in a test: free on every host of the run, the raft port with the two above it
 * (FD_SOCK2 takes raft + 100 and + 101) and apart from the XC and internal ports, so that a test run
 * beside another lab on the machine does not meet it.
 */
record ChaosPorts(int xc, int internal, int raft) {
    static ChaosPorts pick(List<String> hosts) {
        int raft = free(hosts, 100, 101);
        int xc;
        int internal;
        do {
            xc = free(hosts);
            internal = free(hosts);
        } while (xc == internal || Math.abs(xc - raft) <= 101 || Math.abs(internal - raft) <= 101);
        return new ChaosPorts(xc, internal, raft);
    }

    /** The chaos command's options for these ports. */
    List<String> options() {
        return List.of("--port", Integer.toString(xc), "--internal-port", Integer.toString(internal), "--raft-port",
                Integer.toString(raft));
    }

    private static int free(List<String> hosts, int... offsets) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int p = ThreadLocalRandom.current().nextInt(20_000, 45_000);
            boolean free = isFree(hosts, p);
            for (int o : offsets) {
                free &= isFree(hosts, p + o);
            }
            if (free) {
                return p;
            }
        }
        throw new IllegalStateException("no free port");
    }

    private static boolean isFree(List<String> hosts, int port) {
        for (String h : hosts) {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getByName(h), port));
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
