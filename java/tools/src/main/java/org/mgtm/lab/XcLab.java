package org.mgtm.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The persistent lab directory of the real-XC demo and benchmark: per node ({@code node1}, ...) a
 * datanode and a coordinator data directory, their Unix socket directory and the node.conf that
 * bin/node-start and bin/node-stop read. Created on first use (initdb, the pgbench database, the
 * coordinators' catalogs in step) and reused while its scale and node count stay the same. No GTM
 * state is kept here: every GTM starts above the highest XID in the nodes' control files
 * ({@link #highestNextXid}), whichever GTM served them before.
 */
final class XcLab {
    static final int COORDINATOR_PORT = 5432;
    static final int DATANODE_PORT = 15432;
    static final int POOLER_PORT = 6667;
    static final String DATABASE = "pgbench";
    /** Files of a coordinator that are its own, kept when its catalog is replaced by the first coordinator's. */
    private static final List<String> OWN_FILES = List.of("postgresql.conf", "postgresql.mgtm.conf", "pg_hba.conf",
            "pg_ident.conf");
    private static final String MARKER = "lab.properties";

    final Path root;
    private final XcInstallation xc;
    private final List<String> nodeHosts;
    private final int scale;

    XcLab(Path root, XcInstallation xc, List<String> nodeHosts, int scale) {
        this.root = root.toAbsolutePath();
        this.xc = xc;
        this.nodeHosts = nodeHosts;
        this.scale = scale;
    }

    int scale() {
        return scale;
    }

    int nodes() {
        return nodeHosts.size();
    }

    List<String> nodeHosts() {
        return nodeHosts;
    }

    String host(int node) {
        return nodeHosts.get(node);
    }

    Path nodeDir(int node) {
        return root.resolve("node" + (node + 1));
    }

    Path nodeConf(int node) {
        return nodeDir(node).resolve("node.conf");
    }

    Path coordinatorData(int node) {
        return nodeDir(node).resolve("coordinator");
    }

    private Path datanodeData(int node) {
        return nodeDir(node).resolve("datanode");
    }

    /** Refuses a directory that holds something else: the lab is removed and made again when it is not ready. */
    void checkIsLab() throws IOException {
        if (!Files.isDirectory(root) || Files.exists(root.resolve(MARKER)) || Files.exists(nodeDir(0))) {
            return;
        }
        try (var entries = Files.list(root)) {
            if (entries.findAny().isPresent()) {
                throw new IOException(root + " is not empty and not an XC lab of the demo: choose another --lab-dir");
            }
        }
    }

    /** True when the pgbench database of this scale and node count exists and the catalogs are in step. */
    boolean ready() throws IOException {
        Path marker = root.resolve(MARKER);
        if (!Files.exists(marker)) {
            return false;
        }
        Properties p = new Properties();
        try (var in = Files.newInputStream(marker)) {
            p.load(in);
        }
        return String.valueOf(scale).equals(p.getProperty("scale")) && String.valueOf(nodes()).equals(p.getProperty("nodes"));
    }

    void markReady() throws IOException {
        Files.writeString(root.resolve(MARKER), "# written by mgtm demo --pgxc-home once the pgbench database was made\n"
                + "scale=" + scale + "\nnodes=" + nodes() + "\n");
    }

    /**
     * Starts the lab afresh: removes what an earlier or unfinished set-up left (the replicas' data too:
     * the new nodes start from initdb's XIDs), then initdb of every node's datanode and coordinator.
     */
    void initialize(Path logDir) throws IOException, InterruptedException {
        DemoCommand.deleteTree(root);
        for (int n = 0; n < nodes(); n++) {
            System.out.println("   initdb of node" + (n + 1) + "'s datanode and coordinator in " + nodeDir(n));
            Files.createDirectories(nodeDir(n));
            xc.initdb(datanodeData(n), logDir.resolve("initdb-datanode" + (n + 1) + ".log"));
            xc.initdb(coordinatorData(n), logDir.resolve("initdb-coordinator" + (n + 1) + ".log"));
            for (Path data : List.of(datanodeData(n), coordinatorData(n))) {
                Files.writeString(data.resolve("postgresql.conf"), "\ninclude 'postgresql.mgtm.conf'\n",
                        java.nio.file.StandardOpenOption.APPEND);
                // initdb admits 127.0.0.1 only; the coordinators reach the datanodes from other addresses
                Files.writeString(data.resolve("pg_hba.conf"), "\nhost    all    all    127.0.0.0/8    trust\n",
                        java.nio.file.StandardOpenOption.APPEND);
            }
        }
    }

    /**
     * Writes every node's node.conf and its instances' XC settings (rewritten on every run, so the
     * addresses and the group may change between runs).
     */
    void writeSettings(String members, String secret, int proxyPort, int internalPort) throws IOException {
        String dataNodeHosts = String.join(",", nodeHosts);
        for (int n = 0; n < nodes(); n++) {
            Path socketDir = nodeDir(n).resolve("socket");
            Files.createDirectories(socketDir);
            xc.giveToUser(socketDir);
            String gtm = "gtm_host = '" + host(n) + "'\ngtm_port = " + proxyPort + "\ngtm_coordinator_id = " + (n + 1) + "\n";
            String common = "# written by mgtm demo --pgxc-home on every run\nlisten_addresses = '" + host(n) + "'\n"
                    + "unix_socket_directory = '" + socketDir + "'\nmax_connections = 100\n"
                    + "max_prepared_transactions = 100\n" + gtm;
            writeOwned(datanodeData(n).resolve("postgresql.mgtm.conf"), common + "port = " + DATANODE_PORT + "\n");
            writeOwned(coordinatorData(n).resolve("postgresql.mgtm.conf"), common + "port = " + COORDINATOR_PORT + "\n"
                    + "pooler_port = " + POOLER_PORT + "\nnum_data_nodes = " + nodes() + "\ndata_node_hosts = '"
                    + dataNodeHosts + "'\ndata_node_ports = '" + DATANODE_PORT + "'\ndata_node_users = '" + xc.user + "'\n"
                    + "min_pool_size = 1\nmax_pool_size = 100\n");
            Files.writeString(nodeConf(n), "# node" + (n + 1) + " of mgtm demo --pgxc-home: read by bin/node-start, "
                    + "bin/node-stop (written on every run)\n"
                    + "node_name = node" + (n + 1) + "\nproxy_host = " + host(n) + "\nproxy_port = " + proxyPort + "\n"
                    + "members = " + members + "\ninternal_port = " + internalPort + "\nsecret = '" + secret + "'\n"
                    + "allow_clients = 127.0.0.0/8\nrun_dir = " + nodeDir(n) + "\n"
                    + "pgxc_home = " + xc.home + "\npgxc_user = " + xc.user + "\n"
                    + "datanode_data = " + datanodeData(n) + "\ndatanode_port = " + DATANODE_PORT + "\n"
                    + "coordinator_data = " + coordinatorData(n) + "\ncoordinator_port = " + COORDINATOR_PORT + "\n"
                    + "socket_dir = " + socketDir + "\n");
        }
    }

    private void writeOwned(Path file, String text) throws IOException {
        Files.writeString(file, text);
        xc.giveToUser(file);
    }

    /**
     * The highest next XID of every instance, and whether all were shut down cleanly (each must be
     * stopped: the control files are read).
     */
    XcInstallation.ControlData highestNextXid(Path logDir) throws IOException, InterruptedException {
        XcInstallation.ControlData all = new XcInstallation.ControlData(0, true);
        Path log = logDir.resolve("pg_controldata.log");
        for (int n = 0; n < nodes(); n++) {
            all = all.and(xc.controlData(datanodeData(n), log)).and(xc.controlData(coordinatorData(n), log));
        }
        return all;
    }

    /** createdb and pgbench -i -s SCALE through the first node's coordinator (the DDL reaches the datanodes). */
    void createPgbenchDatabase(Path logDir) throws IOException, InterruptedException {
        String port = Integer.toString(COORDINATOR_PORT);
        System.out.println("   createdb " + DATABASE + " and pgbench -i -s " + scale + " through node1's coordinator");
        xc.run(logDir.resolve("createdb.log"), "createdb", "-h", host(0), "-p", port, DATABASE);
        xc.run(logDir.resolve("pgbench-init.log"), "pgbench", "-i", "-s", Integer.toString(scale), "-h", host(0),
                "-p", port, DATABASE);
    }

    /**
     * Gives every other coordinator the first one's catalog, as XC 0.9.2's cold synchronization does:
     * DDL reaches only the coordinator that ran it. The coordinators must be stopped; each keeps its
     * own settings files and loses the first one's postmaster.pid/.opts.
     */
    void copyFirstCoordinatorCatalog() throws IOException {
        Path source = coordinatorData(0);
        for (int n = 1; n < nodes(); n++) {
            Path target = coordinatorData(n);
            System.out.println("   coordinator " + (n + 1) + " gets coordinator 1's catalog (its own settings kept)");
            Map<String, byte[]> own = new HashMap<>();
            for (String f : OWN_FILES) {
                if (Files.exists(target.resolve(f))) {
                    own.put(f, Files.readAllBytes(target.resolve(f)));
                }
            }
            List<Path> inside;
            try (var paths = Files.list(target)) {
                inside = paths.toList();
            }
            for (Path p : inside) {
                DemoCommand.deleteTree(p);
            }
            List<Path> sources; // parents before their children
            try (var paths = Files.walk(source)) {
                sources = paths.toList();
            }
            for (Path from : sources) {
                Path to = target.resolve(source.relativize(from).toString());
                if (from.equals(source) || from.getFileName().toString().startsWith("postmaster.")) {
                    continue;
                }
                Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
                xc.giveToUser(to);
            }
            for (Map.Entry<String, byte[]> f : own.entrySet()) {
                Files.write(target.resolve(f.getKey()), f.getValue());
                xc.giveToUser(target.resolve(f.getKey()));
            }
        }
    }
}
