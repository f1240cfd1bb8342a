package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.config.Config;
import dev.loomftp.storage.FileEntry;
import dev.loomftp.storage.InvalidPathException;
import dev.loomftp.storage.LocalStorage;
import dev.loomftp.storage.VirtualPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random input, bounded in count and seeded so a failure can be replayed: command lines that no
 * exception escapes from, and paths that never resolve outside their root.
 */
class FuzzTest {
    private static final String PATH_ALPHABET = "/./..\\%2e\0 aé日";
    private static final List<String> VERBS = CommandTable.all().stream().map(CommandSpec::name)
            .filter(verb -> !List.of("QUIT", "PASV", "EPSV", "PORT", "EPRT", "REIN").contains(verb))
            .toList();

    @TempDir
    Path folder;

    @Test
    void resolvedPathsAreAlwaysNormalized() {
        Random random = new Random(11);
        VirtualPath cwd = VirtualPath.ROOT;
        for (int i = 0; i < 50_000; i++) {
            String text = randomText(random, PATH_ALPHABET, 40);
            try {
                VirtualPath path = VirtualPath.resolve(cwd, text);
                for (String segment : path.segments()) {
                    assertFalse(segment.isEmpty() || segment.equals(".") || segment.equals("..")
                            || segment.contains("/") || segment.contains("\0"), text + " gave " + path);
                }
                cwd = random.nextInt(4) == 0 ? path : cwd;
            } catch (InvalidPathException e) {
                assertTrue(text.indexOf('\0') >= 0, "only NUL makes a path invalid: " + text);
            }
        }
    }

    @Test
    void noRandomPathReachesOutOfTheRoot() throws IOException, InvalidPathException {
        Path root = Files.createDirectories(folder.resolve("root"));
        Path outside = Files.createDirectories(folder.resolve("outside-canary"));
        Files.writeString(outside.resolve("secret"), "canary");
        Files.createDirectories(root.resolve("a/b"));
        Files.writeString(root.resolve("a/file"), "inside");
        Files.createSymbolicLink(root.resolve("a/out"), outside);
        Files.createSymbolicLink(root.resolve("a/b/up"), root.resolve("a"));
        LocalStorage storage = new LocalStorage(root);
        Path realRoot = root.toRealPath();
        Random random = new Random(12);
        String alphabet = "/..ab/file/out/up/secret";
        for (int i = 0; i < 20_000; i++) {
            String text = randomText(random, alphabet, 30).replace("\0", "");
            VirtualPath path = VirtualPath.resolve(VirtualPath.ROOT, text);
            Optional<FileEntry> entry;
            try {
                entry = storage.stat(path);
            } catch (java.nio.file.AccessDeniedException refused) {
                continue;
            }
            if (entry.isPresent()) {
                Path real = realRoot;
                for (String segment : path.segments()) {
                    real = real.resolve(segment);
                }
                assertTrue(real.toRealPath().startsWith(realRoot), text + " reached " + real.toRealPath());
            }
        }
        assertEquals("canary", Files.readString(outside.resolve("secret")));
    }

    @Test
    void randomCommandLinesEachGetAReplyAndNoExceptionEscapes() throws IOException {
        Config.Timeouts quick = new Config.Timeouts(Duration.ofSeconds(30), Duration.ofMillis(200), Duration.ofSeconds(5));
        Config.Limits lenient = new Config.Limits(20, 20, 1024, 1000, 100_000, 100);
        TestServer server = TestServer.start(folder, TestServer.Options.defaults(folder).withTimeouts(quick)
                .withLimits(lenient)).withUser("alice", "alice-password");
        try (server; RawClient client = RawClient.greeted(server.address()).login("alice", "alice-password")) {
            Random random = new Random(13);
            String alphabet = "abcAZ09 -./\\*?%$|,;:\"'\t\u0001é日";
            for (int i = 0; i < 3_000; i++) {
                String verb = random.nextInt(10) == 0 ? randomText(random, "ABCXYZ", 6) : VERBS.get(random.nextInt(VERBS.size()));
                String line = verb + (random.nextBoolean() ? "" : " " + randomText(random, alphabet, 60));
                client.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
                int code = client.reply().code();
                assertTrue(code >= 200 && code < 600, line + " got " + code);
            }
            assertEquals(257, client.command("PWD").code());
        }
    }

    private static String randomText(Random random, String alphabet, int maxLength) {
        int length = random.nextInt(maxLength + 1);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }
}
