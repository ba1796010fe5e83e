package org.mgtm.lab;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The local lab's options, shared by {@code mgtm demo} and {@code mgtm bench xc} (a picocli mixin):
 * where the replicas and nodes live, the XC installation and its user, the kept XC lab and its
 * pgbench scale, the jar the processes start from.
 */
final class LabOptions {
    @Option(names = "--replica-hosts", split = ",", defaultValue = "127.0.0.11,127.0.0.12,127.0.0.13",
            description = "The mgtm replicas' addresses; a single GTM runs on the first (default: ${DEFAULT-VALUE}).")
    List<String> replicaHosts;

    @Option(names = "--node-hosts", split = ",", defaultValue = "127.0.0.31,127.0.0.32",
            description = "The XC nodes' addresses: a proxy on each, with --pgxc-home also an XC datanode and "
                    + "coordinator (default: ${DEFAULT-VALUE}).")
    List<String> nodeHosts;

    @Option(names = "--pgxc-home", defaultValue = "${env:PGXC_HOME}",
            description = "An existing Postgres-XC 0.9.2 installation (default: $PGXC_HOME).")
    Path pgxcHome;

    @Option(names = "--pgxc-user", description = "The user XC runs as (default: postgres when root, else the current user).")
    String pgxcUser;

    @Option(names = {"-s", "--scale"}, defaultValue = "10",
            description = "pgbench scale of the XC lab's database (default: ${DEFAULT-VALUE}).")
    int scale;

    @Option(names = "--lab-dir", defaultValue = "run/xc-lab",
            description = "The XC lab: the nodes' data directories, created on first use and kept "
                    + "(default: ${DEFAULT-VALUE}).")
    Path labDir;

    @Option(names = "--jar", description = "The mgtm jar to start the processes from (default: this one's class path).")
    Path jar;

    String classPath() {
        return jar != null ? jar.toAbsolutePath().toString() : LocalProcess.ownClassPath();
    }

    boolean hasPgxcHome() {
        return pgxcHome != null && !pgxcHome.toString().isEmpty();
    }

    XcInstallation installation() {
        return new XcInstallation(pgxcHome, pgxcUser != null ? pgxcUser : XcInstallation.defaultUser());
    }

    XcLab lab(XcInstallation xc) {
        return new XcLab(labDir, xc, nodeHosts, scale);
    }
}
