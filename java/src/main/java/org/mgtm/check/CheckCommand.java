package org.mgtm.check;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mgtm check HISTORY} (bin/mgtm-check): checks a recorded history against the invariants of design.md. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Checks a history (mgtm-history JSON Lines, as written by mgtm bench --history) against "
                + "invariants 1-8: prints each violation with its events and a summary line per invariant. "
                + "Exit status: 0 no violation, 1 violations, 2 unreadable history.")
public final class CheckCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "HISTORY", description = "The history file.")
    Path history;

    @Option(names = "--show", defaultValue = "" + Checker.DEFAULT_KEPT,
            description = "Violations shown per invariant (all are counted; default: ${DEFAULT-VALUE}).")
    int show;

    @Override
    public Integer call() throws Exception {
        HistoryReader source = new HistoryReader(history);
        long started = System.nanoTime();
        CheckResult result;
        try {
            result = new Checker(show).check(source);
        } catch (HistoryFormatException e) {
            System.err.println("mgtm check: " + e.getMessage());
            return 2;
        } catch (java.io.IOException e) {
            System.err.println("mgtm check: cannot read " + history + ": " + e.getMessage());
            return 2;
        }
        result.print(System.out, source);
        System.out.printf(java.util.Locale.ROOT, "checked in %.1f s%n", (System.nanoTime() - started) / 1e9);
        return result.valid() ? 0 : 1;
    }
}
