package dev.loomftp.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Self-signed certificates for tests: made by the JDK's keytool, written as cert.pem and key.pem. */
public final class PemCertificates {
    private static final String PASSWORD = "test-pass";

    private PemCertificates() {}

    /**
     * Makes a key pair and its certificate and writes {@code cert.pem} and {@code key.pem} (PKCS#8)
     * into {@code folder}.
     *
     * @param algorithm a keytool key algorithm: RSA, EC, Ed25519
     * @param subject   the subject, such as {@code CN=example}
     * @param names     keytool's subject alternative names, such as {@code dns:a.example,ip:127.0.0.1}, or null
     * @param days      how many days it is valid from now
     * @return the certificate written
     */
    public static X509Certificate write(Path folder, String algorithm, String subject, String names, int days)
            throws IOException, InterruptedException, GeneralSecurityException {
        Path keystore = folder.resolve("made.p12");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair", "-alias", "k",
                "-keyalg", algorithm, "-dname", subject, "-validity", Integer.toString(days), "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", PASSWORD));
        if (names != null) {
            command.addAll(List.of("-ext", "SAN=" + names));
        }
        Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (keytool.waitFor() != 0) {
            throw new IOException("keytool failed: " + output);
        }
        KeyStore made = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            made.load(in, PASSWORD.toCharArray());
        }
        X509Certificate certificate = (X509Certificate) made.getCertificate("k");
        Files.writeString(folder.resolve("cert.pem"), pem("CERTIFICATE", certificate.getEncoded()));
        Files.writeString(folder.resolve("key.pem"), pem("PRIVATE KEY", made.getKey("k", PASSWORD.toCharArray()).getEncoded()));
        return certificate;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
