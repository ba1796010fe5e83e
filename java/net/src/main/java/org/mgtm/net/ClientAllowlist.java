package org.mgtm.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Which client addresses may connect: a list of CIDR blocks ({@code 127.0.0.0/8}, {@code 10.1.2.3},
 * {@code ::1/128}). The default admits loopback only, so a GTM started without thought is not open
 * to the network: XC's GTM protocol has no authentication at all.
 */
public final class ClientAllowlist {
    public static final String LOOPBACK = "127.0.0.0/8,::1/128";

    private record Block(byte[] network, int prefix) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    private final List<Block> blocks;
    private final String text;

    private ClientAllowlist(List<Block> blocks, String text) {
        this.blocks = blocks;
        this.text = text;
    }

    /** Parses a comma-separated list of addresses or CIDR blocks; "*" admits everyone. */
    public static ClientAllowlist parse(String spec) {
        List<Block> blocks = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            if (p.equals("*")) {
                blocks.add(new Block(new byte[4], 0));
                blocks.add(new Block(new byte[16], 0));
                continue;
            }
            int slash = p.indexOf('/');
            String host = slash < 0 ? p : p.substring(0, slash);
            byte[] network;
            try {
                if (!host.matches("[0-9a-fA-F:.]+")) {
                    throw new IllegalArgumentException("not a numeric address: " + p);
                }
                network = InetAddress.getByName(host).getAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("bad address in client allowlist: " + p, e);
            }
            int prefix = slash < 0 ? network.length * 8 : Integer.parseInt(p.substring(slash + 1));
            if (prefix < 0 || prefix > network.length * 8) {
                throw new IllegalArgumentException("bad prefix length in client allowlist: " + p);
            }
            blocks.add(new Block(network, prefix));
        }
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException("the client allowlist is empty: nobody could connect");
        }
        return new ClientAllowlist(List.copyOf(blocks), spec);
    }

    public boolean admits(SocketAddress remote) {
        if (!(remote instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return false;
        }
        byte[] address = inet.getAddress().getAddress();
        for (Block b : blocks) {
            if (b.contains(address)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return text;
    }
}
