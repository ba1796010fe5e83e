package org.mgtm.core;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Data-driven tests in the style of etcd-io/raft's testdata: every file in
 * src/test/resources/core/*.txt is a script of blocks separated by blank lines; a block is a
 * command line, a line {@code ----}, then the expected output. Lines starting with {@code #} outside
 * the expected output are comments. Each file starts from a fresh state machine.
 *
 * <p>Run with {@code -Dmgtm.rewrite=true} to replace every expected output with the actual one
 * (then review the diff by hand against docs/protocol-notes.md before committing it).
 */
class ScriptTest {
    static final Path DIR = Path.of("src", "test", "resources", "core");
    static final boolean REWRITE = Boolean.getBoolean("mgtm.rewrite");

    @TestFactory
    Stream<DynamicTest> scripts() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        if (files.isEmpty()) {
            fail("no scripts in " + DIR.toAbsolutePath());
        }
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> runFile(f)));
    }

    private record Block(String command, int commandLine, int expectedStart, int expectedEnd) {
    }

    static void runFile(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Block> blocks = parse(file, lines);
        ScriptRunner runner = new ScriptRunner();
        List<String> actual = new ArrayList<>();
        StringBuilder failures = new StringBuilder();
        for (Block b : blocks) {
            String out;
            try {
                out = runner.run(b.command);
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError(file.getFileName() + ":" + b.commandLine + ": " + b.command + ": " + e, e);
            }
            actual.add(out);
            String expected = String.join("\n", lines.subList(b.expectedStart, b.expectedEnd));
            if (!expected.equals(out)) {
                if (REWRITE) {
                    System.err.println("rewriting " + file.getFileName() + ":" + b.commandLine + ": " + b.command);
                }
                failures.append(file.getFileName()).append(':').append(b.commandLine).append(": ").append(b.command)
                        .append("\n  expected:\n").append(indent(expected)).append("\n  actual:\n")
                        .append(indent(out)).append('\n');
            }
        }
        if (REWRITE) {
            if (failures.length() > 0) {
                Files.write(file, rewrite(lines, blocks, actual), StandardCharsets.UTF_8);
            }
            return;
        }
        if (failures.length() > 0) {
            fail(failures.toString());
        }
    }

    private static String indent(String s) {
        return s.isEmpty() ? "    (nothing)" : "    " + s.replace("\n", "\n    ");
    }

    private static List<Block> parse(Path file, List<String> lines) {
        List<Block> blocks = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                i++;
                continue;
            }
            int commandLine = i + 1;
            i++;
            if (i >= lines.size() || !lines.get(i).equals("----")) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected ---- after the command");
            }
            i++;
            int start = i;
            while (i < lines.size() && !lines.get(i).isBlank()) {
                i++;
            }
            blocks.add(new Block(line, commandLine, start, i));
        }
        return blocks;
    }

    private static List<String> rewrite(List<String> lines, List<Block> blocks, List<String> actual) {
        List<String> out = new ArrayList<>();
        int next = 0;
        for (int k = 0; k < blocks.size(); k++) {
            Block b = blocks.get(k);
            out.addAll(lines.subList(next, b.expectedStart));
            if (!actual.get(k).isEmpty()) {
                out.addAll(List.of(actual.get(k).split("\n", -1)));
            }
            next = b.expectedEnd;
        }
        out.addAll(lines.subList(next, lines.size()));
        return out;
    }
}
