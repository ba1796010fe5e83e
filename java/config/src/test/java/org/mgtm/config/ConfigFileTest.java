package org.mgtm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class ConfigFileTest {
    @Test
    void readsKeyValueLinesWithCommentsAndQuotes(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("mgtm.conf");
        Files.writeString(file, """
                # a comment line
                port = 6666            # trailing comment
                data_dir = '/var/lib/mgtm # not a comment'
                host=127.0.0.11
                secret = 'it''s'
                empty =
                """);
        Map<String, String> settings = ConfigFile.read(file);
        assertEquals(Map.of("port", "6666", "data_dir", "/var/lib/mgtm # not a comment", "host", "127.0.0.11",
                "secret", "it's", "empty", ""), settings);
    }

    @Test
    void malformedLinesNameTheirLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.conf");
        Files.writeString(file, "port = 1\n= 3\n");
        IOException e = assertThrows(IOException.class, () -> ConfigFile.read(file));
        assertTrue(e.getMessage().contains("bad.conf:2"), e.getMessage());
        Files.writeString(file, "secret = 'open\n");
        assertThrows(IOException.class, () -> ConfigFile.read(file));
    }

    @Command(name = "demo")
    static final class Demo implements Runnable {
        @Option(names = {"-p", "--port"}, defaultValue = "1")
        int port;

        @Option(names = "--data-dir", defaultValue = "none")
        String dataDir;

        public void run() {
        }
    }

    @Test
    void fileSettingsAreDefaultsAndTheCommandLineWins(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("demo.conf");
        Files.writeString(file, "port = 7000\ndata_dir = /d\n");
        Demo demo = new Demo();
        CommandLine cl = new CommandLine(demo);
        ConfigDefaults.install(cl, file);
        cl.parseArgs("--port", "8000");
        assertEquals(8000, demo.port);
        assertEquals("/d", demo.dataDir);
    }

    @Test
    void unknownSettingsAreRejected(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("demo.conf");
        Files.writeString(file, "prot = 7000\n");
        IOException e = assertThrows(IOException.class, () -> ConfigDefaults.install(new CommandLine(new Demo()), file));
        assertTrue(e.getMessage().contains("unknown setting 'prot'"), e.getMessage());
    }
}
