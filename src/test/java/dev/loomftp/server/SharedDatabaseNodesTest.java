package dev.loomftp.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.config.Config;
import dev.loomftp.pg.PgEngine;
import dev.loomftp.pg.SharedDatabase;
import dev.loomftp.storage.StorageOpener;
import dev.loomftp.users.PasswordHasher;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPConnectionClosedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes (two servers in this process, each with its own pool and listener, as two machines
 * would have) that share their users, bans and quota counters in a real PostgreSQL and their files
 * in one folder: what one node does, the other sees. Clients are curl and lftp over FTPS, as users
 * run them, and Commons Net where a test needs to hold a transfer open.
 */
class SharedDatabaseNodesTest {
    private static final PasswordHasher HASHER = new PasswordHasher(PasswordHasher.MIN_ITERATIONS);
    private static final String PASSWORD = "alice-password";
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path folder;

    @TempDir
    Path local;

    private final List<FtpServer> servers = new ArrayList<>();
    private final List<SharedDatabase> databases = new ArrayList<>();
    private final List<FTPClient> clients = new ArrayList<>();
    private PgEngine privateEngine;

    /** One node on {@code database}, with FTPS required as a public server would, or off for Commons Net. */
    private FtpServer node(Config.Database database, TestServer.Options options) throws IOException {
        Config config = TestServer.config(folder, options, database);
        SharedDatabase shared = SharedDatabase.open(config, HASHER, PgEngine.environment());
        databases.add(shared);
        FtpServer server = FtpServer.start(config, shared.state(), StorageOpener.LOCAL);
        servers.add(server);
        return server;
    }

    private TestServer.Options ftps() {
        return TestServer.Options.defaults(folder)
                .withTls(TestServer.tls(folder, Config.Policy.REQUIRED, Config.Policy.REQUIRED, List.of(), true));
    }

    @BeforeEach
    void noThreadsYet() {
        assertEquals(List.of(), TestServer.serverThreads());
    }

    @AfterEach
    void stopNodes() {
        for (FTPClient client : clients) {
            try {
                client.disconnect();
            } catch (IOException e) {
                // The test is over.
            }
        }
        servers.forEach(FtpServer::close);
        for (FtpServer server : servers) {
            assertEquals(0, server.internalErrors(), "sessions ended by an internal error");
        }
        databases.forEach(SharedDatabase::close);
        if (privateEngine != null) {
            privateEngine.close();
        }
        await().atMost(Duration.ofSeconds(5)).alias("server threads left running")
                .until(TestServer::serverThreads, List::isEmpty);
    }

