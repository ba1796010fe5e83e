package org.mgtm.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for tests that run replicas on fixed loopback addresses (127.0.0.11, .12, ...): every member of a
 * group listens on the same port number on its own address, and jgroups' FD_SOCK2 takes that port plus
 * fixed offsets (100 and 101) too, so a port is only usable if it and each offset can be bound on every
 * host. Port 0 cannot express that, hence the probing. A probe only shows the port was free a moment ago;
 * the random start spreads concurrent test JVMs apart so that they rarely race for the same one.
 */
public final class FreePorts {
    static final int LOW = 20_000;
    static final int HIGH = 45_000;
    static final int ATTEMPTS = 200;

    private FreePorts() {
    }

    /** A random port p such that p and every p + offset can be bound on every one of {@code hosts}. */
    public static int pick(List<String> hosts, int... offsets) throws IOException {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int p = ThreadLocalRandom.current().nextInt(LOW, HIGH);
            if (allFree(hosts, p, offsets)) {
                return p;
            }
        }
        throw new IOException("no free port (with offsets " + Arrays.toString(offsets) + ") on " + hosts + " after "
                + ATTEMPTS + " tries in " + LOW + "-" + HIGH);
    }

    /**
     * The lowest port in {@code from..to} that {@link #pick} would accept, for a test that keeps to a range of
     * its own so as not to meet other tests that run beside it on the machine.
     */
    public static int firstIn(List<String> hosts, int from, int to, int... offsets) throws IOException {
        for (int p = from; p <= to; p++) {
            if (allFree(hosts, p, offsets)) {
                return p;
            }
        }
        throw new IOException("no free port (with offsets " + Arrays.toString(offsets) + ") in " + from + "-" + to
                + " on " + hosts);
    }

    public static boolean isFree(String host, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean allFree(List<String> hosts, int port, int... offsets) {
        for (String h : hosts) {
            if (!isFree(h, port)) {
                return false;
            }
            for (int o : offsets) {
                if (!isFree(h, port + o)) {
                    return false;
                }
            }
        }
        return true;
    }
}
