package dev.loomftp.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.config.Config;
import dev.loomftp.s3.S3Engine;
import dev.loomftp.storage.Quota;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Homes on object storage (a real Ceph RGW), with curl and lftp over FTPS as users run them, and
 * the shared folder on the local disk beside them: a mount is a bucket's prefix or a folder,
 * and clients cannot tell.
 */
@ExtendWith(StopServers.class)
class S3MountTest {
    private static final String PASSWORD = "alice-password";
    private static final int MIB = 1024 * 1024;
    private static S3Engine engine;

    @TempDir
    Path folder;

    @TempDir
    Path local;

    private String bucket;
    private TestServer server;

    @BeforeAll
    static void startEngine() throws Exception {
        engine = S3Engine.shared();
    }

    @BeforeEach
    void start() throws IOException {
        bucket = engine.newBucket();
        server = start(folder.resolve("ftps"), Quota.NONE, Config.Policy.REQUIRED);
    }

    /** A server whose homes are on the bucket, with FTPS required (curl, lftp) or off (Commons Net). */
    private TestServer start(Path in, Quota quota, Config.Policy tls) throws IOException {
        Config.Mount home = new Config.Mount("/", null, Config.Access.READ_WRITE, Config.Access.READ_WRITE.permissions(),
                quota, engine.store(bucket, "homes/{user}/"));
        TestServer.Options options = TestServer.Options.defaults(in)
                .withTls(TestServer.tls(in, tls, tls, List.of(), true))
                .withMounts(List.of(home, TestServer.Options.PUBLIC));
        return TestServer.start(Files.createDirectories(in), options).withUser("alice", PASSWORD);
    }

    private TestServer plainServer() throws IOException {
        server.close();
        server = start(folder.resolve("plain"), Quota.NONE, Config.Policy.OFF);
        return server;
    }