    private ExternalClient.Result curl(FtpServer node, String... arguments) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("-sS", "--ssl-reqd", "-k", "--user", "alice:" + PASSWORD,
                "--connect-timeout", "10", "--max-time", "120"));
        all.addAll(List.of(arguments));
        all.replaceAll(argument -> argument.replace("@PORT@", Integer.toString(node.addresses().getFirst().getPort())));
        return ExternalClient.require("curl", local).run(all.toArray(String[]::new));
    }

    /** A client that tried to log in as alice; its reply code says how that went, 421 included. */
    private FTPClient login(FtpServer node, String password) throws IOException {
        FTPClient client = new FTPClient();
        clients.add(client);
        client.setDefaultTimeout(20_000);
        client.connect("127.0.0.1", node.addresses().getFirst().getPort());
        try {
            client.login("alice", password);
        } catch (FTPConnectionClosedException e) {
            // A 421: the server closed the connection after it, and the reply code is kept.
        }
        return client;
    }

    @Test
    void aFileUploadedThroughOneNodeIsDownloadedThroughTheOther() throws Exception {
        Config.Database database = PgEngine.shared().newDatabase();
        FtpServer first = node(database, ftps());
        FtpServer second = node(database, ftps());
        databases.getFirst().users().add("alice", PASSWORD.toCharArray());

        Path original = FileTrees.write(local.resolve("report.bin"), 12 * MIB + 5, 3);
        curl(first, "--ftp-create-dirs", "-T", original.toString(), "ftp://127.0.0.1:@PORT@/in/report.bin")
                .assertSuccess();
        Path downloaded = local.resolve("down.bin");
        curl(second, "-o", downloaded.toString(), "ftp://127.0.0.1:@PORT@/in/report.bin").assertSuccess();
        assertEquals(TransferTest.sha256(original), TransferTest.sha256(downloaded));

        String script = String.join("; ", "set cmd:fail-exit yes", "set net:max-retries 1", "set net:timeout 20",
                "set ftp:ssl-force yes", "set ftp:ssl-protect-data yes", "set ssl:verify-certificate no",
                "open -u alice," + PASSWORD + " -p " + second.addresses().getFirst().getPort() + " 127.0.0.1",
                "rm in/report.bin", "cls -1 in/");
        ExternalClient.Result lftp = ExternalClient.require("lftp", local).run("-c", script).assertSuccess();
        assertFalse(lftp.stdout().contains("report.bin"), lftp::describe);
        ExternalClient.Result gone = curl(first, "-o", local.resolve("gone.bin").toString(),
                "ftp://127.0.0.1:@PORT@/in/report.bin");
        assertEquals(78, gone.exitCode(), gone::describe);
    }

    @Test
    void anAddressBannedOnOneNodeIsRefusedByTheOtherWithinASecond() throws Exception {
        Config.Database database = PgEngine.shared().newDatabase();
        TestServer.Options options = TestServer.Options.defaults(folder)
                .withLogins(new Config.Logins(Duration.ofMillis(1), Duration.ofMillis(4), 5, Duration.ofMinutes(10)));
        FtpServer first = node(database, options);
        FtpServer second = node(database, options);
        databases.getFirst().users().add("alice", PASSWORD.toCharArray());

        // Two guesses on each node, then a fifth in a row from the same address, which bans it.
        for (FtpServer node : List.of(first, second)) {
            FTPClient guesser = login(node, "wrong-password");
            assertEquals(530, guesser.getReplyCode(), guesser.getReplyString());
            assertFalse(guesser.login("alice", "still-wrong"));
            assertEquals(530, guesser.getReplyCode(), guesser.getReplyString());
        }
        FTPClient banned = login(first, "wrong-again");
        assertEquals(421, banned.getReplyCode(), "the fifth guess, on the first node: " + banned.getReplyString());
        await().atMost(Duration.ofSeconds(1)).untilAsserted(() -> {
            FTPClient refused = new FTPClient();
            clients.add(refused);
            try {
                refused.connect("127.0.0.1", second.addresses().getFirst().getPort());
            } catch (FTPConnectionClosedException e) {
                // The 421 greeting closes the connection.
            }
            assertEquals(421, refused.getReplyCode(), refused.getReplyString());
        });
    }

    @Test
    void twoUploadsOnTwoNodesCannotTogetherPassTheUsersQuota() throws Exception {
        Config.Database database = PgEngine.shared().newDatabase();
        FtpServer first = node(database, ftps());
        FtpServer second = node(database, ftps());
        databases.getFirst().users().add("alice", PASSWORD.toCharArray());
        databases.getFirst().users().setOverride("alice", "{\"quotas\": {\"/\": {\"bytes\": \"10M\"}}}");

        Path one = FileTrees.write(local.resolve("one.bin"), 6 * MIB, 1);
        Path two = FileTrees.write(local.resolve("two.bin"), 6 * MIB, 2);
        CompletableFuture<ExternalClient.Result> viaFirst = CompletableFuture.supplyAsync(() -> upload(first, one));
        CompletableFuture<ExternalClient.Result> viaSecond = CompletableFuture.supplyAsync(() -> upload(second, two));
        List<ExternalClient.Result> results = List.of(viaFirst.join(), viaSecond.join());
        assertEquals(1, results.stream().filter(result -> result.exitCode() == 0).count(),
                () -> "exactly one fits: " + results.stream().map(ExternalClient.Result::describe).toList());
        Path home = folder.resolve("data/alice");
        try (var files = Files.list(home)) {
            List<Path> left = files.filter(Files::isRegularFile).toList();
            assertEquals(1, left.size(), left::toString);
            assertEquals(6 * MIB, Files.size(left.getFirst()), "the one that fit, whole; nothing of the other");
        }
    }

    private ExternalClient.Result upload(FtpServer node, Path file) {
        try {
            return curl(node, "-T", file.toString(), "ftp://127.0.0.1:@PORT@/" + file.getFileName());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void whileTheDatabaseIsDownLoginsGet421ARunningDownloadFinishesAndTheNodeRecoversByItself()
            throws Exception {
        privateEngine = PgEngine.startPrivate();
        Config.Database database = privateEngine.newDatabase();
        FtpServer node = node(database, TestServer.Options.defaults(folder));
        databases.getFirst().users().add("alice", PASSWORD.toCharArray());
        Path original = FileTrees.write(Files.createDirectories(folder.resolve("data/alice")).resolve("big.bin"),
                24 * MIB, 4);

        FTPClient running = login(node, PASSWORD);
        assertEquals(230, running.getReplyCode(), running.getReplyString());
        running.setFileType(FTP.BINARY_FILE_TYPE);
        running.enterLocalPassiveMode();
        InputStream download = running.retrieveFileStream("big.bin");
        byte[] head = download.readNBytes(1024 * 1024);
        assertEquals(1024 * 1024, head.length);

        privateEngine.stop();
        FTPClient refused = login(node, PASSWORD);
        assertEquals(421, refused.getReplyCode(), refused.getReplyString());
        assertTrue(refused.getReplyString().contains("try again later"), refused.getReplyString());

        Path downloaded = local.resolve("big.bin");
        try (var out = Files.newOutputStream(downloaded)) {
            out.write(head);
            download.transferTo(out);
        }
        download.close();
        assertTrue(running.completePendingCommand(), running.getReplyString());
        assertEquals(TransferTest.sha256(original), TransferTest.sha256(downloaded), "the running download, whole");

        privateEngine.start();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            FTPClient again = login(node, PASSWORD);
            assertEquals(230, again.getReplyCode(), again.getReplyString());
        });
    }
}
