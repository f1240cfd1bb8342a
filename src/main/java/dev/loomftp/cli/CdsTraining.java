package dev.loomftp.cli;

import dev.loomftp.config.Config;
import dev.loomftp.config.ConfigLoader;
import dev.loomftp.config.LoggingSetup;
import dev.loomftp.server.FtpServer;
import dev.loomftp.users.User;
import dev.loomftp.users.UserStore;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import org.jline.terminal.impl.DumbTerminal;

/**
 * The run the image build records its class-data-sharing archive from ({@code loomftp
 * --cds-training}, not shown in the help): it loads the configuration, starts a server on
 * loopback, talks to it once over a real socket and stops it, and types a line with completion
 * into the client shell's line editor, so the classes of a start-up, a first session and a first
 * prompt are in the archive.
 */
final class CdsTraining {
    private static final List<String> COMMANDS = List.of("SYST", "FEAT", "USER training", "PASS not-a-password",
            "HELP", "QUIT");

    private CdsTraining() {}

    static int run(Io io) {
        Path root = null;
        try {
            root = Files.createTempDirectory("loomftp-cds-");
            Config defaults = ConfigLoader.defaults();
            Config config = new Config(List.of(new Config.Listener("127.0.0.1", 0)), defaults.passive(),
                    defaults.storage(), defaults.users(), defaults.limits(), defaults.logins(), defaults.timeouts(),
                    new Config.Logging(Config.Level.WARN, null),
                    new Config.Tls(Config.Policy.OFF, Config.Policy.OFF, List.of(), null, null,
                            root.resolve("tls.p12"), null, false)).withRoot(root);
            LoggingSetup.apply(config.logging());
            try (FtpServer server = FtpServer.start(config, new NoUsers())) {
                converse(server);
            }
            typeALine(root);
            return ExitCode.OK;
        } catch (IOException | RuntimeException | dev.loomftp.config.ConfigException e) {
            io.err().println("loomftp: the training run failed: " + e);
            return ExitCode.FAILURE;
        } finally {
            deleteTree(root);
        }
    }

    private static void converse(FtpServer server) throws IOException {
        try (Socket socket = new Socket(server.addresses().getFirst().getAddress(),
                server.addresses().getFirst().getPort())) {
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

    /** A user store without users: every login fails, as a first start's does. */
    private static final class NoUsers implements UserStore {
        @Override
        public Optional<User> authenticate(String name, char[] password) {
            return Optional.empty();
        }

        @Override
        public List<String> names() {
            return List.of();
        }
    }
}
