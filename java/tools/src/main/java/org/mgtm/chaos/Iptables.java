package org.mgtm.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * iptables DROP rules in INPUT between loopback addresses, restricted to the given ports (as source
 * or destination), so that only the chaos run's own group is cut. Removes exactly the rules it added:
 * at {@link #healAll()}, and from a shutdown hook should the JVM be stopped first.
 */
public final class Iptables implements AutoCloseable {
    private final List<List<String>> added = new ArrayList<>();
    private final Thread cleanup = new Thread(this::healAll, "chaos-iptables-cleanup");

    public Iptables() {
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /** Throws with the reason when iptables cannot be used here (not installed, not root). */
    public static void require() throws IOException {
        Result r;
        try {
            r = run(List.of("iptables", "-w", "5", "-L", "INPUT", "-n"));
        } catch (IOException e) {
            throw new IOException("partitions need the iptables command (apt-get install -y iptables): " + e.getMessage());
        }
        if (r.code != 0) {
            throw new IOException("iptables cannot work here (needs root with CAP_NET_ADMIN): " + r.output);
        }
    }

    /** Cuts every packet between each address of {@code side1} and each of {@code side2}, both ways. */
    public void cut(List<String> side1, List<String> side2, List<Integer> ports) throws IOException {
        String portList = ports.stream().map(String::valueOf).collect(Collectors.joining(","));
        for (String a : side1) {
            for (String b : side2) {
                drop(a, b, portList);
                drop(b, a, portList);
            }
        }
    }

    /**
     * Cuts only the packets from each address of {@code from} to each of {@code to}: {@code to} no longer
     * hears {@code from}, which still hears them (TCP data gets through in that direction; its
     * acknowledgements do not).
     */
    public void cutOneWay(List<String> from, List<String> to, List<Integer> ports) throws IOException {
        String portList = ports.stream().map(String::valueOf).collect(Collectors.joining(","));
        for (String a : from) {
            for (String b : to) {
                drop(a, b, portList);
            }
        }
    }

    private void drop(String from, String to, String ports) throws IOException {
        List<String> rule = List.of("-s", from, "-d", to, "-p", "tcp", "-m", "multiport", "--ports", ports,
                "-j", "DROP");
        List<String> cmd = new ArrayList<>(List.of("iptables", "-w", "5", "-I", "INPUT"));
        cmd.addAll(rule);
        synchronized (added) {
            Result r = run(cmd);
            if (r.code != 0) {
                throw new IOException(String.join(" ", cmd) + " failed with " + r.code + ": " + r.output);
            }
            added.add(rule);
        }
    }

    int rulesInPlace() {
        synchronized (added) {
            return added.size();
        }
    }

    /** The rules in place, for messages. */
    public List<String> rules() {
        synchronized (added) {
            return added.stream().map(r -> String.join(" ", r)).toList();
        }
    }

    /** Removes every rule this object added. */
    public void healAll() {
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

    @Override
    public void close() {
        healAll();
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
