package org.mgtm;

import java.nio.file.Path;
import org.mgtm.config.ConfigDefaults;
import org.mgtm.server.ServerCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The single entry point of the mgtm jar: one subcommand per program (server, bench, ...). Any
 * subcommand takes {@code --config FILE} (key = value, like gtm.conf) whose settings become the
 * defaults of its options; options on the command line override them.
 */
@Command(name = "mgtm", mixinStandardHelpOptions = true, version = "mgtm 0.1.0",
        description = "Replicated Global Transaction Manager for Postgres-XC 0.9.2.",
        subcommands = {ServerCommand.class, org.mgtm.replication.ReplicaCommand.class,
                org.mgtm.replication.GgtmCommand.class,
                org.mgtm.replication.CtlCommand.class, org.mgtm.proxy.ProxyCommand.class,
                org.mgtm.bench.BenchCommand.class,
                org.mgtm.check.CheckCommand.class, org.mgtm.lab.DemoCommand.class,
                org.mgtm.chaos.ChaosCommand.class, org.mgtm.chaos.FailoverReportCommand.class,
                org.mgtm.chaos.SubclusterChaosCommand.class, org.mgtm.bench.SubclusterBenchCommand.class})
public final class Main implements Runnable {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit status. */
    public static int run(String[] args) {
        CommandLine commandLine = new CommandLine(new Main());
        try {
            installConfig(commandLine, args);
        } catch (Exception e) {
            System.err.println("mgtm: " + e.getMessage());
            return 2;
        }
        return commandLine.execute(args);
    }

    /** Finds {@code SUBCOMMAND ... --config FILE} (or --config=FILE) before picocli parses the options. */
    private static void installConfig(CommandLine root, String[] args) throws Exception {
        if (args.length == 0 || !root.getSubcommands().containsKey(args[0])) {
            return;
        }
        CommandLine sub = root.getSubcommands().get(args[0]);
        // ctl reads a replica's mgtm.conf: the replica's keys are its file's vocabulary.
        CommandLine fileOwner = args[0].equals("ctl") ? root.getSubcommands().get("replica") : sub;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                ConfigDefaults.install(sub, Path.of(args[i + 1]), fileOwner);
            } else if (args[i].startsWith("--config=")) {
                ConfigDefaults.install(sub, Path.of(args[i].substring("--config=".length())), fileOwner);
            }
        }
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
