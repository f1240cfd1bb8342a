package dev.loomftp.pg;

import dev.loomftp.config.Config;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL for the tests, the distribution's own, on loopback: a throw-away cluster in a
 * folder under /tmp (src/test/resources/postgres/postgres.sh), started by pid and stopped by pid.
 * {@link #shared()} is one cluster for the whole test run, in which each test takes a database of
 * its own; {@link #startPrivate()} is a cluster of a test's own, which it may stop and start again.
 * The password reaches the code under test as an operator's would: in {@code PGPASSWORD}.
 */
public final class PgEngine implements AutoCloseable {
    public static final String USER = "loomftp";
    public static final String PASSWORD = "loomftp-test-password-1";
    private static final Path SCRIPT = Path.of("src/test/resources/postgres/postgres.sh").toAbsolutePath();
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static PgEngine shared;

    private final Path folder;
    private final Path cluster;
    private final int port;

    private PgEngine(Path folder, int port) {
        this.folder = folder;
        this.cluster = folder.resolve("pg");
        this.port = port;
    }

    /** The cluster of this test run, started at the first call. */
    public static synchronized PgEngine shared() throws IOException, InterruptedException {
        if (shared == null) {
            shared = startPrivate();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    /** A cluster of the caller's own; close it when done. */
    public static PgEngine startPrivate() throws IOException, InterruptedException {
        // The server runs as the postgres user, which must be able to enter every folder above its own.
        Path folder = Files.createTempDirectory(Path.of("/tmp"), "lfpg");
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        PgEngine engine = new PgEngine(folder, freePort());
        engine.start();
        return engine;
    }

    /** Starts the cluster, or starts it again after {@link #stop}, on the same port with the same data. */
    public void start() throws IOException, InterruptedException {
        run(List.of("bash", SCRIPT.toString(), "start", cluster.toString(), Integer.toString(port), USER, PASSWORD,
                "loomftp"));
    }

    /** Stops the cluster (a fast shutdown: sessions are cut). */
    public void stop() throws IOException, InterruptedException {
        run(List.of("bash", SCRIPT.toString(), "stop", cluster.toString()));
    }

    /** A new, empty database of its own for a test, as the configuration names it. */
    public Config.Database newDatabase() throws SQLException {
        String name = "loomftp_" + DATABASES.incrementAndGet();
        try (Connection connection = connect("loomftp"); Statement statement = connection.createStatement()) {
            statement.execute("create database " + name);
        }
        return new Config.Database(url(name), USER, 4);
    }

    /** The environment a node under test sees: the password, as an operator would give it. */
    public static Map<String, String> environment() {
        return Map.of("PGPASSWORD", PASSWORD);
    }

    /** A connection to {@code database}, for a test to look at what the code under test wrote. */
    public Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("password", PASSWORD);
        return DriverManager.getConnection(url(database), properties);
    }

    /** A connection to the database {@code settings} names. */
    public Connection connect(Config.Database settings) throws SQLException {
        return connect(settings.url().substring(settings.url().lastIndexOf('/') + 1));
    }

    public int port() {
        return port;
    }

    private String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command.subList(1, 3)) + " failed: "
                    + new String(output, StandardCharsets.UTF_8));
        }
    }

    /** Stops the server by its pid, then deletes the folder, whose files are all the cluster's own. */
    @Override
    public void close() {
        try {
            stop();
            run(List.of("rm", "-rf", "--one-file-system", "--", folder.toString()));
        } catch (IOException | InterruptedException e) {
            System.err.println("the PostgreSQL cluster in " + folder + " did not stop cleanly: " + e.getMessage());
        }
    }
}
