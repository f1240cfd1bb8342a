package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loomftp.server.ClientRunner.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loomftp client mirror}, down and up, against lftp's mirror on the same tree: the same
 * files, bytes and times; a second run copies nothing; only-newer, delete-extra, and a link in the
 * target that delete removes without following.
 */
@ExtendWith(StopServers.class)
class ClientMirrorTest {
    private static final String PASSWORD = "alice-password";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path folder;

    @TempDir
    Path local;

    private TestServer server;
    private Path netrc;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(folder).withUser("alice", PASSWORD);
        netrc = local.resolve("netrc");
        Files.writeString(netrc, "machine 127.0.0.1 login alice password " + PASSWORD + "\n");
    }


    @Test
    void mirrorDownGivesWhatLftpsMirrorGivesAndASecondRunCopiesNothing() throws Exception {
        ExternalClient lftp = ExternalClient.require("lftp", local).timeout(Duration.ofSeconds(120));
        Path tree = FileTrees.writeMixedTree(server.folder("alice").resolve("tree"));
        Files.setLastModifiedTime(tree.resolve("file 000.bin"), FileTime.from(Instant.parse("2020-02-02T10:20:30Z")));

        Run ours = client("mirror", "-P", "3", url("tree"), local.resolve("ours").toString());
        assertEquals(0, ours.exitCode(), ours.describe());
        lftp(lftp, "mirror --parallel=3 /tree '" + local.resolve("theirs") + "'");

        assertEquals(FileTrees.snapshot(tree), FileTrees.snapshot(local.resolve("ours")), "the tree, byte for byte");
        assertEquals(FileTrees.snapshot(local.resolve("theirs")), FileTrees.snapshot(local.resolve("ours")), "as lftp");
        assertEquals(times(local.resolve("theirs")), times(local.resolve("ours")), "the same file times as lftp");
        assertEquals(times(tree), times(local.resolve("ours")), "the server's file times");

        JsonNode again = lastJson(client("--json", "mirror", url("tree"), local.resolve("ours").toString()));
        assertEquals(0, again.get("copied").asInt(), again.toString());
        assertEquals(FileTrees.MIXED_TREE_FILES, again.get("unchanged").asInt(), again.toString());
    }

    @Test
    void mirrorUpGivesWhatLftpsReverseMirrorGives() throws Exception {
        ExternalClient lftp = ExternalClient.require("lftp", local).timeout(Duration.ofSeconds(120));
        Path tree = FileTrees.writeMixedTree(local.resolve("tree"));

        Run ours = client("mirror", "-R", "--parallel", "4", tree.toString(), url("ours"));
        assertEquals(0, ours.exitCode(), ours.describe());
        lftp(lftp, "mirror -R --parallel=3 '" + tree + "' /theirs");

        Path home = server.folder("alice");
        assertEquals(FileTrees.snapshot(tree), FileTrees.snapshot(home.resolve("ours")), "the tree, byte for byte");
        assertEquals(FileTrees.snapshot(home.resolve("theirs")), FileTrees.snapshot(home.resolve("ours")), "as lftp");
        assertEquals(times(tree), times(home.resolve("ours")), "file times set with MFMT");

        JsonNode again = lastJson(client("--json", "mirror", "-R", tree.toString(), url("ours")));
        assertEquals(0, again.get("copied").asInt(), again.toString());
    }

    @Test
    void onlyNewerAndDeleteExtra() throws Exception {
        Path remote = server.folder("alice").resolve("docs");
        Files.createDirectories(remote.resolve("sub"));
        Files.writeString(remote.resolve("a.txt"), "remote a");
        Files.writeString(remote.resolve("sub/b.txt"), "remote b");
        Instant old = Instant.parse("2021-01-01T00:00:00Z");
        Files.setLastModifiedTime(remote.resolve("a.txt"), FileTime.from(old));
        Path copy = local.resolve("docs");
        assertEquals(0, client("mirror", url("docs"), copy.toString()).exitCode());

        Files.writeString(copy.resolve("a.txt"), "local A!");
        Files.setLastModifiedTime(copy.resolve("a.txt"), FileTime.from(old.plusSeconds(3600)));
        Files.writeString(copy.resolve("stale.txt"), "only here");
        Files.createDirectories(copy.resolve("old/deeper"));
        Files.writeString(copy.resolve("old/deeper/x.txt"), "only here");
        Files.writeString(remote.resolve("c.txt"), "new on the server");

        Run newer = client("mirror", "-n", url("docs"), copy.toString());
        assertEquals(0, newer.exitCode(), newer.describe());
        assertEquals("local A!", Files.readString(copy.resolve("a.txt")), "-n keeps the newer local file");
        assertEquals("new on the server", Files.readString(copy.resolve("c.txt")));
        assertTrue(Files.exists(copy.resolve("stale.txt")), "no delete without -e");

        Run exact = client("mirror", "-e", url("docs"), copy.toString());
        assertEquals(0, exact.exitCode(), exact.describe());
        assertEquals(FileTrees.snapshot(remote), FileTrees.snapshot(copy), "a different time is copied again, "
                + "and what the server lacks is deleted");

        Files.writeString(copy.resolve("up-only.txt"), "made here");
        Files.delete(copy.resolve("sub/b.txt"));
        Run up = client("mirror", "-R", "-e", copy.toString(), url("docs"));
        assertEquals(0, up.exitCode(), up.describe());
        assertEquals(FileTrees.snapshot(copy), FileTrees.snapshot(remote), "-R -e deletes on the server");
    }

    @Test
    void deleteRemovesALinkInTheTargetWithoutFollowingIt() throws Exception {
        Path canary = Files.createDirectories(local.resolve("canary"));
        Files.writeString(canary.resolve("keep.txt"), "must survive");
        Files.createDirectories(server.folder("alice").resolve("docs"));
        Files.writeString(server.folder("alice").resolve("docs/a.txt"), "a");
        Path copy = Files.createDirectories(local.resolve("copy"));
        Files.createSymbolicLink(copy.resolve("link"), canary);

        Run run = client("mirror", "-e", url("docs"), copy.toString());
        assertEquals(0, run.exitCode(), run.describe());
        assertTrue(Files.notExists(copy.resolve("link"), LinkOption.NOFOLLOW_LINKS), "the link is gone");
        assertEquals("must survive", Files.readString(canary.resolve("keep.txt")), "what it pointed at is not");
    }

    @Test
    void aMissingSourceOrBadOptionsSayWhy() {
        Run missing = client("mirror", url("no-such-folder"), local.resolve("x").toString());
        assertEquals(7, missing.exitCode(), missing.describe());
        Run noLocal = client("mirror", "-R", local.resolve("no-such").toString(), url("x"));
        assertEquals(6, noLocal.exitCode(), noLocal.describe());
        assertTrue(noLocal.err().contains("no such local folder"), noLocal.err());
        Run badParallel = client("mirror", "-P", "0", url("x"));
        assertEquals(2, badParallel.exitCode(), badParallel.describe());
    }

    /** Each file's modification time to the second, by its path relative to {@code root}. */
    private static Map<String, Long> times(Path root) throws IOException {
        Map<String, Long> times = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.filter(Files::isRegularFile).toList()) {
                times.put(root.relativize(path).toString(), Files.getLastModifiedTime(path).toInstant().getEpochSecond());
            }
        }
        return times;
    }

    private static JsonNode lastJson(Run run) throws IOException {
        assertEquals(0, run.exitCode(), run.describe());
        List<String> lines = run.out().lines().toList();
        return JSON.readTree(lines.getLast());
    }

    private void lftp(ExternalClient lftp, String commands) throws IOException, InterruptedException {
        lftp.run("-c", String.join("; ", "set cmd:fail-exit yes", "set net:max-retries 1", "set net:timeout 20",
                "set ftp:ssl-allow no", "open -u alice," + PASSWORD + " -p " + server.port() + " 127.0.0.1",
                commands)).assertSuccess();
    }

    private String url(String path) {
        return "ftp://alice@127.0.0.1:" + server.port() + "/" + path;
    }

    private Run client(String... arguments) {
        List<String> args = new ArrayList<>(List.of(arguments));
        args.addAll(List.of("--netrc-file", netrc.toString()));
        return ClientRunner.client(args);
    }
}