    private ExternalClient.Result curl(String... arguments) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("-sS", "--ssl-reqd", "-k", "--user", "alice:" + PASSWORD,
                "--connect-timeout", "10", "--max-time", "120"));
        all.addAll(List.of(arguments));
        return ExternalClient.require("curl", local).run(all.toArray(String[]::new));
    }

    private String url(String path) {
        return "ftp://127.0.0.1:" + server.port() + "/" + path;
    }

    private String objectSha256(String key) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = engine.client().getObject(request -> request.bucket(bucket).key(key))) {
            byte[] chunk = new byte[64 * 1024];
            for (int read; (read = in.read(chunk)) >= 0; ) {
                digest.update(chunk, 0, read);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    @Test
    void curlUploadsListsDownloadsAndResumesOverFtps() throws Exception {
        Path original = FileTrees.write(local.resolve("movie.bin"), 21L * MIB + 77, 1);
        curl("-T", original.toString(), url("movie.bin")).assertSuccess();
        assertEquals(TransferTest.sha256(original), objectSha256("homes/alice/movie.bin"), "the object's bytes");

        ExternalClient.Result listing = curl(url("")).assertSuccess();
        assertTrue(listing.stdout().lines().anyMatch(line -> line.matches("-.* " + (21L * MIB + 77) + " .* movie\\.bin")),
                listing::describe);
        assertTrue(listing.stdout().lines().anyMatch(line -> line.matches("d.* Public")), listing::describe);

        Path downloaded = local.resolve("down.bin");
        curl("-o", downloaded.toString(), url("movie.bin")).assertSuccess();
        assertEquals(TransferTest.sha256(original), TransferTest.sha256(downloaded));

        Path partial = FileTrees.truncatedCopy(original, local.resolve("partial.bin"), 9L * MIB + 3);
        curl("-C", "-", "-o", partial.toString(), url("movie.bin")).assertSuccess();
        assertEquals(TransferTest.sha256(original), TransferTest.sha256(partial), "REST + RETR: a ranged GET");

        Path head = FileTrees.truncatedCopy(original, local.resolve("head.bin"), 13L * MIB + 5);
        curl("-T", head.toString(), url("resumed.bin")).assertSuccess();
        ExternalClient.Result resumed = curl("-v", "-C", "-", "-T", original.toString(), url("resumed.bin")).assertSuccess();
        assertTrue(resumed.stderr().contains("> APPE resumed.bin"), resumed::describe);
        assertEquals(TransferTest.sha256(original), objectSha256("homes/alice/resumed.bin"), "SIZE + APPE");
        assertEquals(0, engine.unfinishedUploads(bucket));
    }

    @Test
    void lftpMirrorsATreeUpAndBackDown() throws Exception {
        Path tree = FileTrees.writeMixedTree(local.resolve("tree"));
        Map<String, String> original = FileTrees.snapshot(tree);
        lftp("mirror -R --parallel=3 '" + tree + "' /uploaded");
        Path fresh = local.resolve("fresh");
        lftp("mirror --parallel=3 /uploaded '" + fresh + "'");
        assertEquals(original, FileTrees.snapshot(fresh), "the tree mirrored back down");
        assertTrue(engine.keys(bucket).stream().allMatch(key -> key.startsWith("homes/alice/uploaded/")),
                "every object under alice's prefix");

        lftp("mv /uploaded /moved; mkdir /moved/extra; rm -r /moved; cls -1 /");
        assertFalse(engine.keys(bucket).stream().anyMatch(key -> key.contains("/moved/") || key.contains("/uploaded/")),
                () -> "renamed, then removed: " + engine.keys(bucket));
    }

    private ExternalClient.Result lftp(String commands) throws IOException, InterruptedException {
        String script = String.join("; ", "set cmd:fail-exit yes", "set net:max-retries 1", "set net:timeout 20",
                "set ftp:ssl-force yes", "set ftp:ssl-protect-data yes", "set ssl:verify-certificate no",
                "set xfer:clobber on", "open -u alice," + PASSWORD + " -p " + server.port() + " 127.0.0.1", commands);
        return ExternalClient.require("lftp", local).timeout(Duration.ofSeconds(180)).run("-c", script)
                .assertSuccess();
    }

    @Test
    void anAbortedUploadLeavesTheFileAsItWasAndNoUpload() throws Exception {
        FTPClient client = plainServer().login("alice", PASSWORD);
        client.setFileType(FTPClient.BINARY_FILE_TYPE);
        assertTrue(client.storeFile("kept.txt", new java.io.ByteArrayInputStream("before".getBytes())));
        OutputStream out = client.storeFileStream("kept.txt");
        out.write(new byte[12 * MIB]);
        out.flush();
        client.abort();
        out.close();
        client.completePendingCommand();

        await().atMost(Duration.ofSeconds(30)).until(() -> engine.unfinishedUploads(bucket) == 0);
        assertEquals("before", new String(engine.client().getObjectAsBytes(
                request -> request.bucket(bucket).key("homes/alice/kept.txt")).asByteArray()));
        FTPClient next = server.login("alice", PASSWORD);
        assertTrue(List.of(next.listNames()).contains("kept.txt"), "the next session is served");
    }

    @Test
    void commandsOnFilesAndFoldersAnswerAsOnDisk() throws Exception {
        FTPClient client = plainServer().login("alice", PASSWORD);
        assertTrue(client.makeDirectory("docs"));
        assertTrue(client.storeFile("docs/a.txt", new java.io.ByteArrayInputStream("abc".getBytes())));
        assertFalse(client.removeDirectory("docs"));
        assertEquals(550, client.getReplyCode(), client.getReplyString());
        assertTrue(client.setModificationTime("docs/a.txt", "20240229123456"));
        String time = client.getModificationTime("docs/a.txt");
        assertTrue(time != null && time.contains("20240229123456"), "MDTM reads what MFMT stored: " + time);
        assertTrue(client.sendCommand("SIZE docs/a.txt") == 213 && client.getReplyString().contains(" 3"),
                client.getReplyString());
        assertTrue(client.rename("docs/a.txt", "b.txt"));
        assertTrue(client.deleteFile("b.txt"));
        assertTrue(client.removeDirectory("docs"));
        assertFalse(client.changeWorkingDirectory("docs"));
        assertEquals(List.of(), engine.keys(bucket));
        assertTrue(client.changeWorkingDirectory("/Public"), "the local mount beside it");
    }

    @Test
    void aFolderOfThousandsOfObjectsListsWhole() throws Exception {
        int count = 2_500;
        java.util.stream.IntStream.range(0, count).parallel().forEach(i -> engine.client().putObject(
                request -> request.bucket(bucket).key("homes/alice/many/file-" + i),
                software.amazon.awssdk.core.sync.RequestBody.fromString(Integer.toString(i))));
        Path names = local.resolve("names.txt");
        curl("--list-only", "-o", names.toString(), url("many/")).assertSuccess();
        assertEquals(count, Files.readAllLines(names).stream().filter(line -> line.startsWith("file-")).distinct()
                .count(), "NLST through three pages of keys");
        Path listing = local.resolve("listing.txt");
        curl("-o", listing.toString(), url("many/")).assertSuccess();
        assertEquals(count, Files.readAllLines(listing).stream().filter(line -> line.startsWith("-")).count(), "LIST");
        FTPClient client = plainServer().login("alice", PASSWORD);
        assertEquals(count, client.mlistDir("many").length, "MLSD");
    }

    @Test
    void aMissingBucketStopsTheStartWithItsReason() {
        server.close();
        String missing = bucket + "-missing";
        Config.Mount home = new Config.Mount("/", null, Config.Access.READ_WRITE, Config.Access.READ_WRITE.permissions(),
                Quota.NONE, engine.store(missing, "homes/{user}/"));
        IOException refused = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> TestServer.start(
                Files.createDirectories(folder.resolve("missing")),
                TestServer.Options.defaults(folder.resolve("missing")).withMounts(List.of(home))));
        assertEquals("object storage has no bucket " + missing + " at " + engine.endpoint(), refused.getMessage());
    }

    @Test
    void aQuotaOnObjectStorageRefusesWhatDoesNotFit() throws Exception {
        server.close();
        server = start(folder.resolve("quota"), new Quota(10L * MIB, Quota.UNLIMITED), Config.Policy.REQUIRED);
        Path big = FileTrees.write(local.resolve("big.bin"), 12L * MIB, 2);
        ExternalClient.Result refused = curl("-v", "-T", big.toString(), url("big.bin"));
        assertTrue(refused.stderr().contains("< 552"), refused::describe);
        await().atMost(Duration.ofSeconds(30)).until(() -> engine.unfinishedUploads(bucket) == 0);
        assertEquals(List.of(), engine.keys(bucket), "nothing of it stays");
        Path small = Files.write(local.resolve("small.bin"), new byte[MIB]);
        curl("-T", small.toString(), url("small.bin")).assertSuccess();
    }
}
