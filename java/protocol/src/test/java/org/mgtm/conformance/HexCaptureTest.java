package org.mgtm.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgtm.conformance.HexCapture.Direction;

class HexCaptureTest {

    @TempDir
    Path tmp;

    private Path write(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    @Test
    void segmentsAndStreams() throws IOException {
        HexCapture c = HexCapture.read(write("x.stream3.proxy2-gtm.hex", """
                C->S 0.000106000 4300000015ffff
                S->C 0.002296000 5200000004

                C->S 0.100000000 00000005
                """));
        assertEquals(3, c.segments().size());
        assertEquals(Direction.SERVER_TO_CLIENT, c.segments().get(1).direction());
        assertEquals(0.1, c.segments().get(2).time(), 1e-9);
        assertEquals(2, c.segments(Direction.CLIENT_TO_SERVER).size());
        assertArrayEquals(hex("4300000015ffff00000005"), c.clientToServer());
        assertArrayEquals(hex("5200000004"), c.serverToClient());
        assertTrue(c.proxyFramed());
        assertFalse(c.serverIsProxy());
        assertTrue(c.startsMidConnection());
    }

    @Test
    void namingRules() throws IOException {
        HexCapture backend = HexCapture.read(write("a.stream4.coord1-proxy1.hex", "C->S 0.1 410000000c\n"));
        assertFalse(backend.proxyFramed());
        assertTrue(backend.serverIsProxy());
        assertFalse(backend.startsMidConnection());
        HexCapture autovac = HexCapture.read(write("c.stream2.dn1-autovac-proxy1.hex", ""));
        assertFalse(autovac.proxyFramed());
        assertTrue(autovac.serverIsProxy());
        HexCapture direct = HexCapture.read(write("g.stream0.coord1-gtm.hex", ""));
        assertFalse(direct.proxyFramed());
        assertFalse(direct.serverIsProxy());
        assertEquals(List.of(), direct.segments());
    }

    @Test
    void malformedLinesAreErrors() throws IOException {
        Path p = write("bad.hex", "C->S 0.1\n");
        assertThrows(IllegalArgumentException.class, () -> HexCapture.read(p));
        Path q = write("bad2.hex", "X->Y 0.1 00\n");
        assertThrows(IllegalArgumentException.class, () -> HexCapture.read(q));
        Path r = write("bad3.hex", "C->S 0.1 0g\n");
        assertThrows(IllegalArgumentException.class, () -> HexCapture.read(r));
    }

    @Test
    void listsBothBuildsOfTheRealCaptureSet() {
        List<Path> files = HexCapture.captureFiles();
        assertTrue(files.stream().anyMatch(p -> p.getParent().getFileName().toString().equals("x86_64")));
        assertTrue(files.stream().allMatch(p -> p.getFileName().toString().endsWith(".hex")));
        assertTrue(HexCapture.read(files.get(0)).name().endsWith(".hex"));
    }
}
