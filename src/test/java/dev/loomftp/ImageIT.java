package dev.loomftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime image as users run it: {@code bin/loomftp} with no JDK to lean on (no JAVA_HOME,
 * nothing on PATH), a user added with {@code loomftp user}, then {@code loomftp serve} on a
 * temporary configuration, a real client, and a clean stop on SIGTERM.
 */
class ImageIT {
    private static final Pattern LISTENING = Pattern.compile("Listening on ftp://127\\.0\\.0\\.1:(\\d+)/");
    private static final Pattern WILDCARD = Pattern.compile("Listening on port (\\d+) of every interface");

    @TempDir
    Path folder;

    private Path launcher;
    private Path config;

    @BeforeEach
    void writeConfig() throws IOException {
        launcher = Path.of(System.getProperty("loomftp.image", "target/image")).resolve("bin/loomftp").toAbsolutePath();
        assertTrue(Files.isExecutable(launcher), "build the image first: " + launcher);
        config = folder.resolve("loomftp.json");
        Files.writeString(config, """
                {
                  "listeners": [ { "address": "127.0.0.1", "port": 0 } ],
                  "passive": { "minPort": 43000, "maxPort": 43999 },
                  "storage": { "root": "data" },
                  "users": { "file": "users.txt" },
                  "logging": { "level": "info", "file": "logs/loomftp.log" }
                }
                """);
    }

