package dev.loomftp.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real FTP server from apt for the client's interop tests: vsftpd (plain, or explicit FTPS with a
 * self-signed certificate) or pyftpdlib, on a free loopback port with its root in a test's temporary
 * folder. A test whose server is not installed is skipped, never passed. Closing it stops the server
 * and everything it forked.
 *
 * <p>Each kind has its own passive port range, apart from each other's and from those of the
 * loomftp servers that the other tests and the benchmark start (42000 to 46999), and listens on a
 * port outside them all.
 */
final class PeerServer implements AutoCloseable {
    private static final Path VSFTPD = Path.of("/usr/sbin/vsftpd");
    /** The system's python3: pyftpdlib from apt is there, not in a pyenv python3 earlier on the PATH. */
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String PYFTPDLIB_USER = "peer";
    private static final String PYFTPDLIB_PASSWORD = "peer-password-1";
    /** The lowest and highest passive ports of any server the tests start, which a listener avoids. */
    private static final int PASSIVE_LOW = 42000;
    private static final int PASSIVE_HIGH = 48999;

    private final PeerProcess process;
    private final int port;
    private final String user;
    private final String password;
    private final String writableFolder;
    private final Path localRoot;
    private final Optional<UserPrincipal> writer;
    private final Optional<String> fingerprint;

    private PeerServer(PeerProcess process, int port, String user, String password, String writableFolder,
            Path localRoot, Optional<UserPrincipal> writer, Optional<String> fingerprint) {
        this.process = process;
        this.port = port;
        this.user = user;
        this.password = password;
        this.writableFolder = writableFolder;
        this.localRoot = localRoot;
        this.writer = writer;
        this.fingerprint = fingerprint;
    }

    /**
     * vsftpd with anonymous logins that may read everything and write in {@code up}: the anonymous
     * root belongs to root (vsftpd refuses a root its sessions could write), {@code up} to the
     * system user {@code ftp} that anonymous sessions run as. Passive ports 47000 to 47499.
     */
    static PeerServer vsftpd(Path work) throws IOException {
        return startVsftpd(work, 47000, 47499, List.of(), Optional.empty());
    }

