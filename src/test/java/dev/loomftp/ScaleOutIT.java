package dev.loomftp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPConnectionClosedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes behind HAProxy ({@link Cluster}): what one node does, every node sees, and clients
 * (curl, lftp, the image's own client, Commons Net) cannot tell that there is more than one.
 */
class ScaleOutIT {
    private static final String PASSWORD = "alice-password";
    private static final int MIB = 1024 * 1024;

    /** Kept when a test fails: the nodes' and HAProxy's logs are in it. */
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path folder;

    private Cluster cluster;
    private Path local;
    private final List<FTPClient> clients = new ArrayList<>();

    @BeforeEach
    void startCluster() throws Exception {
        Path launcher = Path.of(System.getProperty("loomftp.image", "target/image")).resolve("bin/loomftp")
                .toAbsolutePath();
        assertTrue(Files.isExecutable(launcher), "build the image first: " + launcher);
        cluster = Cluster.start(folder, launcher, 4);
        local = Files.createDirectories(folder.resolve("client"));
        assertEquals(0, user("add", "alice", "--password-stdin"), "loomftp user add, against the database");
    }

    @AfterEach
    void stopCluster() {
        for (FTPClient client : clients) {
            try {
                client.disconnect();
            } catch (IOException e) {
                // The test is over.
            }
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private int user(String... arguments) throws Exception {
        List<String> all = new ArrayList<>(List.of("user"));
        all.addAll(List.of(arguments));
        all.addAll(List.of("--config", cluster.nodes().getFirst().config().toString()));
        return cluster.run(local, all, Map.of(), PASSWORD + "\n");
    }

    private String front(String path) {
        return "ftp://" + Cluster.FRONT_HOST + ":" + cluster.frontPort() + "/" + path;
    }

    private ProcessResult external(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).directory(local.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(3, TimeUnit.MINUTES), "ended: " + command);
        return new ProcessResult(process.exitValue(), new String(output, java.nio.charset.StandardCharsets.UTF_8));
    }

    private record ProcessResult(int exitCode, String output) {}

    private ProcessResult curl(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--ssl-reqd", "-k", "--user", "alice:" + PASSWORD,
                "--connect-timeout", "10", "--max-time", "120"));
        command.addAll(List.of(arguments));
        return external(command);
    }

    /**
     * A Commons Net client that logged in through the front as alice, then set binary and passive
     * when that worked; {@link #loginReplies} keeps the reply to its PASS (421 included).
     */
    private FTPClient login(String password) throws IOException {
        FTPClient client = new FTPClient();
        clients.add(client);
        client.setDefaultTimeout(30_000);
        client.connect(Cluster.FRONT_HOST, cluster.frontPort());
        boolean in = false;
        try {
            in = client.login("alice", password);
        } catch (FTPConnectionClosedException e) {
            // A 421: the reply code says it.
        }
        loginReplies.put(client, client.getReplyCode());
        if (in) {
            client.setFileType(FTP.BINARY_FILE_TYPE);
            client.enterLocalPassiveMode();
        }
        return client;
    }

    private final Map<FTPClient, Integer> loginReplies = new java.util.HashMap<>();

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private long linesIn(Cluster.Node node, String text) throws IOException {
        return node.text().lines().filter(line -> line.contains(text)).count();
    }

    @Test
    void curlLftpAndTheImagesClientWorkThroughTheFrontAndAnUploadIsDownloadedThroughAnotherNode() throws Exception {
        Path original = Files.write(local.resolve("report.bin"), random(21 * MIB + 7, 1));
        ProcessResult upload = curl("-T", original.toString(), front("report.bin"));
        assertEquals(0, upload.exitCode(), upload.output());
        Cluster.Node uploader = cluster.servedLogin("alice");
        assertEquals(1, linesIn(uploader, "STOR /report.bin bytes=" + (21 * MIB + 7)), uploader.text());

        // Sessions are spread over the nodes: within a few, one that did not take the upload serves it.
        boolean elsewhere = false;
        for (int attempt = 0; attempt < 6 && !elsewhere; attempt++) {
            Path downloaded = local.resolve("down-" + attempt + ".bin");
            ProcessResult download = curl("-o", downloaded.toString(), front("report.bin"));
            assertEquals(0, download.exitCode(), download.output());
            assertArrayEquals(Files.readAllBytes(original), Files.readAllBytes(downloaded));
            elsewhere = cluster.nodes().stream().filter(node -> node != uploader)
                    .anyMatch(node -> {
                        try {
                            return linesIn(node, "RETR /report.bin bytes=" + (21 * MIB + 7)) > 0;
                        } catch (IOException e) {
                            return false;
                        }
                    });
        }
        assertTrue(elsewhere, "a download through another node than the upload's");

        Path tree = Files.createDirectories(local.resolve("tree/a/b"));
        Files.write(tree.resolve("one.bin"), random(3 * MIB, 2));
        Files.write(local.resolve("tree/a/two.txt"), "two\n".getBytes());
        Files.write(local.resolve("tree/three.bin"), random(9 * MIB + 1, 3));
        String open = "set cmd:fail-exit yes; set net:max-retries 1; set net:timeout 20; set ftp:ssl-force yes;"
                + " set ftp:ssl-protect-data yes; set ssl:verify-certificate no; open -u alice," + PASSWORD + " -p "
                + cluster.frontPort() + " " + Cluster.FRONT_HOST + "; ";
        ProcessResult lftpUp = external(List.of("lftp", "-c", open + "mirror -R --parallel=3 tree /lftp-tree"));
        assertEquals(0, lftpUp.exitCode(), lftpUp.output());
        ProcessResult lftpDown = external(List.of("lftp", "-c", open + "mirror --parallel=3 /lftp-tree lftp-back"));
        assertEquals(0, lftpDown.exitCode(), lftpDown.output());
        assertTreesEqual(local.resolve("tree"), local.resolve("lftp-back"));

        Map<String, String> ours = Map.of("LOOMFTP_PASSWORD", PASSWORD);
        String url = "ftp://alice@" + Cluster.FRONT_HOST + ":" + cluster.frontPort() + "/own-tree";
        assertEquals(0, cluster.run(local, List.of("client", "--fingerprint", cluster.fingerprint(), "-q", "mirror",
                "-R", "-P", "3", "tree", url), ours, ""), "loomftp client mirror -R");
        assertEquals(0, cluster.run(local, List.of("client", "--fingerprint", cluster.fingerprint(), "-q", "mirror",
                "-P", "3", url, "own-back"), ours, ""), "loomftp client mirror");
        assertTreesEqual(local.resolve("tree"), local.resolve("own-back"));
    }

    private static void assertTreesEqual(Path expected, Path actual) throws IOException {
        try (var walk = Files.walk(expected)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                Path copy = actual.resolve(expected.relativize(file).toString());
                assertTrue(Files.isRegularFile(copy), "missing " + copy);
                assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(copy), copy.toString());
            }
        }
    }

    @Test
    void aNodeKilledMidUploadLeavesEveryCompletedUploadAndNoPartialOne() throws Exception {
        FTPClient client = login(PASSWORD);
        byte[] first = random(5 * MIB + 3, 4);
        byte[] second = random(700_000, 5);
        assertTrue(client.storeFile("done-1.bin", new ByteArrayInputStream(first)), client.getReplyString());
        assertTrue(client.storeFile("done-2.bin", new ByteArrayInputStream(second)), client.getReplyString());
        OutputStream partial = client.storeFileStream("partial.bin");
        partial.write(random(12 * MIB, 6));
        partial.flush();
        Cluster.Node victim = cluster.servedLogin("alice");
        cluster.kill(victim);

        FTPClient after = login(PASSWORD);
        assertEquals(230, loginReplies.get(after), "a new session, on another node");
        List<String> names = Arrays.asList(after.listNames());
        assertTrue(names.containsAll(List.of("done-1.bin", "done-2.bin")), names.toString());
        assertFalse(names.stream().anyMatch(name -> name.contains("partial")), "no partial upload: " + names);
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        assertTrue(after.retrieveFile("done-1.bin", back), after.getReplyString());
        assertEquals(sha256(first), sha256(back.toByteArray()));
    }

    @Test
    void aQuotaAndABanHoldAcrossTheNodes() throws Exception {
        assertEquals(0, user("override", "alice", "{\"quotas\": {\"/\": {\"bytes\": \"10M\"}}}"));
        Path one = Files.write(local.resolve("one.bin"), random(6 * MIB, 7));
        Path two = Files.write(local.resolve("two.bin"), random(6 * MIB, 8));
        CompletableFuture<ProcessResult> first = CompletableFuture.supplyAsync(() -> upload(one));
        CompletableFuture<ProcessResult> second = CompletableFuture.supplyAsync(() -> upload(two));
        List<ProcessResult> results = List.of(first.join(), second.join());
        assertEquals(1, results.stream().filter(result -> result.exitCode() == 0).count(), results.toString());
        FTPClient client = login(PASSWORD);
        List<String> names = Arrays.asList(client.listNames());
        assertEquals(1, names.stream().filter(name -> name.endsWith(".bin")).count(), names.toString());
        client.disconnect();

        // Four wrong passwords in a row from this address, whichever nodes they reach, ban it on all.
        for (int guess = 0; guess < 4; guess++) {
            FTPClient guesser = login("wrong-password-" + guess);
            assertEquals(guess < 3 ? 530 : 421, loginReplies.get(guesser), "guess " + guess);
        }
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
            for (int attempt = 0; attempt < 3; attempt++) {
                FTPClient refused = new FTPClient();
                clients.add(refused);
                try {
                    refused.connect(Cluster.FRONT_HOST, cluster.frontPort());
                } catch (FTPConnectionClosedException e) {
                    // The 421 greeting closes the connection.
                }
                assertEquals(421, refused.getReplyCode(), refused.getReplyString());
            }
        });
    }

    private ProcessResult upload(Path file) {
        try {
            return curl("-T", file.toString(), front(file.getFileName().toString()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void drainingANodeUnderHaproxyLosesNoTransfer() throws Exception {
        byte[] content = random(48 * MIB, 9);
        FTPClient setup = login(PASSWORD);
        assertTrue(setup.storeFile("film.bin", new ByteArrayInputStream(content)), setup.getReplyString());
        setup.disconnect();

        FTPClient watching = login(PASSWORD);
        InputStream download = watching.retrieveFileStream("film.bin");
        byte[] head = download.readNBytes(MIB);
        Cluster.Node draining = cluster.servedLogin("alice");
        // One session held on each other node: every node has one, so the front's least-connections
        // choice would send the next sessions to the draining node as often as to the others.
        for (int held = 0; held < 2; held++) {
            assertEquals(230, loginReplies.get(login(PASSWORD)));
        }
        draining.process().destroy();
        await().atMost(Duration.ofSeconds(10)).until(() -> draining.text().contains("stopped listening on"));
        try (java.net.Socket probe = new java.net.Socket()) {
            assertThrows(java.net.ConnectException.class,
                    () -> probe.connect(new java.net.InetSocketAddress(draining.host(), draining.port()), 2000),
                    "the draining node no longer listens");
        }

        // New sessions meanwhile reach the other nodes: a connection to the draining one is refused
        // and redispatched by the front.
        for (int session = 0; session < 6; session++) {
            FTPClient other = login(PASSWORD);
            assertEquals(230, loginReplies.get(other), "a new session while a node drains");
            other.disconnect();
        }
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        rest.write(head);
        download.transferTo(rest);
        download.close();
        assertTrue(watching.completePendingCommand(), watching.getReplyString());
        assertEquals(sha256(content), sha256(rest.toByteArray()), "the download that ran through the drain, whole");
        assertTrue(draining.process().waitFor(30, TimeUnit.SECONDS), "the drained node stops once its transfer is done");
    }
}