    @Test
    void versionAndUsageWorkWithoutAJdk() throws IOException, InterruptedException {
        Run version = run(List.of("--version"), "");
        assertEquals(0, version.exitCode());
        assertTrue(version.out().startsWith("loomftp "), version.out());
        Run unknown = run(List.of("frobnicate"), "");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("unknown command"), unknown.err());
        Run badConfig = run(List.of("serve", "--config", folder.resolve("missing.json").toString()), "");
        assertEquals(3, badConfig.exitCode());
        assertEquals(1, badConfig.err().lines().count(), badConfig.err());
    }

    @Test
    void serveRefusesAUsersFileThatNamesOneUserTwice() throws IOException, InterruptedException {
        assertEquals(0, run(List.of("user", "add", "bob", "--password-stdin", "--config", config.toString()),
                "image-test-password\n").exitCode());
        Path usersFile = folder.resolve("users.txt");
        String bob = Files.readAllLines(usersFile).getLast();
        Files.writeString(usersFile, "B" + bob.substring(1) + "\n", java.nio.file.StandardOpenOption.APPEND);
        int line = Files.readAllLines(usersFile).size();

        Run serve = run(List.of("serve", "--config", config.toString()), "");

        assertEquals(1, serve.exitCode());
        assertEquals("loomftp serve: cannot read " + usersFile + ": line " + line + ": user 'Bob' is already on line "
                + (line - 1) + " as 'bob' (user names ignore case); delete one of the two lines\n", serve.err());
    }

    @Test
    void serveTransfersFilesForAUserAddedWithTheCli() throws IOException, InterruptedException {
        Run added = run(List.of("user", "add", "alice", "--password-stdin", "--config", config.toString()),
                "image-test-password\n");
        assertEquals(0, added.exitCode(), added.err());
        String usersFile = Files.readString(folder.resolve("users.txt"));
        assertTrue(usersFile.contains("alice:$pbkdf2-sha256$"), "the password is stored hashed");
        assertTrue(!usersFile.contains("image-test-password"));

        Process server = start(List.of("serve", "--config", config.toString()));
        try {
            int port = awaitPort(server);
            byte[] content = uploadAndDownload(port, 3 * 1024 * 1024 + 17);
            assertArrayEquals(content, Files.readAllBytes(folder.resolve("data/alice/upload.bin")));
            assertTrue(Files.isDirectory(folder.resolve("data/Public")));

            Run listing = run(List.of("client", "ls", "ftp://alice@127.0.0.1:" + port + "/"), "",
                    Map.of("LOOMFTP_PASSWORD", "image-test-password"));
            assertEquals(0, listing.exitCode(), listing.err());
            assertTrue(listing.out().contains(" upload.bin"), "the image's own client lists: " + listing.out());
        } finally {
            server.destroy();
            assertTrue(server.waitFor(20, TimeUnit.SECONDS), "the server stops on SIGTERM");
        }
        String log = Files.readString(folder.resolve("logs/loomftp.log"));
        assertTrue(log.contains("transfer user=alice STOR /upload.bin bytes=" + (3 * 1024 * 1024 + 17)), log);
        assertTrue(log.contains("server stopped"), log);
        assertTrue(!log.contains("image-test-password"), "no password in the log");
        assertTrue(!log.contains(folder.toString()), "no real path in the log");
    }

    /**
     * Homes on object storage (Ceph RGW) from the image, whose launcher puts the SDK's jars on the
     * module path: credentials from the environment as an operator gives them, never in the file
     * or the log; a wrong secret stops the start with the reason.
     */
    @Test
    void serveKeepsHomesOnObjectStorage() throws Exception {
        dev.loomftp.s3.S3Engine engine = dev.loomftp.s3.S3Engine.shared();
        String bucket = engine.newBucket();
        Files.writeString(config, """
                {
                  "listeners": [ { "address": "127.0.0.1", "port": 0 } ],
                  "passive": { "minPort": 43000, "maxPort": 43999 },
                  "storage": { "root": "data", "mounts": [
                    { "path": "/", "s3": { "bucket": "%s", "prefix": "homes/{user}/", "endpoint": "%s" } },
                    { "path": "/Public", "source": "Public" } ] },
                  "users": { "file": "users.txt" },
                  "logging": { "level": "info", "file": "logs/loomftp.log" }
                }
                """.formatted(bucket, engine.endpoint()));
        assertEquals(0, run(List.of("user", "add", "alice", "--password-stdin", "--config", config.toString()),
                "image-test-password\n").exitCode());
        Map<String, String> wrong = Map.of("AWS_ACCESS_KEY_ID", dev.loomftp.s3.S3Engine.ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", "not-the-secret");
        Run refused = run(List.of("serve", "--config", config.toString()), "", wrong);
        assertTrue(refused.exitCode() != 0 && refused.err().contains("object storage refused access to bucket " + bucket),
                refused.err());
        assertTrue(!refused.err().contains("not-the-secret") && !refused.out().contains("not-the-secret"));

        Map<String, String> credentials = Map.of("AWS_ACCESS_KEY_ID", dev.loomftp.s3.S3Engine.ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", dev.loomftp.s3.S3Engine.SECRET_KEY);
        Run check = run(List.of("check", "--config", config.toString()), "", credentials);
        assertTrue(check.out().contains("/ is s3://" + bucket + "/homes/{user}/ at " + engine.endpoint()), check.out());
        Process server = start(List.of("serve", "--config", config.toString()), credentials);
        try {
            int port = awaitPort(server);
            byte[] content = uploadAndDownload(port, 11 * 1024 * 1024 + 5);
            assertArrayEquals(content, engine.client().getObjectAsBytes(
                    request -> request.bucket(bucket).key("homes/alice/upload.bin")).asByteArray());
        } finally {
            server.destroy();
            assertTrue(server.waitFor(20, TimeUnit.SECONDS), "the server stops on SIGTERM");
        }
        String log = Files.readString(folder.resolve("logs/loomftp.log"));
        assertTrue(log.contains("transfer user=alice STOR /upload.bin bytes=" + (11 * 1024 * 1024 + 5)), log);
        assertTrue(!log.contains(dev.loomftp.s3.S3Engine.SECRET_KEY) && !log.contains("not-the-secret"), "no secret in the log");
    }

    /**
     * The image keeps its users, bans and quota counters in PostgreSQL (pgjdbc, HikariCP and
     * Flyway on its module path): {@code user add} and {@code user override} write them with the
     * password from PGPASSWORD, and {@code serve} logs users in from them and holds their quotas.
     */
    @Test
    void serveKeepsItsUsersInPostgresql() throws Exception {
        dev.loomftp.pg.PgEngine engine = dev.loomftp.pg.PgEngine.shared();
        dev.loomftp.config.Config.Database database = engine.newDatabase();
        Files.writeString(config, """
                {
                  "listeners": [ { "address": "127.0.0.1", "port": 0 } ],
                  "passive": { "minPort": 43000, "maxPort": 43999 },
                  "storage": { "root": "data" },
                  "users": { "database": { "url": "%s", "user": "%s" } },
                  "logging": { "level": "info", "file": "logs/loomftp.log" }
                }
                """.formatted(database.url(), database.user()));
        Map<String, String> password = dev.loomftp.pg.PgEngine.environment();
        Run refused = run(List.of("user", "list", "--config", config.toString()), "", Map.of());
        assertTrue(refused.exitCode() != 0 && refused.err().startsWith("loomftp user: cannot use the database"),
                refused.err());
        assertEquals(0, run(List.of("user", "add", "alice", "--password-stdin", "--config", config.toString()),
                "image-test-password\n", password).exitCode());
        Run override = run(List.of("user", "override", "alice", "{\"quotas\": {\"/\": {\"bytes\": \"20M\"}}}",
                "--config", config.toString()), "", password);
        assertEquals(0, override.exitCode(), override.err());
        assertEquals("", override.err(), "no library chatter on the console");
        Process server = start(List.of("serve", "--config", config.toString()), password);
        try {
            int port = awaitPort(server);
            uploadAndDownload(port, 11 * 1024 * 1024 + 5);
        } finally {
            server.destroy();
            assertTrue(server.waitFor(20, TimeUnit.SECONDS), "the server stops on SIGTERM");
        }
        String log = Files.readString(folder.resolve("logs/loomftp.log"));
        assertTrue(log.contains("users, bans and quota counters are in the database " + database.url()
                .substring(database.url().lastIndexOf('/') + 1) + " at 127.0.0.1:" + engine.port()), log);
        assertTrue(log.contains("transfer user=alice STOR /upload.bin bytes=" + (11 * 1024 * 1024 + 5)), log);
        assertTrue(!log.contains(dev.loomftp.pg.PgEngine.PASSWORD), "no password in the log");
        try (var connection = engine.connect(database); var statement = connection.createStatement();
                var row = statement.executeQuery("select bytes, files from loomftp_quota_usage")) {
            assertTrue(row.next(), "the quota counter is in the database");
            assertEquals(11 * 1024 * 1024 + 5, row.getLong(1));
        }
    }

    /**
     * {@code check} before the first start announces the certificate the start will make and writes
     * nothing; after it, shows that certificate, with the fingerprint the server logged.
     */
    @Test
    void checkShowsWhatTheServerWouldDoAndTheCertificateItMade() throws IOException, InterruptedException {
        Run before = run(List.of("check", "--config", config.toString()), "");
        assertEquals(0, before.exitCode(), before.err());
        assertTrue(before.out().contains("ftp://127.0.0.1:0/ (TLS with AUTH TLS, optional)"), before.out());
        assertTrue(before.out().contains("none yet: the first start makes a self-signed one"), before.out());
        assertTrue(Files.notExists(folder.resolve("data")) && Files.notExists(folder.resolve("loomftp-tls.p12")),
                "check writes nothing");

        Process server = start(List.of("serve", "--config", config.toString()));
        try {
            awaitPort(server);
        } finally {
            server.destroy();
            assertTrue(server.waitFor(20, TimeUnit.SECONDS), "the server stops on SIGTERM");
        }
        Matcher logged = Pattern.compile("SHA-256 fingerprint ([0-9A-F:]{95})")
                .matcher(Files.readString(folder.resolve("logs/loomftp.log")));
        assertTrue(logged.find(), "the server logs its certificate's fingerprint");

        Run after = run(List.of("check", "--config", config.toString()), "");
        assertEquals(0, after.exitCode(), after.err());
        assertTrue(after.out().contains("SHA-256 " + logged.group(1)), after.out());
        Run broken = run(List.of("check", "--config", folder.resolve("missing.json").toString()), "");
        assertEquals(3, broken.exitCode());
        assertEquals(1, broken.err().lines().count(), broken.err());
    }

    /**
     * logrotate's way with the transfer logs: the file is moved away and the server gets SIGUSR1;
     * the next transfer's line goes to a new file by the configured name.
     */
    @Test
    void sigusr1ReopensTheTransferLogAfterItWasMoved() throws IOException, InterruptedException {
        Files.writeString(config, Files.readString(config).replace("\"file\": \"logs/loomftp.log\"",
                "\"file\": \"logs/loomftp.log\", \"xferlog\": \"logs/xferlog\""));
        assertEquals(0, run(List.of("user", "add", "alice", "--password-stdin", "--config", config.toString()),
                "image-test-password\n").exitCode());
        Process server = start(List.of("serve", "--config", config.toString()));
        Path xferlog = folder.resolve("logs/xferlog");
        Path rotated = folder.resolve("logs/xferlog.1");
        try {
            int port = awaitPort(server);
            FTPClient client = new FTPClient();
            client.setDefaultTimeout(20_000);
            client.connect("127.0.0.1", port);
            assertTrue(client.login("alice", "image-test-password"), client.getReplyString());
            client.enterLocalPassiveMode();
            assertTrue(client.storeFile("first.txt", new ByteArrayInputStream(new byte[1000])), client.getReplyString());
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(xferlog).contains("/first.txt"));
            Files.move(xferlog, rotated);

            Process signal = new ProcessBuilder("kill", "-USR1", Long.toString(server.pid())).inheritIO().start();
            assertEquals(0, signal.waitFor());
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(xferlog));
            assertTrue(client.storeFile("second.txt", new ByteArrayInputStream(new byte[2000])), client.getReplyString());
            client.logout();
            client.disconnect();
        } finally {
            server.destroy();
            assertTrue(server.waitFor(20, TimeUnit.SECONDS), "the server stops on SIGTERM");
        }
        assertTrue(Files.readString(rotated).contains(" 1000 /first.txt "), Files.readString(rotated));
        assertTrue(!Files.readString(rotated).contains("second.txt"), Files.readString(rotated));
        assertTrue(Files.readString(xferlog).contains(" 2000 /second.txt "), Files.readString(xferlog));
        assertTrue(Files.readString(folder.resolve("logs/loomftp.log")).contains("transfer logs reopened"));
    }

    @Test
    void aClientKilledMidDownloadResumesWithDashC() throws IOException, InterruptedException {
        assertEquals(0, run(List.of("user", "add", "alice", "--password-stdin", "--config", config.toString()),
                "image-test-password\n").exitCode());
        byte[] content = new byte[12 * 1024 * 1024 + 5];
        new Random(9).nextBytes(content);
        Files.createDirectories(folder.resolve("data/alice"));
        Files.write(folder.resolve("data/alice/big.bin"), content);
        Process server = start(List.of("serve", "--config", config.toString()));
        try {
            String url = "ftp://alice@127.0.0.1:" + awaitPort(server) + "/big.bin";
            Map<String, String> password = Map.of("LOOMFTP_PASSWORD", "image-test-password");
            Path part = folder.resolve("big.bin.part");
            Process slow = start(List.of("client", "get", "--limit-rate", "2M", url), password);
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(part) && Files.size(part) > 2_000_000);
            slow.destroyForcibly();
            assertTrue(slow.waitFor(20, TimeUnit.SECONDS));
            long kept = Files.size(part);
            assertTrue(kept < content.length, "killed before the end: " + kept);

            Run resumed = run(List.of("client", "--json", "get", "-c", url), "", password);
            assertEquals(0, resumed.exitCode(), resumed.err());
            assertArrayEquals(content, Files.readAllBytes(folder.resolve("big.bin")));
            assertTrue(Files.notExists(part));
            assertTrue(resumed.out().contains("\"verified\":true"), resumed.out());
            assertTrue(resumed.out().contains("\"bytes\":" + (content.length - kept)), "only the rest: " + resumed.out());
        } finally {
            server.destroy();
            assertTrue(server.waitFor(20, TimeUnit.SECONDS), "the server stops on SIGTERM");
        }
    }

    /**
     * {@code loomftp stop} as an operator runs it while curl downloads over FTPS: the download
     * finishes whole, then the server exits 0 and removes its pid file.
     */
    @Test
    void stopLetsAnFtpsDownloadFinishThenTheServerExits() throws IOException, InterruptedException {
        byte[] content = bigFile("big.bin", 12 * 1024 * 1024 + 3);
        Process server = start(List.of("serve", "--config", config.toString()));
        Path pidFile = folder.resolve("loomftp.pid");
        Path downloaded = folder.resolve("downloaded.bin");
        try {
            int port = awaitPort(server);
            assertEquals(Long.toString(server.pid()), Files.readString(pidFile).strip());
            Process curl = curl("--limit-rate", "3M", "-o", downloaded.toString(),
                    "ftp://127.0.0.1:" + port + "/big.bin");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(downloaded) && Files.size(downloaded) > 0);

            Run stop = run(List.of("stop", "--config", config.toString()), "");
            assertEquals(0, stop.exitCode(), stop.err());
            assertTrue(stop.out().contains("running transfers may finish for up to 30 s"), stop.out());
            assertTrue(stop.out().endsWith("The server has stopped.\n"), stop.out());
            assertTrue(curl.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, curl.exitValue(), "curl's download was not cut: " + errorOf(curl));
            assertArrayEquals(content, Files.readAllBytes(downloaded));
            assertTrue(server.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, server.exitValue());
            assertTrue(Files.notExists(pidFile), "the pid file is removed");
        } finally {
            server.destroyForcibly();
        }
        String log = Files.readString(folder.resolve("logs/loomftp.log"));
        assertTrue(log.contains("server draining: 1 sessions may finish their transfers"), log);
        assertTrue(log.contains("RETR /big.bin bytes=" + content.length + " "), log);

        Run again = run(List.of("stop", "--config", config.toString()), "");
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().startsWith("loomftp stop: no server is running"), again.out());
    }

    /** A second SIGTERM (or Ctrl-C) during a drain stops the server at once, transfers or not. */
    @Test
    void aSecondStopSignalEndsTheDrainAtOnce() throws IOException, InterruptedException {
        bigFile("big.bin", 64 * 1024 * 1024);
        Process server = start(List.of("serve", "--config", config.toString()));
        Path downloaded = folder.resolve("downloaded.bin");
        try {
            int port = awaitPort(server);
            Process curl = curl("--limit-rate", "1M", "-o", downloaded.toString(),
                    "ftp://127.0.0.1:" + port + "/big.bin");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(downloaded) && Files.size(downloaded) > 0);
            server.destroy();
            Path log = folder.resolve("logs/loomftp.log");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).contains("server draining"));
            assertTrue(server.isAlive(), "the download holds the drain");
            long started = System.nanoTime();
            server.destroy();
            assertTrue(server.waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, server.exitValue());
            assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 5);
            assertTrue(curl.waitFor(30, TimeUnit.SECONDS));
            assertTrue(curl.exitValue() != 0, "the download was cut off");
            assertTrue(Files.readString(log).contains("a second stop signal: stopping at once"));
        } finally {
            server.destroyForcibly();
        }
    }

    /**
     * {@code loomftp reload}: a configuration with a mistake is not sent, SIGHUP with it is
     * refused by the server, which goes on; a good one reaches new sessions, and a changed listener
     * is said to wait for a restart.
     */
    @Test
    void reloadRefusesABrokenConfigurationAndAppliesAGoodOne() throws IOException, InterruptedException {
        String good = Files.readString(config);
        Process server = start(List.of("serve", "--config", config.toString()));
        Path log = folder.resolve("logs/loomftp.log");
        try {
            int port = awaitPort(server);
            FTPClient before = login(port);
            assertTrue(before.makeDirectory("/Public/before"), before.getReplyString());

            Files.writeString(config, good.replace("\"level\": \"info\"", "\"level\": \"loud\""));
            Run refused = run(List.of("reload", "--config", config.toString()), "");
            assertEquals(3, refused.exitCode());
            assertTrue(refused.err().startsWith("loomftp reload: " + config + ": line "), refused.err());
            assertTrue(refused.err().contains("logging.level must be one of"), refused.err());

            Process hangUp = new ProcessBuilder("kill", "-HUP", Long.toString(server.pid())).inheritIO().start();
            assertEquals(0, hangUp.waitFor());
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).contains("reload refused"));
            assertTrue(server.isAlive());
            FTPClient still = login(port);
            assertTrue(still.makeDirectory("/Public/still"), "the old configuration stays: " + still.getReplyString());

            Files.writeString(config, good
                    .replace("\"storage\": { \"root\": \"data\" }", """
                            "storage": { "root": "data", "mounts": [
                                { "path": "/", "source": "{user}", "access": "read-write" },
                                { "path": "/Public", "source": "Public", "access": "read-only" } ] }""")
                    .replace("\"address\": \"127.0.0.1\", \"port\": 0", "\"address\": \"127.0.0.1\", \"port\": 1"));
            Run reloaded = run(List.of("reload", "--config", config.toString()), "");
            assertEquals(0, reloaded.exitCode(), reloaded.err());
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Files.readString(log).contains("configuration reloaded: new sessions use it"));
            FTPClient after = login(port);
            assertTrue(!after.makeDirectory("/Public/after"), "read-only now: " + after.getReplyString());
            assertEquals(550, after.getReplyCode());
            assertTrue(before.makeDirectory("/Public/before-2"), "a running session keeps its settings");
            for (FTPClient client : List.of(before, still, after)) {
                client.logout();
                client.disconnect();
            }
        } finally {
            server.destroy();
            assertTrue(server.waitFor(20, TimeUnit.SECONDS), "the server stops on SIGTERM");
        }
        String text = Files.readString(log);
        assertTrue(text.contains("listeners changed: that takes effect when the server is restarted"), text);
        assertTrue(text.contains("reload refused, the configuration in force stays: " + config + ": line "), text);
    }

    /**
     * The server is killed (SIGKILL) in the middle of an FTPS upload by curl: after the restart no
     * listing shows the cut file, and curl {@code -C -} continues the upload the server kept.
     */
    @Test
    void aServerKilledMidUploadShowsNoPartialFileAndCurlResumesIt() throws IOException, InterruptedException {
        bigFile("unused.bin", 1);
        Path original = folder.resolve("upload.bin");
        byte[] content = new byte[16 * 1024 * 1024 + 11];
        new Random(11).nextBytes(content);
        Files.write(original, content);
        Path home = folder.resolve("data/alice");
        Process server = start(List.of("serve", "--config", config.toString()));
        try {
            int port = awaitPort(server);
            Process curl = curl("--limit-rate", "2M", "-T", original.toString(), "ftp://127.0.0.1:" + port + "/");
            await().atMost(Duration.ofSeconds(30)).until(() -> hiddenBytes(home) > 1_000_000);
            server.destroyForcibly();
            assertTrue(server.waitFor(20, TimeUnit.SECONDS));
            assertTrue(curl.waitFor(30, TimeUnit.SECONDS));
            assertTrue(curl.exitValue() != 0, "curl saw the server go");
        } finally {
            server.destroyForcibly();
        }
        assertTrue(Files.notExists(home.resolve("upload.bin")), "no cut file under the upload's name");

        Process restarted = start(List.of("serve", "--config", config.toString()));
        try {
            int port = awaitPort(restarted);
            String url = "ftp://127.0.0.1:" + port + "/";
            Process names = curl("--list-only", "-o", folder.resolve("names.txt").toString(), url);
            assertTrue(names.waitFor(30, TimeUnit.SECONDS));
            assertEquals(List.of("Public", "unused.bin"),
                    Files.readAllLines(folder.resolve("names.txt")).stream().map(String::strip).sorted().toList());

            Process resumed = curl("-C", "-", "-T", original.toString(), url + "upload.bin");
            assertTrue(resumed.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, resumed.exitValue(), errorOf(resumed));
            assertArrayEquals(content, Files.readAllBytes(home.resolve("upload.bin")));
            assertEquals(0, hiddenBytes(home), "the kept upload became the file");
        } finally {
            restarted.destroy();
            assertTrue(restarted.waitFor(20, TimeUnit.SECONDS));
        }
    }

    /** The bytes in the hidden files of unfinished uploads in {@code folder}. */
    private static long hiddenBytes(Path folder) throws IOException {
        try (var files = Files.list(folder)) {
            long total = 0;
            for (Path file : files.filter(file -> file.getFileName().toString().startsWith(".loomftp-")).toList()) {
                total += Files.size(file);
            }
            return total;
        }
    }

    /**
     * The files of conf/deploy as an operator installs them: the configuration passes
     * {@code loomftp check}, the systemd unit passes {@code systemd-analyze verify} (with its paths
     * pointed at this build) and the logrotate stanza passes {@code logrotate --debug}.
     */
    @Test
    void theDeploymentFilesAreValid() throws IOException, InterruptedException {
        Path deploy = Path.of("conf/deploy").toAbsolutePath();
        Run check = run(List.of("check", "--config", deploy.resolve("loomftp.json").toString()), "");
        assertEquals(0, check.exitCode(), check.err());
        assertTrue(check.out().contains("ftp://*:21/ (TLS with AUTH TLS, required before login)"), check.out());

        Path unit = folder.resolve("loomftp.service");
        Files.writeString(unit, Files.readString(deploy.resolve("loomftp.service"))
                .replace("/opt/loomftp", launcher.getParent().getParent().toString())
                .replace("/etc/loomftp/loomftp.json", deploy.resolve("loomftp.json").toString()));
        assertTrue(Files.readString(unit).contains("ProtectSystem=strict"));
        Process verify = new ProcessBuilder("systemd-analyze", "verify", unit.toString()).redirectErrorStream(true)
                .start();
        String verified = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(verify.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, verify.exitValue(), verified);
        assertEquals("", verified.strip(), "no warning");

        Path logs = Files.createDirectories(folder.resolve("var-log"));
        Files.writeString(logs.resolve("xferlog"), "a line\n");
        Path stanza = folder.resolve("loomftp.logrotate");
        Files.writeString(stanza, Files.readString(deploy.resolve("loomftp.logrotate"))
                .replace("/var/log/loomftp", logs.toString()).replace("loomftp loomftp", "root root"));
        Process rotate = new ProcessBuilder("logrotate", "--debug", "--state", folder.resolve("state").toString(),
                stanza.toString()).redirectErrorStream(true).start();
        String rotated = new String(rotate.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(rotate.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, rotate.exitValue(), rotated);
        assertTrue(rotated.contains("considering log " + logs.resolve("xferlog")), rotated);
    }

    /**
     * The container's root file system, as conf/deploy/container-root.sh lays it out and the
     * Containerfile copies it, run as a container runtime would (chroot, user 1000, /proc and the
     * /dev nodes a runtime provides): a user added, the server up, curl over FTPS both ways, and
     * SIGTERM draining it. The mounts are undone before the folder is deleted.
     */
    @Test
    void theContainerRootServesFtpsAsItsOwnUser() throws IOException, InterruptedException {
        Path root = folder.resolve("container-root");
        Process build = new ProcessBuilder("conf/deploy/container-root.sh", root.toString()).redirectErrorStream(true)
                .start();
        String built = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(build.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, build.exitValue(), built);
        // The Containerfile lays the writable folders over the root as user 1000's; so does this.
        assertEquals(0, new ProcessBuilder("cp", "-a", root + "-state/.", root + "/").start().waitFor());
        Files.createDirectories(root.resolve("proc"));
        Files.createDirectories(root.resolve("dev"));
        for (String[] node : List.of(new String[] {"null", "3"}, new String[] {"urandom", "9"}, new String[] {"random", "8"})) {
            assertEquals(0, new ProcessBuilder("mknod", "-m", "666", root.resolve("dev/" + node[0]).toString(), "c", "1",
                    node[1]).start().waitFor());
        }
        assertEquals(0, new ProcessBuilder("mount", "-t", "proc", "proc", root.resolve("proc").toString()).start()
                .waitFor());
        try {
            Process add = chroot(root, "user", "add", "alice", "--password-stdin", "--config",
                    "/etc/loomftp/loomftp.json");
            add.getOutputStream().write("container-password\n".getBytes(StandardCharsets.UTF_8));
            add.getOutputStream().close();
            assertTrue(add.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, add.exitValue());
            Process server = chroot(root, "serve", "--config", "/etc/loomftp/loomftp.json", "--port", "0");
            try {
                int port = awaitAnyPort(server);
                Path upload = Files.writeString(folder.resolve("hello.txt"), "hello from the container\n");
                Process put = new ProcessBuilder("curl", "-sS", "--ssl-reqd", "-k", "-u", "alice:container-password",
                        "-T", upload.toString(), "ftp://127.0.0.1:" + port + "/").start();
                assertTrue(put.waitFor(60, TimeUnit.SECONDS));
                assertEquals(0, put.exitValue(), errorOf(put));
                Process get = new ProcessBuilder("curl", "-sS", "--ssl-reqd", "-k", "-u", "alice:container-password",
                        "ftp://127.0.0.1:" + port + "/hello.txt").start();
                String back = new String(get.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(get.waitFor(60, TimeUnit.SECONDS));
                assertEquals("hello from the container\n", back);
                assertEquals(1000, (int) Files.getAttribute(root.resolve("var/lib/loomftp/data/alice/hello.txt"),
                        "unix:uid"), "written by the container's own user");
            } finally {
                server.destroy();
                assertTrue(server.waitFor(30, TimeUnit.SECONDS), "SIGTERM stops it");
            }
        } finally {
            Process umount = new ProcessBuilder("umount", root.resolve("proc").toString()).start();
            if (!umount.waitFor(30, TimeUnit.SECONDS) || umount.exitValue() != 0) {
                new ProcessBuilder("umount", "-l", root.resolve("proc").toString()).start().waitFor();
            }
        }
        assertTrue(!Files.readString(Path.of("/proc/self/mountinfo")).contains(root.toString()), "unmounted");
    }

    /**
     * The Containerfile built with podman, offline (FROM scratch: nothing to pull), and run: a
     * user added into a volume, the server up as user 1000, curl over FTPS, and podman stop
     * draining it. Where podman cannot run containers here (no runtime, cgroups it cannot use),
     * the run is skipped after the build.
     */
    @Test
    void thePodmanImageBuildsOfflineAndServes() throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/podman")), "podman is not installed");
        Path root = Path.of("target/container-root");
        Process layout = new ProcessBuilder("conf/deploy/container-root.sh").redirectErrorStream(true).start();
        String laid = new String(layout.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(layout.waitFor(120, TimeUnit.SECONDS) && layout.exitValue() == 0, laid);
        String tag = "localhost/loomftp-it-" + ProcessHandle.current().pid();
        Run build = podman(List.of("build", "-q", "-f", "conf/deploy/Containerfile", "-t", tag, "."), "");
        assertEquals(0, build.exitCode(), build.err());
        String volume = "loomftp-it-" + ProcessHandle.current().pid();
        try {
            Run add = podman(List.of("run", "--rm", "-i", "--network", "host", "-v", volume + ":/var/lib/loomftp", tag,
                    "user", "add", "alice", "--password-stdin", "--config", "/etc/loomftp/loomftp.json"),
                    "podman-password\n");
            assumeTrue(add.exitCode() == 0 || !add.err().contains("OCI"), "podman cannot run containers here: "
                    + add.err());
            assertEquals(0, add.exitCode(), add.err());
            int port;
            try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
                port = free.getLocalPort();
            }
            Run start = podman(List.of("run", "-d", "--name", volume, "--network", "host", "-v",
                    volume + ":/var/lib/loomftp", tag, "serve", "--config", "/etc/loomftp/loomftp.json", "--port",
                    Integer.toString(port)), "");
            assertEquals(0, start.exitCode(), start.err());
            try {
                Path upload = Files.writeString(folder.resolve("hello.txt"), "hello from podman\n");
                await().atMost(Duration.ofSeconds(60)).until(() -> new ProcessBuilder("curl", "-sS", "--ssl-reqd",
                        "-k", "-u", "alice:podman-password", "-T", upload.toString(), "ftp://127.0.0.1:" + port + "/")
                        .start().waitFor() == 0);
                Process get = new ProcessBuilder("curl", "-sS", "--ssl-reqd", "-k", "-u", "alice:podman-password",
                        "ftp://127.0.0.1:" + port + "/hello.txt").start();
                String back = new String(get.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(get.waitFor(60, TimeUnit.SECONDS));
                assertEquals("hello from podman\n", back);
            } finally {
                Run stop = podman(List.of("stop", "--time", "40", volume), "");
                Run logs = podman(List.of("logs", volume), "");
                podman(List.of("rm", "-f", volume), "");
                assertEquals(0, stop.exitCode(), stop.err());
                assertTrue((logs.out() + logs.err()).contains("server stopped"), logs.out() + logs.err());
            }
        } finally {
            podman(List.of("volume", "rm", "-f", volume), "");
            podman(List.of("rmi", "-f", tag), "");
        }
    }

    /**
     * podman as root in a sandbox like this one: runc (crun refuses hybrid cgroups), and no
     * default ulimits, which an unprivileged sandbox cannot raise.
     */
    private Run podman(List<String> args, String input) throws IOException, InterruptedException {
        Path conf = folder.resolve("containers.conf");
        if (!Files.exists(conf)) {
            Files.writeString(conf, "[containers]\ndefault_ulimits = []\n");
        }
        List<String> command = new java.util.ArrayList<>(List.of("podman"));
        if (Files.isExecutable(Path.of("/usr/sbin/runc"))) {
            command.addAll(List.of("--runtime", "/usr/sbin/runc"));
        }
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("CONTAINERS_CONF", conf.toString());
        Process process = builder.start();
        process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(300, TimeUnit.SECONDS));
        return new Run(process.exitValue(), out, err);
    }

    private Process chroot(Path root, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("chroot", "--userspec=1000:1000", root.toString(),
                "/opt/loomftp/bin/loomftp"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().put("PATH", "/bin");
        return builder.start();
    }

    /** Reads the server's greeting until it names a port of its wildcard listener. */
    private static int awaitAnyPort(Process server) throws IOException {
        return awaitPort(server, WILDCARD);
    }

    private byte[] bigFile(String name, int size) throws IOException, InterruptedException {
        assertEquals(0, run(List.of("user", "add", "alice", "--password-stdin", "--config", config.toString()),
                "image-test-password\n").exitCode());
        byte[] content = new byte[size];
        new Random(size).nextBytes(content);
        Files.createDirectories(folder.resolve("data/alice"));
        Files.write(folder.resolve("data/alice/" + name), content);
        return content;
    }

    /** curl as users run it against loomftp: FTPS required, the self-made certificate accepted. */
    private Process curl(String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("curl", "-sS", "--ssl-reqd", "-k",
                "-u", "alice:image-test-password"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static String errorOf(Process process) throws IOException {
        return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private FTPClient login(int port) throws IOException, InterruptedException {
        if (!Files.exists(folder.resolve("users.txt"))) {
            assertEquals(0, run(List.of("user", "add", "alice", "--password-stdin", "--config", config.toString()),
                    "image-test-password\n").exitCode());
        }
        FTPClient client = new FTPClient();
        client.setDefaultTimeout(20_000);
        client.connect("127.0.0.1", port);
        assertTrue(client.login("alice", "image-test-password"), client.getReplyString());
        return client;
    }

    /**
     * Logs in as alice, uploads {@code size} random bytes as upload.bin, downloads them again and
     * checks them byte for byte.
     *
     * @return the bytes uploaded
     */
    private static byte[] uploadAndDownload(int port, int size) throws IOException {
        byte[] content = new byte[size];
        new Random(size).nextBytes(content);
        FTPClient client = new FTPClient();
        client.setDefaultTimeout(20_000);
        client.connect("127.0.0.1", port);
        assertTrue(client.login("alice", "image-test-password"), client.getReplyString());
        client.setFileType(FTP.BINARY_FILE_TYPE);
        client.enterLocalPassiveMode();
        assertTrue(client.storeFile("upload.bin", new ByteArrayInputStream(content)), client.getReplyString());
        ByteArrayOutputStream downloaded = new ByteArrayOutputStream();
        assertTrue(client.retrieveFile("upload.bin", downloaded), client.getReplyString());
        assertArrayEquals(content, downloaded.toByteArray());
        client.logout();
        client.disconnect();
        return content;
    }

    private record Run(int exitCode, String out, String err) {}

    private Run run(List<String> args, String input) throws IOException, InterruptedException {
        return run(args, input, Map.of());
    }

    private Run run(List<String> args, String input, Map<String, String> variables)
            throws IOException, InterruptedException {
        Process process = start(args, variables);
        process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        return new Run(process.exitValue(), out, err);
    }

    /** Starts the launcher with an environment that holds no Java at all. */
    private Process start(List<String> args) throws IOException {
        return start(args, Map.of());
    }

    private Process start(List<String> args, Map<String, String> variables) throws IOException {
        ProcessBuilder builder = new ProcessBuilder();
        builder.command().add(launcher.toString());
        builder.command().addAll(args);
        builder.directory(folder.toFile());
        Map<String, String> environment = builder.environment();
        environment.clear();
        environment.put("PATH", folder.resolve("no-bin").toString());
        environment.put("HOME", folder.toString());
        environment.putAll(variables);
        return builder.start();
    }

    /** Reads the server's greeting until it names its port. */
    private static int awaitPort(Process server) throws IOException {
        return awaitPort(server, LISTENING);
    }

    /** Reads the server's greeting until a line matches {@code listening}, whose group 1 is the port. */
    private static int awaitPort(Process server, Pattern listening) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = out.readLine()) != null; ) {
            seen.append(line).append('\n');
            Matcher matcher = listening.matcher(line);
            if (matcher.find()) {
                Thread.ofVirtual().start(() -> {
                    try {
                        out.lines().forEach(ignored -> { });
                    } catch (java.io.UncheckedIOException closed) {
                        // The server ended, and its output with it.
                    }
                });
                return Integer.parseInt(matcher.group(1));
            }
        }
        throw new IOException("the server ended before it listened:\n" + seen);
    }
}
