package org.mgtm.check;

/** A history file that cannot be read or breaks the format's rules, with the line at fault. */
public final class HistoryFormatException extends RuntimeException {
    private final long line;

    public HistoryFormatException(String source, long line, String message) {
        super(source + ":" + line + ": " + message);
        this.line = line;
    }

    public long line() {
        return line;
    }
}
