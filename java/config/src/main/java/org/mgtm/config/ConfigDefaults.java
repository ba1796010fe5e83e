package org.mgtm.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Makes a config file the defaults of a picocli command: a setting {@code data_dir = x} is the
 * default of {@code --data-dir}, so the command line overrides the file and both share one
 * vocabulary, the only one (docs/operations.md lists it). A key that names no option of the command
 * (or of the command whose file it reads, for {@code mgtm ctl}, which reads a replica's mgtm.conf)
 * is an error: a typo in a GTM's config must not be silently ignored.
 */
public final class ConfigDefaults implements CommandLine.IDefaultValueProvider {
    private final Map<String, String> settings;

    private ConfigDefaults(Map<String, String> settings) {
        this.settings = settings;
    }

    /**
     * Reads {@code file} and installs it as the default provider of {@code command}, after checking
     * every key against the command's options.
     */
    public static void install(CommandLine command, Path file) throws IOException {
        install(command, file, command);
    }

    /**
     * As {@link #install(CommandLine, Path)} for a file written for {@code fileOwner} (its keys are
     * {@code fileOwner}'s options): keys of either command are accepted, only {@code command}'s are used.
     */
    public static void install(CommandLine command, Path file, CommandLine fileOwner) throws IOException {
        Map<String, String> settings = ConfigFile.read(file);
        Set<String> known = new HashSet<>();
        for (CommandLine c : new CommandLine[] {command, fileOwner}) {
            for (OptionSpec option : c.getCommandSpec().options()) {
                known.add(key(option));
            }
        }
        for (String key : settings.keySet()) {
            if (!known.contains(key)) {
                throw new IOException(file + ": unknown setting '" + key + "' for mgtm "
                        + command.getCommandName());
            }
        }
        command.setDefaultValueProvider(new ConfigDefaults(settings));
    }

    /** The config key of an option: its longest name without dashes in front, '-' as '_'. */
    static String key(OptionSpec option) {
        return option.longestName().replaceFirst("^-+", "").replace('-', '_');
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (argSpec instanceof OptionSpec option) {
            String value = settings.get(key(option));
            if (value != null) {
                return value;
            }
        }
        return argSpec.defaultValue();
    }
}
