package dev.loomftp.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.config.Config;
import dev.loomftp.users.FileUserStore;
import dev.loomftp.users.PasswordHasher;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPReply;

/**
 * An in-process server on a loopback port chosen by the system, with its own data root and users
 * file in a temporary folder. Closing it stops the server and checks that nothing it started is
 * left: no session, no passive listener, no thread.
 */
final class TestServer implements AutoCloseable {
    static final Duration DEFAULT_IDLE = Duration.ofSeconds(30);
    static final Duration DEFAULT_SETUP = Duration.ofSeconds(10);
    static final Duration DEFAULT_STALL = Duration.ofSeconds(10);

    private final Path root;
    private final FileUserStore users;
    private final FtpServer server;
    private final List<FTPClient> clients = new ArrayList<>();

    private TestServer(Path root, FileUserStore users, FtpServer server) {
        this.root = root;
        this.users = users;
        this.server = server;
    }

    /**
     * What a test server is started with; each test changes only what it is about.
     *
     * @param address      the listener's address
     * @param timeouts     control idle, data setup and stall
     * @param limits       sessions, lines, logins and failed commands
     * @param logins       the failed-login delay and ban, tiny by default so that tests stay fast
     * @param publicAccess what users may do in /Public
     * @param tls          off unless a test is about TLS
     * @param anonymous    whether anonymous logins are on
     * @param overrides    per-user settings
     * @param logging      the log level and the logs written, the console at info by default
     * @param metrics      the Prometheus endpoint, off by default
     * @param proxyFrom    the networks whose connections start with a PROXY header, none by default
     * @param hooks        the hooks, none by default
     */
    record Options(String address, Config.Timeouts timeouts, Config.Limits limits, Config.Logins logins,
            Config.Access publicAccess, Config.Tls tls, boolean anonymous,
            java.util.Map<String, Config.UserOverride> overrides, Config.Logging logging, Config.Metrics metrics,
            List<dev.loomftp.protocol.Cidr> proxyFrom, Config.Hooks hooks, List<Config.Mount> mounts) {

        /** The shared folder, whose permissions {@link #publicAccess} sets. */
        static final Config.Mount PUBLIC = new Config.Mount("/Public", "Public", Config.Access.READ_WRITE);

        static Options defaults(Path folder) {
            return new Options("127.0.0.1", new Config.Timeouts(DEFAULT_IDLE, DEFAULT_SETUP, DEFAULT_STALL),
                    TestServer.limits(20), new Config.Logins(Duration.ofMillis(1), Duration.ofMillis(4), 1000, Duration.ofMinutes(1)),
                    Config.Access.READ_WRITE, TestServer.tls(folder, Config.Policy.OFF, Config.Policy.OFF, List.of(), false),
                    false, java.util.Map.of(), new Config.Logging(Config.Level.INFO, null), Config.Metrics.OFF,
                    List.of(), Config.Hooks.NONE, List.of(
                            new Config.Mount("/", "{user}", Config.Access.READ_WRITE),
                            PUBLIC));
        }

        Options withAddress(String newAddress) {
            return new Options(newAddress, timeouts, limits, logins, publicAccess, tls, anonymous, overrides, logging,
                    metrics, proxyFrom, hooks, mounts);
        }

        Options withTimeouts(Config.Timeouts newTimeouts) {
            return new Options(address, newTimeouts, limits, logins, publicAccess, tls, anonymous, overrides,
                    logging, metrics, proxyFrom, hooks, mounts);
        }

        Options withLimits(Config.Limits newLimits) {
            return new Options(address, timeouts, newLimits, logins, publicAccess, tls, anonymous, overrides,
                    logging, metrics, proxyFrom, hooks, mounts);
        }

        Options withLogins(Config.Logins newLogins) {
            return new Options(address, timeouts, limits, newLogins, publicAccess, tls, anonymous, overrides,
                    logging, metrics, proxyFrom, hooks, mounts);
        }

        Options withPublicAccess(Config.Access access) {
            return new Options(address, timeouts, limits, logins, access, tls, anonymous, overrides,
                    logging, metrics, proxyFrom, hooks, mounts);
        }

        Options withAnonymous() {
            return new Options(address, timeouts, limits, logins, publicAccess, tls, true, overrides,
                    logging, metrics, proxyFrom, hooks, mounts);
        }

        Options withOverride(String user, Config.UserOverride override) {
            java.util.Map<String, Config.UserOverride> more = new java.util.HashMap<>(overrides);
            more.put(user, override);
            return new Options(address, timeouts, limits, logins, publicAccess, tls, anonymous, more,
                    logging, metrics, proxyFrom, hooks, mounts);
        }

        Options withLogging(Config.Logging newLogging) {
            return new Options(address, timeouts, limits, logins, publicAccess, tls, anonymous, overrides,
                    newLogging, metrics, proxyFrom, hooks, mounts);
        }

        Options withMetrics(Config.Metrics newMetrics) {
            return new Options(address, timeouts, limits, logins, publicAccess, tls, anonymous, overrides, logging,
                    newMetrics, proxyFrom, hooks, mounts);
        }

        Options withProxyFrom(List<dev.loomftp.protocol.Cidr> networks) {
            return new Options(address, timeouts, limits, logins, publicAccess, tls, anonymous, overrides, logging,
                    metrics, networks, hooks, mounts);
        }

        Options withHooks(Config.Hooks newHooks) {
            return new Options(address, timeouts, limits, logins, publicAccess, tls, anonymous, overrides, logging,
                    metrics, proxyFrom, newHooks, mounts);
        }

        Options withMounts(List<Config.Mount> newMounts) {
            return new Options(address, timeouts, limits, logins, publicAccess, tls, anonymous, overrides, logging,
                    metrics, proxyFrom, hooks, newMounts);
        }

        Options withTls(Config.Tls newTls) {
            return new Options(address, timeouts, limits, logins, publicAccess, newTls, anonymous, overrides,
                    logging, metrics, proxyFrom, hooks, mounts);
        }
    }

