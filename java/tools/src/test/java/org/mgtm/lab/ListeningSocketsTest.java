package org.mgtm.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Finding listening sockets and their owners in the kernel's tables, with a socket of this JVM. */
class ListeningSocketsTest {
    @Test
    void addressesAreLookedUpAsTheKernelPrintsThem() {
        assertEquals(Set.of("1F00007F:1A0A", "00000000:1A0A", "0000000000000000FFFF00001F00007F:1A0A",
                "00000000000000000000000000000000:1A0A"),
                ListeningSockets.kernelAddresses(new byte[] {127, 0, 0, 31}, 6666));
    }

    @Test
    void aSocketOfThisProcessIsFoundAndHeldByItOnly() throws Exception {
        Assumptions.assumeTrue(java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/net/tcp")),
                "needs Linux's /proc/net/tcp");
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = server.getLocalPort();
            Set<String> inodes = ListeningSockets.listeners("127.0.0.1", port);
            assertFalse(inodes.isEmpty());
            assertTrue(ListeningSockets.heldBy(ProcessHandle.current(), inodes));
            Process other = new ProcessBuilder("sleep", "5").start(); // a program that holds no socket
            try {
                assertFalse(ListeningSockets.heldBy(other.toHandle(), inodes));
            } finally {
                other.destroy();
            }
            IOException taken = assertThrows(IOException.class, () -> ListeningSockets.requireFree(
                    List.of(new InetSocketAddress("127.0.0.1", port))));
            assertTrue(taken.getMessage().contains("127.0.0.1:" + port), taken.getMessage());
            server.close();
            ListeningSockets.requireFree(List.of(new InetSocketAddress("127.0.0.1", port)));
        }
    }
}
