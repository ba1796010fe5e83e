package org.mgtm;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Checks that hold for every subcommand, run once after parsing and before the command: a value that
 * cannot work is refused as a wrong command line (exit 2, one line) instead of failing later with a
 * trace. Values from a config file are checked too, since they are the options' defaults.
 */
final class OptionChecks {
    private OptionChecks() {
    }

    /** Runs the checks on the command that will execute, then executes it as picocli would. */
    static int checkThenRun(ParseResult parseResult) {
        ParseResult leaf = parseResult;
        while (leaf.hasSubcommand()) {
            leaf = leaf.subcommand();
        }
        if (!leaf.isUsageHelpRequested() && !leaf.isVersionHelpRequested()) {
            checkPorts(leaf.commandSpec());
        }
        return new CommandLine.RunLast().execute(parseResult);
    }

    /** Every int option named like a port (-p, --port, --internal-port, --metrics-port, ...) is 0-65535. */
    static void checkPorts(CommandSpec spec) {
        for (OptionSpec option : spec.options()) {
            if (!option.longestName().endsWith("port")) {
                continue;
            }
            Object value = option.getValue();
            if (value instanceof Integer port && (port < 0 || port > 65535)) {
                throw new ParameterException(spec.commandLine(), "invalid value for option '" + option.longestName()
                        + "': " + port + " is not a TCP port (1-65535)");
            }
        }
    }
}
