package org.mgtm;

import java.nio.file.Path;
import java.util.Arrays;
import org.mgtm.config.ConfigDefaults;
import org.mgtm.server.ServerCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The single entry point of the mgtm jar: one subcommand per program (server, bench, ...). Any
 * subcommand takes {@code --config FILE} (key = value, like gtm.conf) whose settings become the
 * defaults of its options; options on the command line override them. Failures of every subcommand
 * are reported by {@link ErrorReport} (one line, no trace unless {@code --debug} or a bug), and
 * {@link OptionChecks} refuses impossible values before any command runs.
 */
@Command(name = "mgtm", mixinStandardHelpOptions = true, version = "mgtm 0.1.0",
        description = "Replicated Global Transaction Manager for Postgres-XC 0.9.2.",
        subcommands = {ServerCommand.class, org.mgtm.replication.ReplicaCommand.class,
                org.mgtm.replication.GgtmCommand.class,
                org.mgtm.replication.CtlCommand.class, org.mgtm.replication.TlsKeysCommand.class,
                org.mgtm.proxy.ProxyCommand.class,
                org.mgtm.bench.BenchCommand.class,
                org.mgtm.check.CheckCommand.class, org.mgtm.lab.DemoCommand.class,
                org.mgtm.chaos.ChaosCommand.class, org.mgtm.chaos.FailoverReportCommand.class,
                org.mgtm.chaos.SubclusterChaosCommand.class, org.mgtm.bench.SubclusterBenchCommand.class})
public final class Main implements Runnable {
    /** Taken out of the arguments before parsing, so that it works with every subcommand, anywhere. */
    static final String DEBUG = "--debug";

    // Declared for the help text only: run() removes --debug before picocli sees the arguments.
    @Option(names = DEBUG, description = "Print the stack trace of any error (anywhere on the command line, "
            + "with any subcommand).")
    boolean debug;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit status. */
    public static int run(String[] args) {
        boolean debug = Arrays.asList(args).contains(DEBUG);
        String[] rest = Arrays.stream(args).filter(a -> !a.equals(DEBUG)).toArray(String[]::new);
        ErrorReport report = new ErrorReport(debug);
        CommandLine commandLine = new CommandLine(new Main())
                .setParameterExceptionHandler(report)
                .setExecutionExceptionHandler(report)
                .setExecutionStrategy(OptionChecks::checkThenRun);
        try {
            installConfig(commandLine, rest);
        } catch (Exception e) {
            ErrorReport.Described d = ErrorReport.describe(e);
            if (debug || d == null) {
                e.printStackTrace();
            }
            String name = rest.length > 0 ? "mgtm " + rest[0] : "mgtm";
            System.err.println(name + ": " + (d == null ? String.valueOf(e) : d.line()));
            return ErrorReport.USAGE;
        }
        return commandLine.execute(rest);
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
