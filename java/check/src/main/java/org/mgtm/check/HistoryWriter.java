package org.mgtm.check;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** Writes a history file: the header line, then one line per event or leadership interval. Not thread-safe. */
public final class HistoryWriter implements Closeable {
    private final Writer out;

    public HistoryWriter(Writer out) throws IOException {
        this.out = out;
        writeLine(HistoryFormat.header(Instant.now().toString()));
    }

    public static HistoryWriter create(Path file) throws IOException {
        return new HistoryWriter(new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 16));
    }

    public void write(Event event) throws IOException {
        writeLine(HistoryFormat.encode(event));
    }

    public void write(LeaderInterval leader) throws IOException {
        writeLine(HistoryFormat.encode(leader));
    }

    public void write(SubclusterLine line) throws IOException {
        writeLine(HistoryFormat.encode(line));
    }

    void writeLine(String line) throws IOException {
        out.write(line);
        out.write('\n');
    }

    void writeRaw(CharSequence text) throws IOException {
        out.append(text);
    }

    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
