package org.mgtm.net;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ClientAllowlistTest {
    private static InetSocketAddress at(String ip) {
        return new InetSocketAddress(ip, 5000);
    }

    @Test
    void theDefaultAdmitsLoopbackOnly() {
        ClientAllowlist loopback = ClientAllowlist.parse(ClientAllowlist.LOOPBACK);
        assertTrue(loopback.admits(at("127.0.0.1")));
        assertTrue(loopback.admits(at("127.0.0.32")));
        assertTrue(loopback.admits(at("::1")));
        assertFalse(loopback.admits(at("128.0.0.1")));
        assertFalse(loopback.admits(at("10.0.0.1")));
    }

    @Test
    void prefixesNeedNotFallOnByteBoundaries() {
        ClientAllowlist list = ClientAllowlist.parse("127.0.0.16/28, 127.0.1.5");
        assertTrue(list.admits(at("127.0.0.16")));
        assertTrue(list.admits(at("127.0.0.31")));
        assertFalse(list.admits(at("127.0.0.32")));
        assertFalse(list.admits(at("127.0.0.15")));
        assertTrue(list.admits(at("127.0.1.5")));
        assertFalse(list.admits(at("127.0.1.6")));
        assertFalse(list.admits(at("::1")), "an IPv4 list admits no IPv6 client");
    }

    @Test
    void starAdmitsEveryone() {
        ClientAllowlist all = ClientAllowlist.parse("*");
        assertTrue(all.admits(at("127.0.0.1")));
        assertTrue(all.admits(at("::1")));
    }

    @Test
    void badListsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ClientAllowlist.parse(""));
        assertThrows(IllegalArgumentException.class, () -> ClientAllowlist.parse("127.0.0.1/33"));
        assertThrows(IllegalArgumentException.class, () -> ClientAllowlist.parse("localhost"));
    }
}
