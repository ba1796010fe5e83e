package org.mgtm.replication;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.mgtm.net.TlsKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mgtm tls-keys}: makes the TLS key stores of a group (a CA, the trust store, one store per replica and
 * proxy), or one shared store for a lab. The Ansible roles run it on the control machine; see
 * docs/operations.md, "Security".
 */
@Command(name = "tls-keys", mixinStandardHelpOptions = true,
        description = "Make the PKCS#12 key stores for TLS between replicas and on the internal port: DIR/ca.p12 (the "
                + "group CA: keep it safe), DIR/truststore.p12 (give it to every process), DIR/NAME.p12 for each "
                + "--names entry. Existing files are kept, so a new name is signed by the existing CA.")
public final class TlsKeysCommand implements Callable<Integer> {
    @Option(names = "--dir", required = true, description = "Where the stores are written.")
    Path dir;

    @Option(names = "--names", split = ",", description = "Replica and proxy names (mgtm1,mgtm2,...,proxy1,...).")
    List<String> names = List.of();

    @Option(names = "--shared", description = "Instead: one key and certificate for every process, DIR/group.p12 "
            + "(a lab on one machine; use it as both keystore and truststore).")
    boolean shared;

    @Option(names = "--password", required = true, description = "Password of the stores (the processes' tls_password; "
            + "keep it out of the command line history: --password=@file reads it from a file).")
    String password;

    @Option(names = "--validity-days", defaultValue = "3650", description = "Certificate validity (default: ${DEFAULT-VALUE}).")
    int validityDays;

    @Override
    public Integer call() throws Exception {
        String pw = password.startsWith("@") ? java.nio.file.Files.readString(Path.of(password.substring(1))).trim()
                : password;
        TlsKeys keys = new TlsKeys(dir, pw, validityDays);
        if (shared) {
            System.out.println("shared key store: " + keys.shared());
            return 0;
        }
        if (names.isEmpty()) {
            System.err.println("mgtm tls-keys: --names or --shared is needed");
            return 2;
        }
        List<Path> made = keys.make(names);
        System.out.println("trust store: " + dir.resolve(TlsKeys.TRUSTSTORE) + "; key stores made: "
                + (made.isEmpty() ? "none (all existed)" : Arrays.toString(made.toArray())));
        return 0;
    }
}
