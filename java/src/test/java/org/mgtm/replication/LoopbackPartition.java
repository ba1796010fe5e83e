package org.mgtm.replication;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Cuts TCP traffic between loopback addresses with iptables DROP rules in INPUT, and removes exactly
 * the rules it added: at {@link #close()}, and from a shutdown hook should the test JVM be stopped
 * first. Rules match the given ports as source or destination (every connection of a replica group
 * has one of its ports at one end), so processes of other tests on the same addresses are untouched.
 */
final class LoopbackPartition implements AutoCloseable {
    private final List<List<String>> added = new ArrayList<>();
    private final Thread cleanup = new Thread(this::removeAll, "reptest-iptables-cleanup");

    private LoopbackPartition() {
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /**
     * Fails (with the reason) where iptables cannot be used: not installed (.ci/run installs it), or the
     * kernel or the lack of root / CAP_NET_ADMIN refuses it.
     */
    static void requireIptables() {
        Result version;
        try {
            version = run(List.of("iptables", "--version"));
        } catch (IOException e) {
            throw new AssertionError("the partition test needs the iptables command, which is not installed: "
                    + ".ci/run installs it (apt-get install -y iptables); on a dev machine run "
                    + "'apt-get update && apt-get install -y iptables' as root (" + e.getMessage() + ")");
        }
        if (version.code != 0) {
            throw new AssertionError("iptables --version failed: " + version.output);
        }
        Result list;
        try {
            list = run(List.of("iptables", "-w", "5", "-L", "INPUT", "-n"));
        } catch (IOException e) {
            throw new AssertionError("cannot run iptables: " + e.getMessage());
        }
        if (list.code != 0) {
            throw new AssertionError("iptables cannot work here (it needs root with CAP_NET_ADMIN and kernel "
                    + "netfilter support): 'iptables -L INPUT -n' exited with " + list.code + ": " + list.output);
        }
    }

    /** Drops every packet between {@code a} and each of {@code others}, both ways, on {@code ports}. */
    static LoopbackPartition isolate(String a, List<String> others, List<Integer> ports) throws IOException {
        LoopbackPartition p = new LoopbackPartition();
        try {
            String portList = ports.stream().map(String::valueOf).collect(Collectors.joining(","));
            for (String b : others) {
                p.drop(a, b, portList);
                p.drop(b, a, portList);
            }
            return p;
        } catch (IOException | RuntimeException e) {
            p.close();
            throw e;
        }
    }

    private void drop(String from, String to, String ports) throws IOException {
        List<String> rule = List.of("-s", from, "-d", to, "-p", "tcp", "-m", "multiport", "--ports", ports,
                "-j", "DROP");
        List<String> cmd = new ArrayList<>(List.of("iptables", "-w", "5", "-I", "INPUT"));
        cmd.addAll(rule);
        Result r = run(cmd);
        if (r.code != 0) {
            throw new IOException(String.join(" ", cmd) + " failed with " + r.code + ": " + r.output);
        }
        synchronized (added) {
            added.add(rule);
        }
    }

    /** The rules in place, for messages. */
    List<String> rules() {
        synchronized (added) {
            return added.stream().map(r -> String.join(" ", r)).toList();
        }
    }

    private void removeAll() {
        synchronized (added) {
            for (List<String> rule : added) {
                List<String> cmd = new ArrayList<>(List.of("iptables", "-w", "5", "-D", "INPUT"));
                cmd.addAll(rule);
                try {
                    Result r = run(cmd);
                    if (r.code != 0) {
                        System.err.println("could not remove iptables rule " + rule + ": " + r.output);
                    }
                } catch (IOException e) {
                    System.err.println("could not remove iptables rule " + rule + ": " + e.getMessage());
                }
            }
            added.clear();
        }
    }

    /** Heals the partition. */
    @Override
    public void close() {
        removeAll();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // the JVM is shutting down and runs the hook anyway
        }
    }

    private record Result(int code, String output) {
    }

    private static Result run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " did not finish");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
    }
}
