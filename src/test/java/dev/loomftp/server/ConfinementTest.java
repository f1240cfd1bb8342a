package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A user stays in their own view: ".." never climbs out, another user's home cannot be reached,
 * and a symbolic link that leads out of the root is refused. Every escape is aimed at canary
 * folders this test makes in its own temporary folder, never at a real system folder; JUnit
 * deletes that folder without following links.
 */
@ExtendWith(StopServers.class)
class ConfinementTest {
    private static final byte[] CANARY = "canary: must never be served or changed\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path folder;

    private TestServer server;
    private Path outside;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(folder).withUser("alice", "alice-password").withUser("bob", "bob-password");
        outside = Files.createDirectories(folder.resolve("outside-canary"));
        Files.write(outside.resolve("secret.txt"), CANARY);
        Files.write(server.folder("bob").resolve("secret.txt"), CANARY);
        Files.write(server.root().resolve("secret.txt"), CANARY);
    }

    @AfterEach
    void stop() throws IOException {
        assertArrayEquals(CANARY, Files.readAllBytes(outside.resolve("secret.txt")), "the canary is untouched");
        try (var entries = Files.list(outside)) {
            assertEquals(List.of(outside.resolve("secret.txt")), entries.toList(), "nothing was added outside");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "../secret.txt", "/../secret.txt", "../../outside-canary/secret.txt", "/../../outside-canary/secret.txt",
        "a/../../../outside-canary/secret.txt", "../bob/secret.txt", "/../bob/secret.txt", "..\\bob\\secret.txt",
        "%2e%2e/bob/secret.txt", "....//bob/secret.txt", "/Public/../../bob/secret.txt"})
    void traversalNeverLeavesTheView(String path) throws IOException {
        FTPClient alice = server.login("alice", "alice-password");
        assertFalse(alice.retrieveFile(path, new ByteArrayOutputStream()), path);
        assertEquals(550, alice.getReplyCode(), path);
        alice.changeWorkingDirectory(path.replace("secret.txt", ""));
        String cwd = alice.printWorkingDirectory();
        assertTrue(cwd.equals("/") || cwd.equals("/Public"), path + " led to " + cwd);
    }

    @Test
    void uploadsThroughDotDotLandInTheHome() throws IOException {
        FTPClient alice = server.login("alice", "alice-password");
        assertFalse(alice.storeFile("../../outside-canary/new.txt", new ByteArrayInputStream(new byte[3])));
        assertEquals(550, alice.getReplyCode(), "there is no /outside-canary in the view");
        assertTrue(alice.storeFile("../../escaped.txt", new ByteArrayInputStream(new byte[3])));
        assertTrue(Files.exists(server.folder("alice").resolve("escaped.txt")), "'..' at the root stays at the root");
        assertFalse(Files.exists(folder.resolve("escaped.txt")));
    }

    @Test
    void anotherUsersHomeIsNotInTheView() throws IOException {
        FTPClient alice = server.login("alice", "alice-password");
        assertFalse(alice.changeWorkingDirectory("/bob"));
        assertEquals(List.of("Public"), TransferTest.names(alice.listFiles("/")));
    }

    @Test
    void symbolicLinksLeadingOutAreRefused() throws IOException {
        Path home = server.folder("alice");
        Files.createSymbolicLink(home.resolve("escape-folder"), outside);
        Files.createSymbolicLink(home.resolve("escape-file"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(home.resolve("bobs-secret"), server.folder("bob").resolve("secret.txt"));
        Files.createSymbolicLink(home.resolve("dangling"), folder.resolve("no-such-file"));
        Files.write(home.resolve("mine.txt"), new byte[] {1, 2, 3});
        Files.createSymbolicLink(home.resolve("link-inside"), home.resolve("mine.txt"));
        FTPClient alice = server.login("alice", "alice-password");

        assertEquals(List.of("Public", "link-inside", "mine.txt"), TransferTest.names(alice.listFiles()),
                "links leading out are not listed");
        assertEquals(List.of("Public", "link-inside", "mine.txt"), List.of(alice.listNames()).stream().sorted().toList(),
                "nor named");
        assertFalse(alice.changeWorkingDirectory("escape-folder"));
        assertEquals(0, alice.listFiles("escape-folder").length);
        for (String path : List.of("escape-file", "escape-folder/secret.txt", "bobs-secret", "dangling")) {
            assertFalse(alice.retrieveFile(path, new ByteArrayOutputStream()), path);
            assertEquals(550, alice.getReplyCode(), path);
        }
        for (String path : List.of("escape-file", "escape-folder/new.txt", "bobs-secret")) {
            assertFalse(alice.storeFile(path, new ByteArrayInputStream(new byte[] {9})), path);
            assertEquals(550, alice.getReplyCode(), path);
        }
        assertArrayEquals(CANARY, Files.readAllBytes(server.folder("bob").resolve("secret.txt")));

        ByteArrayOutputStream inside = new ByteArrayOutputStream();
        assertTrue(alice.retrieveFile("link-inside", inside), "a link inside the root works");
        assertArrayEquals(new byte[] {1, 2, 3}, inside.toByteArray());
    }

    @Test
    void noCommandGoesThroughALinkThatLeadsOut() throws IOException {
        Path home = server.folder("alice");
        Files.createSymbolicLink(home.resolve("escape-folder"), outside);
        Files.createSymbolicLink(home.resolve("escape-file"), outside.resolve("secret.txt"));
        try (RawClient client = RawClient.greeted(server.address()).login("alice", "alice-password")) {
            for (String command : List.of("DELE escape-folder/secret.txt", "RMD escape-folder/inner",
                    "MKD escape-folder/new", "RNFR escape-folder/secret.txt", "RNFR escape-file",
                    "SITE CHMOD 777 escape-file", "SITE CHMOD 777 escape-folder/secret.txt",
                    "MFMT 20000101000000 escape-file", "SIZE escape-file", "MDTM escape-file", "HASH escape-file",
                    "XSHA256 escape-folder/secret.txt", "MLST escape-file", "STAT escape-folder")) {
                int code = client.command(command).code();
                assertTrue(code == 550 || code == 553, command + " got " + code);
            }
        }
        assertTrue(Files.getPosixFilePermissions(outside.resolve("secret.txt")).size() < 9,
                "SITE CHMOD 777 did not reach the canary");
    }

    @Test
    void absoluteRealPathsAndVeryLongPathsAreJustNamesInTheView() throws IOException {
        try (RawClient client = RawClient.greeted(server.address()).login("alice", "alice-password")) {
            assertEquals(550, client.command("SIZE " + outside.resolve("secret.txt").toRealPath()).code());
            assertEquals(550, client.command("CWD " + outside.toRealPath()).code());
            String longPath = "a/".repeat(480) + "secret.txt";
            assertEquals(550, client.command("SIZE " + longPath).code());
            assertEquals(550, client.command("CWD " + "../".repeat(300) + outside.toRealPath()).code());
            assertEquals(257, client.command("PWD").code());
        }
    }

    @Test
    void repliesShowOnlyVirtualPaths() throws IOException {
        FTPClient alice = server.login("alice", "alice-password");
        String realRoot = server.root().toString();
        for (String command : List.of("PWD", "CWD missing", "SIZE missing", "CWD Public", "PWD", "RETR ../x")) {
            int space = command.indexOf(' ');
            alice.sendCommand(space < 0 ? command : command.substring(0, space),
                    space < 0 ? null : command.substring(space + 1));
            assertFalse(alice.getReplyString().contains(realRoot), alice.getReplyString());
            assertFalse(alice.getReplyString().contains(folder.toString()), alice.getReplyString());
        }
    }
}
