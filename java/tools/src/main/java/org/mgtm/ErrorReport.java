package org.mgtm;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.mgtm.client.GtmException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How every mgtm command reports a failure, in one place. An ordinary mistake (a wrong option, a port
 * in use, a locked or unusable data directory, nothing listening where a client connects) is one line
 * naming the problem and the fix, with exit status 2 for a wrong command line and 1 otherwise. A stack
 * trace is printed only for what looks like a bug (an exception no user can cause), or with --debug.
 */
final class ErrorReport implements CommandLine.IParameterExceptionHandler, CommandLine.IExecutionExceptionHandler {
    /** Exit status of a wrong command line or setting. */
    static final int USAGE = 2;
    /** Exit status of a failure the user can fix outside the command line (port in use, ...). */
    static final int FAILURE = 1;

    /** A failure described for the user: its line and exit status. */
    record Described(String line, int status) {
    }

    private static final String CONNECT_HINT = "; is mgtm (or gtm, gtm_proxy) running there? Check the host and port";

    private final boolean debug;

    ErrorReport(boolean debug) {
        this.debug = debug;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine command = ex.getCommandLine();
        PrintWriter err = command.getErr();
        if (debug) {
            ex.printStackTrace(err);
        }
        String name = command.getCommandSpec().qualifiedName();
        ParameterException shown = ex;
        // picocli reports a missing required option before an unknown one; the unknown one is usually the
        // mistake (a misspelt --data-dir), so it is the one to name.
        ParseResult parsed = command.getParseResult();
        if (!(ex instanceof UnmatchedArgumentException) && parsed != null && !parsed.unmatched().isEmpty()) {
            shown = new UnmatchedArgumentException(command, parsed.unmatched());
        }
        String suggestion = "";
        if (shown instanceof UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            suggestion = " (did you mean " + String.join(" or ", u.getSuggestions()) + "?)";
        }
        err.println(name + ": " + shown.getMessage() + suggestion + "; see '" + name + " --help'");
        err.flush();
        return USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine command, ParseResult parseResult) {
        PrintWriter err = command.getErr();
        String name = command.getCommandSpec().qualifiedName();
        Described described = describe(ex);
        if (described == null || debug) {
            ex.printStackTrace(err);
        }
        if (described == null) {
            err.println(name + ": internal error, a bug (the trace above tells where; please report it): " + ex);
            err.flush();
            return FAILURE;
        }
        err.println(name + ": " + described.line());
        err.flush();
        return described.status();
    }

    /**
     * The one-line description of an ordinary failure, looking through the wrappers that futures and
     * lambdas put around it; null when the exception is not one a user can cause (a bug).
     */
    static Described describe(Throwable e) {
        Throwable t = unwrap(e);
        if (t instanceof GtmException && t.getMessage() != null) {
            // The client's own line: a failed connection ("cannot connect to h:p: connection refused") or an
            // error answer of the GTM. The first gets the usual hint.
            return new Described(t.getMessage() + (causedBy(t, ConnectException.class) ? CONNECT_HINT : ""), FAILURE);
        }
        if (t instanceof IllegalArgumentException) {
            return t.getMessage() == null ? null : new Described(t.getMessage(), USAGE);
        }
        if (t instanceof ConnectException) {
            return new Described(connectFailure(t.getMessage()), FAILURE);
        }
        if (t instanceof UnknownHostException) {
            return new Described("unknown host " + t.getMessage() + ": give an address or a name this machine "
                    + "resolves", USAGE);
        }
        if (t instanceof NoSuchFileException) {
            return new Described("no such file or directory: " + t.getMessage(), FAILURE);
        }
        if (t instanceof AccessDeniedException) {
            return new Described("permission denied: " + t.getMessage(), FAILURE);
        }
        if (t instanceof NotDirectoryException) {
            return new Described("not a directory: " + t.getMessage(), FAILURE);
        }
        if (t instanceof TimeoutException) {
            return new Described("timed out" + (t.getMessage() == null ? "" : ": " + t.getMessage()), FAILURE);
        }
        if (t instanceof IOException && t.getMessage() != null) {
            return new Described(t.getMessage(), FAILURE);
        }
        return null;
    }

    /** Netty's words are "Connection refused: /127.0.0.1:6666" (or "connection timed out: ..."). */
    private static String connectFailure(String message) {
        String text = String.valueOf(message);
        int colon = text.indexOf(": ");
        String address = colon < 0 ? "" : " " + text.substring(colon + 2).replaceFirst("^[^/]*/", "");
        String why = colon < 0 ? text : text.substring(0, colon);
        return "cannot connect to" + address + ": " + why.toLowerCase(java.util.Locale.ROOT) + CONNECT_HINT;
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException
                || t instanceof UncheckedIOException || t instanceof CommandLine.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