    /** A server with the default test options. */
    static TestServer start(Path folder) throws IOException {
        return start(folder, Options.defaults(folder));
    }

    static Config.Limits limits(int maxSessions) {
        return new Config.Limits(maxSessions, maxSessions, 1024, 3, 50, 100);
    }

    static TestServer start(Path folder, Config.Timeouts timeouts, Config.Limits limits) throws IOException {
        return start(folder, Options.defaults(folder).withTimeouts(timeouts).withLimits(limits));
    }

    /** A server with FTPS: a certificate is made in {@code folder} at start. */
    static TestServer startTls(Path folder, Config.Tls tls) throws IOException {
        return start(folder, Options.defaults(folder).withTls(tls));
    }

    static TestServer start(Path folder, Options options) throws IOException {
        return start(folder, options, dev.loomftp.storage.StorageOpener.LOCAL);
    }

    /** A server whose mounts {@code storages} opens, such as a storage that fails on purpose. */
    static TestServer start(Path folder, Options options, dev.loomftp.storage.StorageOpener storages)
            throws IOException {
        Config config = config(folder, options, null);
        FileUserStore users = new FileUserStore(config.users().file(), new PasswordHasher(PasswordHasher.MIN_ITERATIONS));
        return new TestServer(config.storage().root(), users, FtpServer.start(config, users, storages));
    }

