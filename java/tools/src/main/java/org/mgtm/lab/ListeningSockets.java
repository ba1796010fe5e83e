package org.mgtm.lab;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Who listens where, from the kernel's socket tables (/proc/net/tcp and tcp6) rather than by
 * connecting: a connection that closes without a startup message leaves XC 0.9.2's gtm_proxy
 * unable to serve anyone. Other labs on this machine may use the same loopback addresses and ports
 * (the project's test suite runs its Ansible lab on 127.0.0.11-13 and .31-.32), so a port counts as
 * served by a program only when the listening socket is that program's.
 */
final class ListeningSockets {
    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

    private ListeningSockets() {
    }

    /**
     * How the tables print a socket serving IPv4 address {@code ipv4} at {@code port}: addresses as
     * little-endian hex words; the address itself, IPv4's wildcard, the IPv4-mapped IPv6 address
     * (Java's sockets) and IPv6's wildcard.
     */
    static Set<String> kernelAddresses(byte[] ipv4, int port) {
        String v4 = String.format("%02X%02X%02X%02X", ipv4[3], ipv4[2], ipv4[1], ipv4[0]);
        String p = String.format(":%04X", port);
        return Set.of(v4 + p, "00000000" + p, "0000000000000000FFFF0000" + v4 + p, "0".repeat(32) + p);
    }

    /** The inodes of the sockets listening on {@code host:port} (or on any address at that port). */
    static Set<String> listeners(String host, int port) throws IOException {
        Set<String> addresses = kernelAddresses(InetAddress.getByName(host).getAddress(), port);
        Set<String> inodes = new HashSet<>();
        for (Path table : TABLES) {
            if (!Files.isReadable(table)) {
                continue;
            }
            for (String line : Files.readAllLines(table)) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...; st 0A: LISTEN
                if (f.length > 9 && addresses.contains(f[1]) && f[3].equals("0A")) {
                    inodes.add(f[9]);
                }
            }
        }
        return inodes;
    }

    /** True when {@code process} or one of its descendants (a program started through runuser) holds one of the sockets. */
    static boolean heldBy(ProcessHandle process, Set<String> inodes) {
        if (inodes.isEmpty()) {
            return false;
        }
        return Stream.concat(Stream.of(process), process.descendants()).anyMatch(p -> {
            try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(p.pid()), "fd"))) {
                return fds.anyMatch(fd -> {
                    try {
                        String target = Files.readSymbolicLink(fd).toString();
                        return target.startsWith("socket:[")
                                && inodes.contains(target.substring(8, target.length() - 1));
                    } catch (IOException gone) {
                        return false;
                    }
                });
            } catch (IOException gone) {
                return false;
            }
        });
    }

    /**
     * Fails, naming them, when programs already listen on any of {@code addresses}: a lab started
     * there would serve (or be served by) someone else's processes.
     */
    static void requireFree(List<InetSocketAddress> addresses) throws IOException {
        List<String> taken = new ArrayList<>();
        for (InetSocketAddress a : addresses) {
            if (!listeners(a.getHostString(), a.getPort()).isEmpty()) {
                taken.add(a.getHostString() + ":" + a.getPort());
            }
        }
        if (!taken.isEmpty()) {
            throw new IOException("another program already listens on " + String.join(", ", taken)
                    + ": stop it, or move the lab (--replica-hosts, --node-hosts)");
        }
    }
}
