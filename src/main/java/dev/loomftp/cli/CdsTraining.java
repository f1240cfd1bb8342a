package dev.loomftp.cli;

import dev.loomftp.client.FtpClient;
import dev.loomftp.client.Trust;
import dev.loomftp.config.Config;
import dev.loomftp.config.ConfigLoader;
import dev.loomftp.config.LoggingSetup;
import dev.loomftp.server.FtpServer;
import dev.loomftp.users.FileUserStore;
import dev.loomftp.users.PasswordHasher;
import dev.loomftp.users.UserStoreException;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jline.terminal.impl.DumbTerminal;

/**
 * The run the image build records its class-data-sharing archive from ({@code loomftp
 * --cds-training}, not shown in the help): it loads the configuration, makes a self-signed
 * certificate and a users file as a first start does, starts a server on loopback with the
 * default TLS settings, and talks to it over real sockets: once in clear text, once as the
 * project's own client over FTPS with a login, a listing, an upload and a download. Then it types
 * a line with completion into the client shell's line editor. So the classes of a start-up, a
 * first TLS session, a first password check and a first prompt are in the archive.
 */
final class CdsTraining {
    private static final List<String> COMMANDS = List.of("SYST", "FEAT", "USER training", "PASS not-a-password",
            "HELP", "QUIT");
    private static final String USER = "training";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private CdsTraining() {}

    static int run(Io io) {
        Path root = null;
        try {
            root = Files.createTempDirectory("loomftp-cds-");
            Config defaults = ConfigLoader.defaults();
            Config.Tls tls = defaults.tls();
            Config config = new Config(List.of(new Config.Listener("127.0.0.1", 0)), defaults.passive(),
                    defaults.storage(), new Config.Users(root.resolve("users.txt"), false), defaults.limits(),
                    defaults.logins(), defaults.timeouts(), new Config.Logging(Config.Level.WARN, null),
                    new Config.Tls(tls.control(), tls.data(), List.of(), null, null, root.resolve("tls.p12"), null,
                            tls.requireSessionReuse(), tls.allowCcc())).withRoot(root);
            LoggingSetup.apply(config.logging());
            // The fewest iterations a hash may have: the same code as a real one, at a fraction of the time.
            FileUserStore users = new FileUserStore(config.users().file(), new PasswordHasher(PasswordHasher.MIN_ITERATIONS));
            char[] password = "training-password".toCharArray();
            users.add(USER, password);
            try (FtpServer server = FtpServer.start(config, users)) {
                InetSocketAddress address = server.addresses().getFirst();
                converse(address);
                transfer(address, root, password, fingerprint(root));
            }
            typeALine(root);
            return ExitCode.OK;
        } catch (IOException | RuntimeException | GeneralSecurityException | UserStoreException
                 | dev.loomftp.config.ConfigException e) {
            io.err().println("loomftp: the training run failed: " + e);
            return ExitCode.FAILURE;
        } finally {
            deleteTree(root);
        }
    }

    private static void converse(InetSocketAddress address) throws IOException {
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = socket.getOutputStream();
            readReply(in);
            for (String command : COMMANDS) {
                out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                readReply(in);
            }
        }
    }

    /** An FTPS session as {@code loomftp client} has it: log in, list, upload, download. */
    private static void transfer(InetSocketAddress address, Path root, char[] password, String fingerprint)
            throws IOException, GeneralSecurityException {
        Path local = Files.writeString(root.resolve("training.txt"), "training\n".repeat(1000));
        try (FtpClient client = FtpClient.connect(address.getHostString(), address.getPort(), TIMEOUT)) {
            client.startTls(Trust.pinned(fingerprint));
            client.login(USER, password);
            client.upload(local, "training.txt");
            client.listEntries(".");
            client.download("training.txt", root.resolve("back.txt"));
        }
    }

    /** The fingerprint of the certificate the server made at its start. */
    private static String fingerprint(Path root) throws IOException, GeneralSecurityException {
        char[] password = Files.readString(root.resolve("tls.p12.password"), StandardCharsets.UTF_8).strip()
                .toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(root.resolve("tls.p12"))) {
            keys.load(in, password);
        }
        return Trust.fingerprint((X509Certificate) keys.getCertificate(keys.aliases().nextElement()));
    }

    /** Types a command with a completion into the line editor, on a virtual terminal. */
    private static void typeALine(Path root) throws IOException {
        var typed = new ByteArrayInputStream("he\t\n".getBytes(StandardCharsets.UTF_8));
        var terminal = new DumbTerminal("training", "ansi", typed, OutputStream.nullOutputStream(),
                StandardCharsets.UTF_8);
        try (TerminalInput input = new TerminalInput(terminal, root.resolve("history"),
                new ShellCompleter(new RemoteFolders(Optional::empty), () -> root))) {
            input.readLine("ftp> ");
        }
    }

    /** Reads one reply, multi-line or not. */
    private static void readReply(BufferedReader in) throws IOException {
        String line = in.readLine();
        if (line == null || line.length() < 4) {
            throw new IOException("the server closed the connection");
        }
        if (line.charAt(3) == '-') {
            String end = line.substring(0, 3) + " ";
            do {
                line = in.readLine();
            } while (line != null && !line.startsWith(end));
        }
    }

    private static void deleteTree(Path root) {
        if (root == null) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path folder, IOException e) throws IOException {
                    Files.delete(folder);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
