package org.mgtm.replication;

import java.io.IOException;
import java.util.List;
import org.mgtm.chaos.Iptables;

/**
 * A partition between loopback addresses for the replication tests: the chaos runner's
 * {@link Iptables} rules, with the tests' way of failing where iptables cannot be used.
 */
final class LoopbackPartition implements AutoCloseable {
    private final Iptables iptables = new Iptables();

    private LoopbackPartition() {
    }

    /**
     * Fails (with the reason) where iptables cannot be used: not installed (bin/mgtm-test installs it), or the
     * kernel or the lack of root / CAP_NET_ADMIN refuses it.
     */
    static void requireIptables() {
        try {
            Iptables.require();
        } catch (IOException e) {
            throw new AssertionError("the partition test cannot cut loopback traffic: " + e.getMessage()
                    + " (.ci/run installs iptables; on a dev machine run 'apt-get update && apt-get install -y "
                    + "iptables' as root)");
        }
    }

    /** Drops every packet between {@code a} and each of {@code others}, both ways, on {@code ports}. */
    static LoopbackPartition isolate(String a, List<String> others, List<Integer> ports) throws IOException {
        LoopbackPartition p = new LoopbackPartition();
        try {
            p.iptables.cut(List.of(a), others, ports);
            return p;
        } catch (IOException | RuntimeException e) {
            p.close();
            throw e;
        }
    }

    /**
     * Drops every packet from {@code a} to each of {@code others} on {@code ports}, but not the other way:
     * they stop hearing {@code a}, which still hears them.
     */
    static LoopbackPartition silence(String a, List<String> others, List<Integer> ports) throws IOException {
        LoopbackPartition p = new LoopbackPartition();
        try {
            p.iptables.cutOneWay(List.of(a), others, ports);
            return p;
        } catch (IOException | RuntimeException e) {
            p.close();
            throw e;
        }
    }

    /** The rules in place, for messages. */
    List<String> rules() {
        return iptables.rules();
    }

    /** Heals the partition. */
    @Override
    public void close() {
        iptables.close();
    }
}