    /**
     * The configuration a test server runs with: data in {@code folder/data}, users in
     * {@code folder/users.txt}, or in {@code database} when it is not null.
     */
    static Config config(Path folder, Options options, Config.Database database) {
        Path root = folder.resolve("data");
        Path usersFile = folder.resolve("users.txt");
        return new Config(
                List.of(new Config.Listener(options.address(), 0, options.proxyFrom())),
                new Config.Passive(42000, 42999, null),
                new Config.Storage(root, options.mounts().stream()
                        .map(mount -> mount.equals(Options.PUBLIC)
                                ? new Config.Mount(mount.path(), mount.source(), options.publicAccess()) : mount)
                        .toList()),
                new Config.Users(usersFile, options.anonymous(), options.overrides(),
                        Config.Users.DEFAULT_PASSWORD_CACHE, database),
                options.limits(),
                options.logins(),
                options.timeouts(),
                options.logging(),
                options.tls(),
                new Config.Service(null),
                options.metrics(),
                options.hooks());
    }

    /** The configuration the server was started with, which a test may change and reload. */
    Config config() {
        return server.config();
    }

    /** TLS settings with a keystore generated in {@code folder} on first use. */
    static Config.Tls tls(Path folder, Config.Policy control, Config.Policy data, List<Config.Listener> implicit,
            boolean requireSessionReuse) {
        return new Config.Tls(control, data, implicit, null, null, folder.resolve("tls.p12"), null,
                requireSessionReuse);
    }

    /** The SHA-256 fingerprint, {@code AB:CD:...}, of the certificate made in {@code tlsFolder} (see {@link #tls}). */
    static String fingerprint(Path tlsFolder) throws IOException, GeneralSecurityException {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        char[] password = Files.readString(tlsFolder.resolve("tls.p12.password")).strip().toCharArray();
        try (InputStream in = Files.newInputStream(tlsFolder.resolve("tls.p12"))) {
            keys.load(in, password);
        }
        byte[] certificate = keys.getCertificate(keys.aliases().nextElement()).getEncoded();
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate);
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    }

    /** Adds a user, whose home appears at the first login. */
    TestServer withUser(String name, String password) {
        try {
            users.add(name, password.toCharArray());
        } catch (dev.loomftp.users.UserStoreException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** The real folder behind a user's home, or behind "Public", created if it is not there yet. */
    Path folder(String name) {
        try {
            return Files.createDirectories(root.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path root() {
        return root;
    }

    /** The server's users, with the default password cache. */
    FileUserStore users() {
        return users;
    }

    InetSocketAddress address() {
        return server.addresses().getFirst();
    }

    int port() {
        return address().getPort();
    }

    FtpServer server() {
        return server;
    }

    /** A connected Commons Net client, not logged in yet; it is closed with the server. */
    FTPClient connect() throws IOException {
        FTPClient client = new FTPClient();
        client.setConnectTimeout(10_000);
        client.setDefaultTimeout(20_000);
        client.setDataTimeout(Duration.ofSeconds(20));
        client.setControlEncoding("UTF-8");
        clients.add(client);
        client.connect(address().getAddress(), port());
        assertTrue(FTPReply.isPositiveCompletion(client.getReplyCode()), client.getReplyString());
        return client;
    }

    /** A logged-in client in binary, passive mode. */
    FTPClient login(String name, String password) throws IOException {
        FTPClient client = connect();
        assertTrue(client.login(name, password), client.getReplyString());
        assertTrue(client.setFileType(FTP.BINARY_FILE_TYPE), client.getReplyString());
        client.enterLocalPassiveMode();
        return client;
    }

    /** Stops the server, then checks that it left nothing running. */
    @Override
    public void close() {
        for (FTPClient client : clients) {
            try {
                client.disconnect();
            } catch (IOException e) {
                // The test is over; a client that fails to close changes nothing.
            }
        }
        server.close();
        assertEquals(0, server.internalErrors(), "sessions ended by an internal error");
        assertEquals(0, server.activeSessions(), "sessions left running");
        assertEquals(0, server.openPassiveListeners(), "passive listeners left open");
        await().atMost(Duration.ofSeconds(5)).alias("server threads left running")
                .until(TestServer::serverThreads, List::isEmpty);
    }

    /** The names of the live threads the server made, virtual ones included. */
    static List<String> serverThreads() {
        return dev.loomftp.LiveThreads.named("loomftp-");
    }
}
