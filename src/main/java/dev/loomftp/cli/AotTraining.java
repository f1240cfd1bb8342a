package dev.loomftp.cli;

import dev.loomftp.bench.BenchResult;
import dev.loomftp.bench.BenchTarget;
import dev.loomftp.bench.Benchmark;
import dev.loomftp.bench.Scenario;
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
import java.util.OptionalLong;
import org.jline.terminal.impl.DumbTerminal;

/**
 * The run the image build records its ahead-of-time cache from ({@code loomftp --aot-training},
 * not shown in the help; JEP 483 and 515). It does what a server's first minutes do, so that later
 * starts find those classes loaded and linked, and the JIT finds the profiles it needs to compile
 * the hot paths at once rather than after thousands of sessions: it loads the configuration, makes
 * a self-signed certificate and a users file as a first start does, starts a server on loopback
 * with the default TLS settings, and talks to it over real sockets: in clear text, as the
 * project's own client over FTPS, and as the project's load generator, plain and over FTPS
 * (logins, small and large files both ways, listings of a folder of 2,000 files). Then it types a
 * line with completion into the client shell's line editor.
 */
final class AotTraining {
    private static final List<String> COMMANDS = List.of("SYST", "FEAT", "USER training", "PASS not-a-password",
            "HELP", "QUIT");
    private static final String USER = "training";
    private static final String LISTED = "listed";
    private static final int LISTED_FILES = 2_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration LOAD_LIMIT = Duration.ofSeconds(60);

    private AotTraining() {}

    static int run(Io io) {
        Path root = null;
        try {
            root = Files.createTempDirectory("loomftp-aot-");
            Config defaults = ConfigLoader.defaults();
            Config.Tls tls = defaults.tls();
            Config.Limits limits = defaults.limits();
            // The load generator's clients all come from one address.
            Config.Limits oneAddress = new Config.Limits(limits.maxSessions(), limits.maxSessions(),
                    limits.maxLineLength(), limits.maxLoginAttempts(), limits.maxFailedCommands(), limits.maxExpansion());
            Config config = new Config(List.of(new Config.Listener("127.0.0.1", 0)), defaults.passive(),
                    defaults.storage(), new Config.Users(root.resolve("users.txt"), false), oneAddress,
                    defaults.logins(), defaults.timeouts(), new Config.Logging(Config.Level.WARN, null),
                    new Config.Tls(tls.control(), tls.data(), List.of(), null, null, root.resolve("tls.p12"), null,
                            tls.requireSessionReuse(), tls.allowCcc()), new Config.Service(null)).withRoot(root);
            LoggingSetup.apply(config.logging());
            // The fewest iterations a hash may have: the same code as a real one, at a fraction of the time.
            FileUserStore users = new FileUserStore(config.users().file(), new PasswordHasher(PasswordHasher.MIN_ITERATIONS));
            char[] password = "training-password".toCharArray();
            users.add(USER, password);
            Path listed = Files.createDirectories(root.resolve(USER).resolve(LISTED));
            for (int i = 0; i < LISTED_FILES; i++) {
                Files.createFile(listed.resolve(String.format("file-%05d.dat", i)));
            }
            try (FtpServer server = FtpServer.start(config, users)) {
                InetSocketAddress address = server.addresses().getFirst();
                String fingerprint = fingerprint(root);
                converse(address);
                transfer(address, root, password, fingerprint);
                load(address, new String(password), fingerprint);
            }
            typeALine(root);
            return ExitCode.OK;
        } catch (IOException | RuntimeException | GeneralSecurityException | UserStoreException
                 | dev.loomftp.config.ConfigException e) {
            io.err().println("loomftp: the training run failed: " + e);
            return ExitCode.FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            io.err().println("loomftp: the training run was interrupted");
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

    /**
     * Many clients at once, as {@code loomftp bench} makes them: logins, small files, a large file
     * each way and listings, in clear text and then over FTPS.
     *
     * @throws IOException when any operation failed: a cache trained on failures trains the wrong paths
     */
    private static void load(InetSocketAddress address, String password, String fingerprint)
            throws IOException, InterruptedException {
        var transfers = List.of(Scenario.LOGIN, Scenario.SMALL, Scenario.STOR, Scenario.RETR);
        var listings = List.of(Scenario.LIST, Scenario.NLST, Scenario.MLSD);
        BenchTarget.Contexts pinned = () -> Trust.pinned(fingerprint);
        runLoad(target(address, password, null, ""),
                new Benchmark.Plan(transfers, 300, 20, 60, 64 * 1024, 16 << 20, List.of(1), 3, LOAD_LIMIT));
        runLoad(target(address, password, null, LISTED),
                new Benchmark.Plan(listings, 1, 1, 1, 1, 1, List.of(1), 30, LOAD_LIMIT));
        runLoad(target(address, password, pinned, ""),
                new Benchmark.Plan(transfers, 50, 10, 20, 64 * 1024, 16 << 20, List.of(1), 3, LOAD_LIMIT));
        runLoad(target(address, password, pinned, LISTED),
                new Benchmark.Plan(listings, 1, 1, 1, 1, 1, List.of(1), 10, LOAD_LIMIT));
    }

    private static BenchTarget target(InetSocketAddress address, String password, BenchTarget.Contexts trust,
            String folder) {
        return new BenchTarget(address.getHostString(), address.getPort(), USER, password, trust, false, folder,
                TIMEOUT);
    }

    private static void runLoad(BenchTarget target, Benchmark.Plan plan) throws IOException, InterruptedException {
        for (BenchResult result : Benchmark.on(target, plan, OptionalLong.empty()).run(done -> {})) {
            if (result.errors() > 0) {
                throw new IOException(result.scenario() + " against " + target + " had " + result.errors()
                        + " errors, the first: " + result.firstError());
            }
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
