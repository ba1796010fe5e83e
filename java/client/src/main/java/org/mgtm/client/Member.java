package org.mgtm.client;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One static member of a replicated group, as the {@code members} setting names it: {@code id@host:raft_port}.
 * This is the one parser of the member list; replicas, mgtm_proxy, ctl, bench and the lab all read it here, so
 * the list means the same everywhere.
 *
 * @param id   the member's raft id (mgtm1, ...)
 * @param host the member's address: raft, XC and internal ports all listen there
 * @param port the member's raft (replication) port
 */
public record Member(String id, String host, int port) {
    public Member {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(host, "host");
        if (id.isBlank() || id.contains(",") || id.contains("@")) {
            throw new IllegalArgumentException("bad member id: '" + id + "'");
        }
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("bad port for " + id + ": " + port);
        }
    }

    /** Parses {@code id@host:port}. */
    public static Member parse(String spec) {
        String s = spec.trim();
        int at = s.indexOf('@');
        int colon = s.lastIndexOf(':');
        if (at <= 0 || colon < at) {
            throw new IllegalArgumentException("member must be id@host:port, got '" + spec + "'");
        }
        try {
            return new Member(s.substring(0, at), s.substring(at + 1, colon), Integer.parseInt(s.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("member must be id@host:port, got '" + spec + "'");
        }
    }

    /** Parses a comma-separated member list; blank entries are skipped, an empty list is an error. */
    public static List<Member> parseList(String list) {
        List<Member> members = new ArrayList<>();
        for (String spec : list.split(",")) {
            if (!spec.isBlank()) {
                members.add(parse(spec));
            }
        }
        if (members.isEmpty()) {
            throw new IllegalArgumentException("the member list is empty");
        }
        return members;
    }

    /**
     * The internal-protocol addresses of a member list: {@code id@host:raft_port} entries are reached at
     * {@code internalPort} on their host; a client may also name {@code host:internal_port} entries directly.
     */
    public static List<InetSocketAddress> internalAddresses(String list, int internalPort) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String spec : list.split(",")) {
            if (spec.isBlank()) {
                continue;
            }
            if (spec.contains("@")) {
                out.add(parse(spec).internalAddress(internalPort));
            } else {
                int colon = spec.lastIndexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException("member must be id@host:raft_port or host:port, got '"
                            + spec + "'");
                }
                out.add(new InetSocketAddress(spec.substring(0, colon).trim(),
                        Integer.parseInt(spec.substring(colon + 1).trim())));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("the member list is empty");
        }
        return out;
    }

    /** The list in the form {@link #parseList} reads. */
    public static String format(List<Member> members) {
        return String.join(",", members.stream().map(Member::toString).toList());
    }

    public InetSocketAddress internalAddress(int internalPort) {
        return new InetSocketAddress(host, internalPort);
    }

    @Override
    public String toString() {
        return id + "@" + host + ":" + port;
    }
}
