package dev.loomftp.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;

/**
 * The benchmark's temporary folder: the folder every server serves (with an upload folder and
 * folders of many files to list), one certificate for every server's FTPS, and each server's own
 * folder. Deleted at the end.
 *
 * @param root    the temporary folder
 * @param configs the project's {@code bench/} folder, with each server's configuration
 * @param image   the built loomftp image
 */
record Workspace(Path root, Path configs, Path image) {
    static final String KEYSTORE_PASSWORD = "bench-keystore";
    /** The folder the servers' users upload into; vsftpd's anonymous user may write only there. */
    static final String UPLOADS = "up";

    /** Makes the workspace: the served folder, the upload folder, and the certificate. */
    static Workspace create(Path configs, Path image) throws IOException, InterruptedException {
        Workspace workspace = new Workspace(Files.createTempDirectory("loomftp-bench-"), configs, image);
        Path uploads = Files.createDirectories(workspace.home().resolve(UPLOADS));
        if (BenchServer.available(BenchServer.Kind.VSFTPD)) {
            Files.setOwner(uploads, uploads.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName("ftp"));
        }
        Bench.run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "7",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", workspace.privateKey().toString(), "-out", workspace.certificate().toString()));
        Bench.run(List.of("openssl", "pkcs12", "-export", "-in", workspace.certificate().toString(),
                "-inkey", workspace.privateKey().toString(), "-out", workspace.keystore().toString(),
                "-passout", "pass:" + KEYSTORE_PASSWORD));
        return workspace;
    }

    /** The folder above the users' homes, for loomftp, whose user "bench" is at home in {@link #home}. */
    Path data() {
        return root.resolve("data");
    }

    /** The folder every server's user (or vsftpd's anonymous one) logs in to. */
    Path home() {
        return data().resolve(BenchServer.USER);
    }

    Path certificate() {
        return root.resolve("cert.pem");
    }

    Path privateKey() {
        return root.resolve("key.pem");
    }

    Path keystore() {
        return root.resolve("keystore.p12");
    }

    /** The certificate's SHA-256 fingerprint, for {@code loomftp bench --fingerprint}. */
    String fingerprint() throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(certificate())) {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(in);
            return HexFormat.ofDelimiter(":").withUpperCase()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        }
    }

    /** A folder of {@code count} small files in the served folder, made once, for the listings; its name. */
    String folderOf(int count) throws IOException {
        String name = "list" + count;
        Path folder = home().resolve(name);
        if (!Files.isDirectory(folder)) {
            Files.createDirectories(folder);
            byte[] content = new byte[100];
            for (int i = 0; i < count; i++) {
                Files.write(folder.resolve(String.format("file-%06d.dat", i)), content);
            }
        }
        return name;
    }

    /** Deletes the workspace. */
    void delete() throws IOException {
        Bench.deleteTree(root);
    }
}
