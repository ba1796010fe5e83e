package org.mgtm.check;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedSet;

/** A history file, read as a stream each time it is scanned. */
public final class HistoryReader implements HistorySource {
    private static final int BUFFER = 1 << 16;

    private final Path file;

    public HistoryReader(Path file) {
        this.file = file;
    }

    @Override
    public void scan(Visitor visitor) throws IOException {
        try (BufferedReader in = new BufferedReader(Files.newBufferedReader(file, StandardCharsets.UTF_8), BUFFER)) {
            String text;
            long line = 0;
            while ((text = in.readLine()) != null) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                HistoryFormat.Line decoded;
                try {
                    decoded = HistoryFormat.decode(text);
                } catch (IllegalArgumentException e) {
                    throw new HistoryFormatException(file.toString(), line, e.getMessage());
                }
                if (decoded.event() != null) {
                    visitor.event(line, decoded.event());
                } else if (decoded.leader() != null) {
                    visitor.leader(line, decoded.leader());
                } else if (decoded.subcluster() != null) {
                    visitor.subcluster(line, decoded.subcluster());
                }
            }
        }
    }

    @Override
    public Map<Long, String> lines(SortedSet<Long> wanted) throws IOException {
        Map<Long, String> out = new HashMap<>();
        if (wanted.isEmpty()) {
            return out;
        }
        long last = wanted.last();
        try (BufferedReader in = new BufferedReader(Files.newBufferedReader(file, StandardCharsets.UTF_8), BUFFER)) {
            String text;
            long line = 0;
            while (line < last && (text = in.readLine()) != null) {
                line++;
                if (wanted.contains(line)) {
                    out.put(line, text);
                }
            }
        }
        return out;
    }

    @Override
    public String name() {
        return file.toString();
    }

    /** Reads the whole file into memory (for tests and small histories). */
    public History readAll() throws IOException {
        History.Builder b = History.builder();
        scan(new Visitor() {
            public void event(long line, Event event) {
                b.add(event);
            }

            public void leader(long line, LeaderInterval leader) {
                b.leader(leader);
            }

            public void subcluster(long line, SubclusterLine subcluster) {
                b.subcluster(subcluster);
            }
        });
        return b.build();
    }
}