    /**
     * vsftpd as {@link #vsftpd}, but anonymous logins and their data connections must use explicit
     * FTPS, and data connections must resume the control connection's TLS session
     * ({@code require_ssl_reuse}, vsftpd's default). The certificate is a fresh self-signed one made
     * by openssl; {@link #fingerprint()} gives it for {@code Trust.pinned}. Passive ports 47500 to 47999.
     */
    static PeerServer vsftpdTls(Path work) throws IOException {
        assumeVsftpd();
        Path openssl = onPath("openssl");
        Path folder = Files.createDirectories(work.resolve("vsftpd-tls"));
        Path certificate = folder.resolve("cert.pem");
        Path key = folder.resolve("key.pem");
        run(List.of(openssl.toString(), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=127.0.0.1", "-keyout", key.toString(), "-out", certificate.toString()), folder);
        // vsftpd 3.0.3's default ciphers (DES-CBC3-SHA) are ones the JDK no longer offers. debug_ssl
        // logs every handshake, and whether a data connection resumed the session, to vsftpd.log.
        List<String> tls = List.of("ssl_enable=YES", "allow_anon_ssl=YES", "force_anon_logins_ssl=YES",
                "force_anon_data_ssl=YES", "require_ssl_reuse=YES", "ssl_ciphers=HIGH", "debug_ssl=YES",
                "rsa_cert_file=" + certificate, "rsa_private_key_file=" + key);
        return startVsftpd(folder, 47500, 47999, tls, Optional.of(sha256Fingerprint(certificate)));
    }

    /**
     * pyftpdlib with one user who may read and write everywhere from the root ({@code -w}); the
     * server runs as this JVM's user. Passive ports 48000 to 48999.
     */
    static PeerServer pyftpdlib(Path work) throws IOException {
        assumeTrue(Files.isExecutable(PYTHON) && succeeds(List.of(PYTHON.toString(), "-c", "import pyftpdlib")),
                "pyftpdlib is not installed for " + PYTHON + " (apt-get install python3-pyftpdlib); skipping");
        Path folder = Files.createDirectories(work.resolve("pyftpdlib"));
        Path root = Files.createDirectories(folder.resolve("root"));
        int port = listenPort();
        PeerProcess process = PeerProcess.start("pyftpdlib", port, folder, List.of(PYTHON.toString(), "-m",
                "pyftpdlib", "-i", "127.0.0.1", "-p", Integer.toString(port), "-w", "-d", root.toString(),
                "-u", PYFTPDLIB_USER, "-P", PYFTPDLIB_PASSWORD, "-r", "48000-48999"), List.of());
        return new PeerServer(process, port, PYFTPDLIB_USER, PYFTPDLIB_PASSWORD, "", root, Optional.empty(),
                Optional.empty());
    }

    String host() {
        return "127.0.0.1";
    }

    int port() {
        return port;
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    /** The remote folder a client may write into, relative to where it logs in; empty for there itself. */
    String writableFolder() {
        return writableFolder;
    }

    /** The remote path of {@code name} in {@link #writableFolder()}. */
    String writable(String name) {
        return writableFolder.isEmpty() ? name : writableFolder + "/" + name;
    }

    /** The local folder that {@link #writableFolder()} is, to put files there or check them. */
    Path localRoot() {
        return localRoot;
    }

    /**
     * Hands a file put under {@link #localRoot()} by the test over to the server, so that it may
     * write to it as if it had made it (vsftpd's anonymous sessions write as the user {@code ftp}).
     */
    Path handOver(Path file) throws IOException {
        if (writer.isPresent()) {
            Files.setOwner(file, writer.get());
        }
        return file;
    }

    /** The SHA-256 fingerprint of the server's certificate, {@code AB:CD:...}, for {@code Trust.pinned}. */
    String fingerprint() {
        return fingerprint.orElseThrow(() -> new IllegalStateException("this server does not offer TLS"));
    }

    /** The server's output and logs, for failure messages. */
    String log() {
        return process.log();
    }

    @Override
    public void close() {
        process.close();
    }

    private static PeerServer startVsftpd(Path folder, int passiveLow, int passiveHigh, List<String> extra,
            Optional<String> fingerprint) throws IOException {
        assumeVsftpd();
        Optional<UserPrincipal> ftp = systemUser("ftp");
        assumeTrue(ftp.isPresent(), "there is no system user ftp for vsftpd's anonymous sessions; skipping");
        Path home = Files.createDirectories(folder.resolve("vsftpd"));
        Path root = Files.createDirectories(home.resolve("root"));
        Path up = Files.createDirectories(root.resolve("up"));
        Files.setOwner(up, ftp.get());
        Path empty = Files.createDirectories(home.resolve("empty"));
        Path protocolLog = home.resolve("vsftpd.log");
        int port = listenPort();
        // In the foreground, on loopback only. MKD needs anon_mkdir_write_enable; overwriting and
        // resuming (REST, then STOR) need anon_other_write_enable. The seccomp sandbox is off, as in
        // bench/vsftpd.conf: 3.0.3's syscall filter is older than some libcs it may meet. The package's
        // /var/run/vsftpd/empty is made at boot, so secure_chroot_dir is an empty folder of our own.
        // Every command and reply goes to vsftpd.log, for failure messages.
        List<String> settings = new ArrayList<>(List.of("listen=YES", "listen_ipv6=NO",
                "listen_address=127.0.0.1", "listen_port=" + port, "background=NO", "anonymous_enable=YES",
                "local_enable=NO", "anon_root=" + root, "no_anon_password=YES", "write_enable=YES",
                "anon_upload_enable=YES", "anon_mkdir_write_enable=YES", "anon_other_write_enable=YES",
                "anon_umask=022", "pasv_min_port=" + passiveLow, "pasv_max_port=" + passiveHigh,
                "secure_chroot_dir=" + empty, "seccomp_sandbox=NO", "xferlog_enable=YES", "xferlog_std_format=NO",
                "log_ftp_protocol=YES", "vsftpd_log_file=" + protocolLog));
        settings.addAll(extra);
        Path config = home.resolve("vsftpd.conf");
        Files.writeString(config, String.join("\n", settings) + "\n");
        PeerProcess process = PeerProcess.start("vsftpd", port, home, List.of(VSFTPD.toString(), config.toString()),
                List.of(protocolLog));
        return new PeerServer(process, port, "anonymous", "", "up", up, ftp, fingerprint);
    }

    private static void assumeVsftpd() {
        assumeTrue(Files.isExecutable(VSFTPD), VSFTPD + " is not installed (apt-get install vsftpd); skipping");
        assumeTrue(System.getProperty("user.name").equals("root"),
                "vsftpd must start as root, to chroot its sessions and switch them to the user ftp; skipping");
    }

    /** A free loopback port outside every passive range, so that no data connection can take it. */
    private static int listenPort() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (socket.getLocalPort() < PASSIVE_LOW || socket.getLocalPort() > PASSIVE_HIGH) {
                    return socket.getLocalPort();
                }
            }
        }
        throw new IOException("no free loopback port outside " + PASSIVE_LOW + " to " + PASSIVE_HIGH);
    }

    private static String sha256Fingerprint(Path certificate) throws IOException {
        try (InputStream in = Files.newInputStream(certificate)) {
            byte[] encoded = CertificateFactory.getInstance("X.509").generateCertificate(in).getEncoded();
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(encoded);
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the certificate openssl made", e);
        }
    }

    private static Optional<UserPrincipal> systemUser(String name) throws IOException {
        try {
            return Optional.of(Path.of("/").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(name));
        } catch (UserPrincipalNotFoundException e) {
            return Optional.empty();
        }
    }

    /** A program on the PATH; the calling test is skipped when there is none. */
    private static Path onPath(String program) {
        Optional<Path> found = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(folder -> !folder.isEmpty())
                .map(folder -> Path.of(folder, program))
                .filter(Files::isExecutable)
                .findFirst();
        assumeTrue(found.isPresent(), () -> program + " is not installed (not on PATH); skipping");
        return found.get();
    }

    private static boolean succeeds(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            process.getInputStream().transferTo(OutputStream.nullOutputStream());
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            process.destroyForcibly();
        }
    }

    /** Runs a setup step to its end, and fails with its output if it fails. */
    private static void run(List<String> command, Path folder) throws IOException {
        Process process = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed:\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        } finally {
            process.destroyForcibly();
        }
    }
}
