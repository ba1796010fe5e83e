package org.mgtm.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A configuration file in the style of gtm.conf and postgresql.conf: one {@code key = value} per
 * line, {@code #} starts a comment, a value may be quoted with single quotes (a doubled quote inside
 * stands for one). Keys are the long option names of the program with {@code _} for {@code -}.
 */
public final class ConfigFile {
    private static final Pattern LINE = Pattern.compile("\\s*([A-Za-z][A-Za-z0-9_.]*)\\s*=?\\s*(.*?)\\s*");

    private ConfigFile() {
    }

    /** The settings of {@code file} in file order; a malformed line is an error naming the line. */
    public static Map<String, String> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = stripComment(lines.get(i));
            if (line.isBlank()) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw new IOException(file + ":" + (i + 1) + ": expected 'key = value', got: " + lines.get(i));
            }
            settings.put(m.group(1), unquote(m.group(2), file, i + 1));
        }
        return settings;
    }

    /** Drops a '#' comment that is not inside a quoted value. */
    private static String stripComment(String line) {
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
            } else if (c == '#' && !quoted) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private static String unquote(String value, Path file, int line) throws IOException {
        if (!value.startsWith("'")) {
            return value;
        }
        if (value.length() < 2 || !value.endsWith("'")) {
            throw new IOException(file + ":" + line + ": unterminated quoted value: " + value);
        }
        return value.substring(1, value.length() - 1).replace("''", "'");
    }
}
