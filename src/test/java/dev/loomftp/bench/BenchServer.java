package dev.loomftp.bench;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One server of the side-by-side benchmark, started as its own process from its configuration in
 * {@code bench/}, on the loopback, serving {@link Workspace#home()}. Every server serves the same
 * folder, one after another.
 *
 * @param name      how the table names it
 * @param kind      which server it is
 * @param port      its control port on 127.0.0.1
 * @param user      the user its clients log in as, or null for anonymous (vsftpd)
 * @param folder    its own folder: configuration and logs
 * @param process   the server
 * @param startedNanos when the process was started, from {@link System#nanoTime()}
 */
record BenchServer(String name, Kind kind, int port, String user, Path folder, Process process, long startedNanos)
        implements AutoCloseable {
    static final String USER = "bench";
    static final String PASSWORD = "bench-password-1";
    private static final Path VSFTPD = Path.of("/usr/sbin/vsftpd");
    /** The system's python3: pyftpdlib from apt is there, not in a python3 earlier on the PATH. */
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    /** The servers, in the order the table lists them; loomftp last, next to its ratio. */
    enum Kind {
        VSFTPD("vsftpd 3.0.3", 24102, 55000),
        PYFTPDLIB("pyftpdlib 1.5.7", 24103, 25000),
        APACHE("Apache FtpServer 1.2.1", 24104, 30000),
        LOOMFTP("loomftp", 24101, 50000);

        final String label;
        final int port;
        final int passiveMin;

        Kind(String label, int port, int passiveMin) {
            this.label = label;
            this.port = port;
            this.passiveMin = passiveMin;
        }

        int passiveMax() {
            return passiveMin + 4999;
        }
    }

    /** Whether this machine can run {@code kind}: vsftpd needs root and the apt package, pyftpdlib its package. */
    static boolean available(Kind kind) throws IOException, InterruptedException {
        return switch (kind) {
            case VSFTPD -> Files.isExecutable(VSFTPD) && System.getProperty("user.name").equals("root");
            case PYFTPDLIB -> succeeds(List.of(PYTHON.toString(), "-c", "import pyftpdlib"));
            case APACHE, LOOMFTP -> true;
        };
    }

    /** The name of the server's own folder in the workspace. */
    static String folderName(Kind kind, boolean tls) {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + (tls ? "-tls" : "");
    }

    private static boolean succeeds(List<String> command) throws InterruptedException {
        try {
            Bench.run(command);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Starts {@code kind} in a folder of its own under the workspace, with FTPS when {@code tls}. */
    static BenchServer start(Kind kind, Workspace workspace, boolean tls) throws IOException, InterruptedException {
        Path folder = Files.createDirectories(workspace.root().resolve(folderName(kind, tls)));
        Map<String, String> values = Map.of("@PORT@", Integer.toString(kind.port),
                "@PASSIVE_MIN@", Integer.toString(kind.passiveMin), "@PASSIVE_MAX@", Integer.toString(kind.passiveMax()),
                "@FOLDER@", folder.toString(), "@ROOT@", workspace.home().toString(),
                "@DATA@", workspace.data().toString(), "@CERT@", workspace.certificate().toString(),
                "@KEY@", workspace.privateKey().toString(), "@KEYSTORE@", tls ? workspace.keystore().toString() : "",
                "@KEYSTORE_PASSWORD@", Workspace.KEYSTORE_PASSWORD);
        List<String> command = switch (kind) {
            case LOOMFTP -> loomftp(workspace, folder, values);
            case VSFTPD -> vsftpd(workspace, folder, values, tls);
            case PYFTPDLIB -> pyftpdlib(workspace, tls);
            case APACHE -> apache(workspace, folder, values);
        };
        ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile())
                .redirectOutput(folder.resolve("stdout.log").toFile())
                .redirectError(folder.resolve("stderr.log").toFile());
        builder.environment().put("BENCH_USER", USER);
        builder.environment().put("BENCH_PASSWORD", PASSWORD);
        long started = System.nanoTime();
        Process process = builder.start();
        return new BenchServer(kind.label, kind, kind.port, kind == Kind.VSFTPD ? null : USER, folder, process, started);
    }

    private static List<String> loomftp(Workspace workspace, Path folder, Map<String, String> values)
            throws IOException, InterruptedException {
        Path config = fill(workspace.configs().resolve("loomftp.json"), folder.resolve("loomftp.json"), values);
        Path password = folder.resolve("password.txt");
        Files.writeString(password, PASSWORD + "\n");
        String launcher = workspace.image().resolve("bin/loomftp").toString();
        Bench.run(new ProcessBuilder(launcher, "user", "add", USER, "--password-stdin", "--config", config.toString())
                .redirectInput(password.toFile()));
        return List.of(launcher, "serve", "--config", config.toString());
    }

    private static List<String> vsftpd(Workspace workspace, Path folder, Map<String, String> values, boolean tls)
            throws IOException {
        Path empty = Files.createDirectories(folder.resolve("empty"));
        Map<String, String> more = new java.util.HashMap<>(values);
        more.put("@EMPTY@", empty.toString());
        Path config = fill(workspace.configs().resolve("vsftpd.conf"), folder.resolve("vsftpd.conf"), more);
        if (tls) {
            Path extra = fill(workspace.configs().resolve("vsftpd-tls.conf"), folder.resolve("tls.conf"), more);
            Files.writeString(config, Files.readString(extra), java.nio.file.StandardOpenOption.APPEND);
        }
        return List.of(VSFTPD.toString(), config.toString());
    }

    private static List<String> pyftpdlib(Workspace workspace, boolean tls) {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(),
                workspace.configs().resolve("pyftpdlib_server.py").toString(), Integer.toString(Kind.PYFTPDLIB.port),
                workspace.home().toString(), Integer.toString(Kind.PYFTPDLIB.passiveMin),
                Integer.toString(Kind.PYFTPDLIB.passiveMax())));
        if (tls) {
            command.addAll(List.of(workspace.certificate().toString(), workspace.privateKey().toString()));
        }
        return command;
    }

    private static List<String> apache(Workspace workspace, Path folder, Map<String, String> values)
            throws IOException {
        Map<String, String> more = new java.util.HashMap<>(values);
        more.put("@USER@", USER);
        more.put("@PASSWORD_SHA512@", sha512(PASSWORD));
        fill(workspace.configs().resolve("apache-users.properties"), folder.resolve("users.properties"), more);
        Path config = fill(workspace.configs().resolve("apache-ftpserver.properties"),
                folder.resolve("ftpserver.properties"), more);
        String java = ProcessHandle.current().info().command().orElse("java");
        return List.of(java, "-cp", System.getProperty("java.class.path"), ApacheFtpServerMain.class.getName(),
                config.toString());
    }

    /** Writes {@code template} with its @NAME@ values filled in to {@code target}. */
    private static Path fill(Path template, Path target, Map<String, String> values) throws IOException {
        String text = Files.readString(template);
        for (Map.Entry<String, String> value : values.entrySet()) {
            text = text.replace(value.getKey(), value.getValue());
        }
        Files.writeString(target, text);
        return target;
    }

    /** The SHA-512 in hex that Apache FtpServer's default password encryptor (since 1.1) stores. */
    private static String sha512(String password) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-512").digest(password.getBytes(StandardCharsets.UTF_8));
            return String.format("%0128x", new BigInteger(1, digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The server's address for {@code loomftp bench}, with the user and {@code path}. */
    String url(String path) {
        return "ftp://" + (user == null ? "" : user + "@") + "127.0.0.1:" + port + "/" + path;
    }

    /**
     * Waits, bounded, until a client can log in, and returns the milliseconds from the process's
     * start to that login: the start-up to the first login.
     */
    double awaitFirstLogin() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with " + process.exitValue() + ": "
                        + Files.readString(folder.resolve("stderr.log")).strip());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                socket.setSoTimeout(10_000);
                if (RawLogin.login(socket, user == null ? "anonymous" : user, user == null ? "bench@" : PASSWORD)) {
                    return (System.nanoTime() - startedNanos) / 1e6;
                }
            } catch (IOException notYet) {
                last = notYet;
            }
            process.onExit().completeOnTimeout(process, 5, TimeUnit.MILLISECONDS).join();
        }
        throw new IOException(name + " did not let a client log in on port " + port + " within 60 s", last);
    }

    /** Stops the server by its pid and waits for it, and for every process it started, to end. */
    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            Bench.stop(process);
        }
        for (ProcessHandle child : children) {
            child.onExit().completeOnTimeout(child, 20, TimeUnit.SECONDS).join();
            child.destroyForcibly();
        }
    }
}
