package org.mgtm.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An existing Postgres-XC 0.9.2 installation that the user named, and the user its programs run as:
 * postgres and pg_ctl refuse to run as root, so as root every XC program runs through
 * {@code runuser -u USER --}. The project never builds or ships XC.
 */
final class XcInstallation {
    private static final List<String> PROGRAMS = List.of("postgres", "initdb", "pg_ctl", "pg_controldata", "psql",
            "createdb", "pgbench");
    private static final Pattern NEXT_XID = Pattern.compile("NextXID:\\s*(\\d+)/(\\d+)");
    private static final Pattern CLEAN_SHUTDOWN = Pattern.compile("(?m)^Database cluster state:\\s*shut down$");

    final Path home;
    final String user;

    XcInstallation(Path home, String user) {
        this.home = home.toAbsolutePath();
        this.user = user;
    }

    /** postgres when running as root (XC refuses root), else the current user. */
    static String defaultUser() {
        return isRoot() ? "postgres" : System.getProperty("user.name");
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Fails with a message that says what is wrong unless the programs the lab needs are there and usable. */
    void check() throws IOException {
        for (String p : PROGRAMS) {
            if (!Files.isExecutable(home.resolve("bin").resolve(p))) {
                throw new IOException("no " + p + " in " + home.resolve("bin")
                        + ": --pgxc-home (PGXC_HOME) must be a Postgres-XC 0.9.2 installation");
            }
        }
        if (!isRoot() && !user.equals(System.getProperty("user.name"))) {
            throw new IOException("XC would run as " + user + ": run the demo as root or as " + user);
        }
        if (isRoot() && user.equals("root")) {
            throw new IOException("Postgres-XC refuses to run as root: choose another --pgxc-user");
        }
        owner(); // an unknown user fails here
    }

    /** The command line that runs XC program {@code program} as the XC user. */
    List<String> command(String program, String... args) {
        List<String> cmd = new ArrayList<>();
        if (!user.equals(System.getProperty("user.name"))) {
            cmd.addAll(List.of("runuser", "-u", user, "--"));
        }
        cmd.add(home.resolve("bin").resolve(program).toString());
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Runs XC program {@code program} as the XC user to its end; returns its output (see {@link LocalProcess#run}). */
    String run(Path log, String program, String... args) throws IOException, InterruptedException {
        return LocalProcess.run(program, command(program, args), Map.of(), log, 600_000);
    }

    /** {@code initdb -D dir} as the XC user; {@code dir} is created and given to that user first. */
    void initdb(Path dir, Path log) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        giveToUser(dir);
        run(log, "initdb", "-D", dir.toString());
    }

    /**
     * What a stopped instance's control file says: its next XID (XC nodes use local XIDs before they
     * have a GTM, and a GTM must start above every XID any node ever used), and whether the instance
     * was shut down cleanly — after a crash the file holds the last checkpoint's NextXID, which may lag
     * the XIDs used since.
     */
    record ControlData(long nextXid, boolean shutDownCleanly) {
        /** Both instances' data at once: the higher next XID, clean only if both were. */
        ControlData and(ControlData other) {
            return new ControlData(Math.max(nextXid, other.nextXid), shutDownCleanly && other.shutDownCleanly);
        }
    }

    ControlData controlData(Path dataDir, Path log) throws IOException, InterruptedException {
        String out = run(log, "pg_controldata", dataDir.toString());
        Matcher m = NEXT_XID.matcher(out);
        if (!m.find()) {
            throw new IOException("pg_controldata " + dataDir + " printed no NextXID:\n" + out);
        }
        return new ControlData(Long.parseLong(m.group(2)), CLEAN_SHUTDOWN.matcher(out).find());
    }

    /** The one value {@code sql} returns through the coordinator at host:port (psql -At, no psqlrc). */
    String query(String host, int port, String database, String sql, Path log) throws IOException, InterruptedException {
        // A query waits as long as its backend waits for the GTM: two minutes, not run()'s ten.
        String out = LocalProcess.run("psql", command("psql", "-X", "-q", "-At", "-h", host, "-p", Integer.toString(port),
                "-d", database, "-c", sql), Map.of(), log, 120_000).strip();
        return out.contains("\n") ? out.substring(out.lastIndexOf('\n') + 1) : out;
    }

    /** Makes the XC user the owner of {@code path} (not recursively). */
    void giveToUser(Path path) throws IOException {
        Files.setOwner(path, owner());
    }

    private UserPrincipal owner() throws IOException {
        return home.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
    }
}
