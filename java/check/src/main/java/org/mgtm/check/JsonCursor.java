package org.mgtm.check;

import java.util.Arrays;

/**
 * Reads one flat JSON object (the history format: string, integer, boolean and null values, and
 * arrays of integers) field by field, without building a tree: a history holds millions of lines
 * and the checker reads each one twice. Anything else (floats, nested objects) is refused, which
 * is enough for a format this project writes itself.
 */
final class JsonCursor {
    private final String s;
    private int i;
    private String key;
    private boolean first = true;

    JsonCursor(String line) {
        this.s = line;
        skipSpace();
        expect('{');
    }

    /** Moves to the next field; false at the closing brace (after which only blanks may follow). */
    boolean nextField() {
        skipSpace();
        if (peek() == '}') {
            i++;
            skipSpace();
            if (i != s.length()) {
                throw error("text after the object");
            }
            return false;
        }
        if (!first) {
            expect(',');
            skipSpace();
        }
        first = false;
        key = readString();
        skipSpace();
        expect(':');
        skipSpace();
        return true;
    }

    String key() {
        return key;
    }

    boolean isNull() {
        if (s.startsWith("null", i)) {
            i += 4;
            return true;
        }
        return false;
    }

    String readString() {
        expect('"');
        StringBuilder out = null;
        int start = i;
        while (true) {
            if (i >= s.length()) {
                throw error("unterminated string");
            }
            char c = s.charAt(i);
            if (c == '"') {
                String plain = s.substring(start, i++);
                return out == null ? plain : out.append(plain).toString();
            }
            if (c == '\\') {
                if (out == null) {
                    out = new StringBuilder();
                }
                out.append(s, start, i);
                out.append(escape());
                start = i;
            } else {
                i++;
            }
        }
    }

    private char escape() {
        i++;
        if (i >= s.length()) {
            throw error("unterminated escape");
        }
        char c = s.charAt(i++);
        switch (c) {
            case '"', '\\', '/' -> { return c; }
            case 'b' -> { return '\b'; }
            case 'f' -> { return '\f'; }
            case 'n' -> { return '\n'; }
            case 'r' -> { return '\r'; }
            case 't' -> { return '\t'; }
            case 'u' -> {
                if (i + 4 > s.length()) {
                    throw error("short \\u escape");
                }
                try {
                    char u = (char) Integer.parseInt(s.substring(i, i + 4), 16);
                    i += 4;
                    return u;
                } catch (NumberFormatException e) {
                    throw error("bad \\u escape");
                }
            }
            default -> throw error("bad escape \\" + c);
        }
    }

    long readLong() {
        int start = i;
        if (peek() == '-') {
            i++;
        }
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        if (i == start || (i == start + 1 && s.charAt(start) == '-')) {
            throw error("number expected");
        }
        if (i < s.length() && (s.charAt(i) == '.' || s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            throw error("only integers are allowed");
        }
        try {
            return Long.parseLong(s, start, i, 10);
        } catch (NumberFormatException e) {
            throw error("number out of range");
        }
    }

    /** A GXID: an unsigned 32-bit decimal, returned as the int that holds it. */
    int readU32() {
        long v = readLong();
        if (v < 0 || v > 0xFFFF_FFFFL) {
            throw error("GXID out of range: " + v);
        }
        return (int) v;
    }

    int readInt() {
        long v = readLong();
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw error("integer out of range: " + v);
        }
        return (int) v;
    }

    boolean readBoolean() {
        if (s.startsWith("true", i)) {
            i += 4;
            return true;
        }
        if (s.startsWith("false", i)) {
            i += 5;
            return false;
        }
        throw error("true or false expected");
    }

    int[] readU32Array() {
        return readArray(this::readU32);
    }

    /** An array of signed 32-bit integers (status words). */
    int[] readIntArray() {
        return readArray(this::readInt);
    }

    private int[] readArray(java.util.function.IntSupplier element) {
        expect('[');
        int[] out = new int[8];
        int n = 0;
        skipSpace();
        if (peek() == ']') {
            i++;
            return new int[0];
        }
        while (true) {
            skipSpace();
            if (n == out.length) {
                out = Arrays.copyOf(out, n * 2);
            }
            out[n++] = element.getAsInt();
            skipSpace();
            char c = peek();
            i++;
            if (c == ']') {
                return Arrays.copyOf(out, n);
            }
            if (c != ',') {
                throw error("',' or ']' expected");
            }
        }
    }

    /** Skips a value of a field this reader does not know (kept for newer writers). */
    void skipValue() {
        char c = peek();
        if (c == '"') {
            readString();
        } else if (c == '[') {
            readArray(() -> (int) readLong()); // any integers: the field's meaning is unknown here
        } else if (c == 't' || c == 'f') {
            readBoolean();
        } else if (!isNull()) {
            readLong();
        }
    }

    private char peek() {
        if (i >= s.length()) {
            throw error("unexpected end of line");
        }
        return s.charAt(i);
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("'" + c + "' expected");
        }
        i++;
    }

    private void skipSpace() {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at column " + (i + 1));
    }
}
