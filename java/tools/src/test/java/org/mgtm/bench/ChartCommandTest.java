package org.mgtm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgtm.Main;

/** {@code mgtm bench chart}: the CSV of benchmarks/tps-clients.sh in, a PNG out, clear errors otherwise. */
class ChartCommandTest {
    private static final String CSV = """
            series,replicas,backends,split,tps,gtm_requests_per_s,p50_ms,p99_ms,errors
            XC gtm_proxy,,1,1,900,6300,1.1,2.0,0
            XC gtm_proxy,,2,1+1,1700,11900,1.2,2.4,0
            mgtm x1 via 2 proxies,1,2,1+1,800,5600,2.4,5.0,0
            mgtm x1 via 2 proxies,1,1,1,450,3150,2.2,4.1,0

            mgtm x1 via 2 proxies,1,64,32+32,9000,63000,7.0,20.5,0
            """;

    private record Run(int status, String out, String err) {
    }

    /** Through Main, as bin/mgtm runs it, so the subcommand's wiring under bench is covered too. */
    /**
     * In the full test run the fuzzing agent (Jazzer, loaded for the fuzz targets) logs each class it instruments
     * to stderr from whatever thread loads it, this command's included: those lines are not the command's.
     */
    private static String withoutAgentLines(String err) {
        return err.lines().filter(l -> !l.startsWith("INFO: Instrumented ")).map(l -> l + "\n")
                .collect(java.util.stream.Collectors.joining());
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int status = Main.run(args);
            return new Run(status, out.toString(StandardCharsets.UTF_8),
                    withoutAgentLines(err.toString(StandardCharsets.UTF_8)));
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
    }

    @Test
    void readsSeriesInFileOrderWithPointsSortedByBackends(@TempDir Path dir) throws Exception {
        Path csv = Files.writeString(dir.resolve("points.csv"), CSV);
        Map<String, List<TpsCsv.Point>> series = TpsCsv.read(csv);
        assertEquals(List.of("XC gtm_proxy", "mgtm x1 via 2 proxies"), List.copyOf(series.keySet()));
        assertEquals(List.of(new TpsCsv.Point(1, 450), new TpsCsv.Point(2, 800), new TpsCsv.Point(64, 9000)),
                series.get("mgtm x1 via 2 proxies"));
    }

    @Test
    void writesAPngOfTheRequestedSize(@TempDir Path dir) throws Exception {
        Path csv = Files.writeString(dir.resolve("points.csv"), CSV);
        Path png = dir.resolve("out/chart"); // no extension and a missing directory: written as named
        Run r = run("bench", "chart", csv.toString(), "-o", png.toString(), "--width", "640", "--height", "400",
                "--title", "test chart");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("chart of 2 series, 5 points written to " + png), r.out());
        assertTrue(Files.size(png) > 1000, "a PNG with something drawn, not an empty file");
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(640, image.getWidth());
        assertEquals(400, image.getHeight());
        assertFalse(Files.exists(dir.resolve("out/chart.png")));
    }

    @Test
    void logarithmicAxisDrawsToo(@TempDir Path dir) throws Exception {
        Path csv = Files.writeString(dir.resolve("points.csv"), CSV);
        Path png = dir.resolve("log.png");
        Run r = run("bench", "chart", csv.toString(), "-o", png.toString(), "--log-x");
        assertEquals(0, r.status(), r.err());
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1000, image.getWidth());
        assertEquals(600, image.getHeight());
    }

    @Test
    void malformedCsvNamesTheLineAndWritesNothing(@TempDir Path dir) throws Exception {
        assertRefused(dir, "series,backends,tps\nx3,4,1000\nx3,four,1200\n", ":3: backends 'four' is not a whole number");
        assertRefused(dir, "series,backends,tps\nx3,4\n", ":2: 2 fields where the header has 3");
        assertRefused(dir, "series,backends,tps\nx3,4,-5\n", ":2: tps '-5' is not a number >= 0");
        assertRefused(dir, "series,backends,tps\nx3,4,NaN\n", ":2: tps 'NaN' is not a number >= 0");
        assertRefused(dir, "series,clients,tps\nx3,4,100\n", ":1: no column 'backends' in the header");
        assertRefused(dir, "series,backends,tps\nx3,4,100\nx3,4,120\n", ":3: series 'x3' has 4 backends already on line 2");
        assertRefused(dir, "series,backends,tps\n\n", ": no data rows after the header");
        assertRefused(dir, "", ": empty file");
    }

    @Test
    void missingCsvIsReportedByName(@TempDir Path dir) {
        Path missing = dir.resolve("nope.csv");
        Run r = run("bench", "chart", missing.toString(), "-o", dir.resolve("x.png").toString());
        assertEquals(2, r.status());
        assertEquals("mgtm bench chart: no such file " + missing, r.err().strip());
    }

    private static void assertRefused(Path dir, String content, String expected) throws Exception {
        Path csv = Files.writeString(dir.resolve("bad.csv"), content);
        Path png = dir.resolve("bad.png");
        Run r = run("bench", "chart", csv.toString(), "-o", png.toString());
        assertEquals(2, r.status(), content);
        assertTrue(r.err().startsWith("mgtm bench chart: " + csv), r.err());
        assertTrue(r.err().contains(expected), "expected '" + expected + "' in: " + r.err());
        assertFalse(r.err().contains("Exception"), "a message, not a stack trace: " + r.err());
        assertFalse(Files.exists(png), "nothing written for a bad CSV");
    }
}
