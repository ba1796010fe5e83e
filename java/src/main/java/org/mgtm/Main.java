package org.mgtm;

import org.mgtm.server.ServerCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The single entry point of the mgtm jar: one subcommand per program (server, bench, ...). */
@Command(name = "mgtm", mixinStandardHelpOptions = true, version = "mgtm 0.1.0",
        description = "Replicated Global Transaction Manager for Postgres-XC 0.9.2.",
        subcommands = {ServerCommand.class, org.mgtm.bench.BenchCommand.class,
                org.mgtm.check.CheckCommand.class})
public final class Main implements Runnable {
    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
