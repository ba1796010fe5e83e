package org.mgtm.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One captured TCP connection of the XC 0.9.2 conformance set: a {@code .hex} file with one line per
 * TCP segment payload, {@code <C->S|S->C> <time> <hex>}, in capture order. A GTM message may span
 * segments and a segment may hold several messages, so decoders must be fed either the segments in
 * order or the concatenated stream of one direction.
 */
public final class HexCapture {

    /** proxy->gtm connections ({@code *proxyN-gtm*}) use proxy framing in both directions. */
    private static final Pattern PROXY_TO_GTM = Pattern.compile(".*proxy\\d+-gtm.*");
    /** Connections whose server is a gtm_proxy ({@code *-proxyN.hex}). */
    private static final Pattern TO_PROXY = Pattern.compile(".*-proxy\\d+\\.hex");

    public enum Direction {
        /** From the side that connected (backend or proxy worker) to the server. */
        CLIENT_TO_SERVER("C->S"),
        SERVER_TO_CLIENT("S->C");

        public final String tag;

        Direction(String tag) {
            this.tag = tag;
        }

        static Direction of(String tag) {
            for (Direction d : values()) {
                if (d.tag.equals(tag)) {
                    return d;
                }
            }
            throw new IllegalArgumentException("unknown direction " + tag);
        }
    }

    /** One TCP segment payload; {@code time} is seconds since the capture's first packet. */
    public record Segment(Direction direction, double time, byte[] bytes) {
    }

    private final Path path;
    private final List<Segment> segments;

    private HexCapture(Path path, List<Segment> segments) {
        this.path = path;
        this.segments = List.copyOf(segments);
    }

    /** Parses a capture file; malformed lines are an error, not skipped. */
    public static HexCapture read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read capture " + file, e);
        }
        List<Segment> segments = new ArrayList<>();
        HexFormat hex = HexFormat.of();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+");
            if (f.length != 3) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected 3 fields, got: " + line);
            }
            segments.add(new Segment(Direction.of(f[0]), Double.parseDouble(f[1]), hex.parseHex(f[2])));
        }
        return new HexCapture(file, segments);
    }

    public Path path() {
        return path;
    }

    /** The path relative to the conformance directory, e.g. {@code x86_64/g-direct.stream0.coord1-gtm.hex}. */
    public String name() {
        Path dir = CaptureSet.dirOrNull();
        Path abs = path.toAbsolutePath().normalize();
        return dir != null && abs.startsWith(dir) ? dir.relativize(abs).toString() : path.getFileName().toString();
    }

    /** Every segment, both directions, in capture order. */
    public List<Segment> segments() {
        return segments;
    }

    /** The segments of one direction, in order. */
    public List<Segment> segments(Direction d) {
        return segments.stream().filter(s -> s.direction() == d).toList();
    }

    /** The concatenated byte stream of one direction. */
    public byte[] stream(Direction d) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Segment s : segments) {
            if (s.direction() == d) {
                out.writeBytes(s.bytes());
            }
        }
        return out.toByteArray();
    }

    public byte[] clientToServer() {
        return stream(Direction.CLIENT_TO_SERVER);
    }

    public byte[] serverToClient() {
        return stream(Direction.SERVER_TO_CLIENT);
    }

    /** A gtm_proxy worker's connection to gtm: proxy framing (conid header) in both directions. */
    public boolean proxyFramed() {
        return PROXY_TO_GTM.matcher(path.getFileName().toString()).matches();
    }

    /** The server side is a gtm_proxy (which ignores the isproxy flag of its backends). */
    public boolean serverIsProxy() {
        return TO_PROXY.matcher(path.getFileName().toString()).matches();
    }

    /** The capture starts after the startup exchange (the first client byte is not 'A'). */
    public boolean startsMidConnection() {
        byte[] c = clientToServer();
        return c.length > 0 && c[0] != 'A';
    }

    @Override
    public String toString() {
        return name();
    }

    /**
     * The conformance directory ({@link CaptureSet}): when it is missing the calling test is skipped
     * with a loud line, or fails when the run requires the captures.
     */
    public static Path conformanceDir() {
        return CaptureSet.require("decoding and replaying the captured XC 0.9.2 GTM traffic (.hex streams)");
    }

    /** Every {@code .hex} capture in the conformance directory and its {@code x86_64/} subdirectory, sorted. */
    public static List<Path> captureFiles() {
        Path dir = conformanceDir();
        List<Path> files = new ArrayList<>(hexFiles(dir));
        Path x64 = dir.resolve("x86_64");
        if (Files.isDirectory(x64)) {
            files.addAll(hexFiles(x64));
        }
        if (files.isEmpty()) {
            throw new AssertionError("no .hex captures in " + dir);
        }
        return files;
    }

    /**
     * The capture files as a parameterized test's source: without the capture set, one null entry, so that
     * the test runs once and reports itself skipped (or failed, when required) through {@link #conformanceDir()}
     * instead of vanishing from the counts.
     */
    public static List<Path> captureFilesOrMissing() {
        if (CaptureSet.dirOrNull() == null) {
            java.util.ArrayList<Path> missing = new java.util.ArrayList<>();
            missing.add(null);
            return missing;
        }
        return captureFiles();
    }

    /** {@link #captureFiles()}, parsed. */
    public static List<HexCapture> readAll() {
        return captureFiles().stream().map(HexCapture::read).toList();
    }

    private static List<Path> hexFiles(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".hex") && Files.isRegularFile(p))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}
