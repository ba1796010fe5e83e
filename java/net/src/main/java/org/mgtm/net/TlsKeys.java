package org.mgtm.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes the PKCS#12 stores of {@link TlsConfig} with the JDK's {@code keytool} (EC P-256 keys, no other tool or
 * library): a group CA ({@code ca.p12}, kept by the operator: it signs more members later), the trust store every
 * member gets ({@code truststore.p12}: the CA's certificate) and one store per name ({@code NAME.p12}: its key and
 * certificate, signed by the CA, for server and client use). Files that exist are kept: running it again for a new
 * name signs only that one. {@link #shared} makes a single store for a lab whose processes all share one key.
 */
public final class TlsKeys {
    public static final String CA = "ca.p12";
    public static final String TRUSTSTORE = "truststore.p12";
    public static final String SHARED = "group.p12";

    private final Path dir;
    private final String password;
    private final int validityDays;

    public TlsKeys(Path dir, String password, int validityDays) {
        if (password == null || password.length() < 6) {
            throw new IllegalArgumentException("the key stores' password must have at least 6 characters");
        }
        this.dir = dir;
        this.password = password;
        this.validityDays = validityDays;
    }

    public Path store(String name) {
        return dir.resolve(name + ".p12");
    }

    /** The CA and trust store (if missing), and a signed store for each name that has none. */
    public List<Path> make(List<String> names) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path ca = dir.resolve(CA);
        Path caPem = dir.resolve("ca.pem");
        if (!Files.exists(ca)) {
            keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                    "CN=mgtm group CA", "-ext", "bc:c", "-validity", Integer.toString(validityDays), "-keystore",
                    ca.toString(), "-storetype", "PKCS12");
            restrict(ca);
        }
        if (!Files.exists(caPem)) {
            keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-file", caPem.toString());
        }
        Path trust = dir.resolve(TRUSTSTORE);
        if (!Files.exists(trust)) {
            keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore",
                    trust.toString(), "-storetype", "PKCS12");
        }
        List<Path> made = new ArrayList<>();
        for (String name : names) {
            Path p12 = store(name);
            if (Files.exists(p12)) {
                continue;
            }
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw new IllegalArgumentException("not a usable name for a key store: " + name);
            }
            Path tmp = dir.resolve(name + ".p12.tmp");
            Path csr = dir.resolve(name + ".csr");
            Path crt = dir.resolve(name + ".crt");
            Files.deleteIfExists(tmp);
            keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                    "-validity", Integer.toString(validityDays), "-keystore", tmp.toString(), "-storetype", "PKCS12");
            keytool("-certreq", "-alias", name, "-keystore", tmp.toString(), "-file", csr.toString());
            keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-infile", csr.toString(),
                    "-outfile", crt.toString(), "-validity", Integer.toString(validityDays), "-ext",
                    "ku:c=digitalSignature,keyAgreement", "-ext", "eku=serverAuth,clientAuth");
            keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore",
                    tmp.toString());
            keytool("-importcert", "-alias", name, "-file", crt.toString(), "-keystore", tmp.toString());
            Files.delete(csr);
            Files.delete(crt);
            restrict(tmp);
            Files.move(tmp, p12);
            made.add(p12);
        }
        return made;
    }

    /** One self-signed key and certificate in {@code group.p12}, for every process of a lab (made if missing). */
    public Path shared() throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path p12 = dir.resolve(SHARED);
        if (!Files.exists(p12)) {
            Path tmp = dir.resolve(SHARED + ".tmp");
            Files.deleteIfExists(tmp);
            keytool("-genkeypair", "-alias", "group", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                    "CN=mgtm lab group", "-ext", "eku=serverAuth,clientAuth", "-validity",
                    Integer.toString(validityDays), "-keystore", tmp.toString(), "-storetype", "PKCS12");
            restrict(tmp);
            Files.move(tmp, p12);
        }
        return p12;
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-storepass:env", "MGTM_TLS_PASSWORD"));
        if (List.of(args).contains("-genkeypair")) {
            cmd.addAll(List.of("-keypass:env", "MGTM_TLS_PASSWORD"));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("MGTM_TLS_PASSWORD", password);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("keytool " + args[0] + " did not finish");
        }
        if (p.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + out);
        }
    }

    private static void restrict(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: leave it
        }
    }
}
