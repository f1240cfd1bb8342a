package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.config.Config;
import dev.loomftp.storage.Permission;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * User names ignore case over real connections: {@code BOB}, {@code Bob} and {@code bob} are one
 * user, with one password and one home folder, spelled as the users file has it. Failed logins
 * are slowed down and banned as for any name, and per-user settings follow the user in any case.
 */
@ExtendWith(StopServers.class)
class UserNameCaseTest {
    private static final String PASSWORD = "bobs-password";
    private static final List<String> SPELLINGS = List.of("BOB", "Bob", "bob", "bOb");

    @TempDir
    Path folder;

    private TestServer server;


    @Test
    void everySpellingReachesTheSameHomeWithTheSamePassword() throws IOException {
        server = TestServer.start(folder).withUser("Bob", PASSWORD);
        Set<String> seen = Set.of();
        for (String name : SPELLINGS) {
            FTPClient client = server.connect();
            assertTrue(client.login(name, PASSWORD), client.getReplyString());
            assertTrue(client.getReplyString().contains("Logged in as Bob."), client.getReplyString());
            client.enterLocalPassiveMode();
            assertTrue(client.storeFile("from-" + name + ".txt", new ByteArrayInputStream(name.getBytes(StandardCharsets.UTF_8))),
                    client.getReplyString());
            seen = Set.of(client.listNames());
            client.logout();
        }

        assertEquals(Set.of("from-BOB.txt", "from-Bob.txt", "from-bob.txt", "from-bOb.txt", "Public"), seen,
                "the last login sees what every spelling stored");
        try (var folders = Files.list(server.root())) {
            assertEquals(Set.of("Bob", "Public"), folders.map(path -> path.getFileName().toString())
                    .collect(java.util.stream.Collectors.toSet()), "one home, spelled as the users file has it");
        }
    }

    @Test
    void wrongPasswordsInAnyCaseAreSlowedDownAndBannedAsForAnyName() throws IOException {
        Config.Logins logins = new Config.Logins(Duration.ofMillis(100), Duration.ofMillis(200), 4, Duration.ofMinutes(1));
        server = TestServer.start(folder, TestServer.Options.defaults(folder).withLogins(logins))
                .withUser("Bob", PASSWORD);
        try (RawClient guesser = RawClient.greeted(server.address());
                RawClient stranger = RawClient.greeted(server.address())) {
            guesser.command("USER BOB");
            long started = System.nanoTime();
            RawClient.Reply wrongPassword = guesser.command("PASS " + PASSWORD.toUpperCase(java.util.Locale.ROOT));
            assertTrue(System.nanoTime() - started >= 100_000_000, "the first failure waits");
            stranger.command("USER mallory");
            assertEquals(wrongPassword, stranger.command("PASS guess"), "the same reply as for a name that is not there");
            assertEquals(530, wrongPassword.code());
            guesser.command("USER bob");
            assertEquals(530, guesser.command("PASS guess").code());
        }
        try (RawClient again = RawClient.greeted(server.address())) {
            again.command("USER Bob");
            assertEquals(421, again.command("PASS guess").code(), "the fourth failure, in any case, bans the address");
        }
        try (RawClient banned = new RawClient(server.address())) {
            assertEquals(421, banned.reply().code(), "the address is banned, not the name");
        }
    }

    @Test
    void anOverrideAppliesToItsUserInEveryCase() throws IOException {
        Config.UserOverride readOnlyPublic = new Config.UserOverride(Map.of("/Public", Permission.readOnly()), null);
        Config.UserOverride tlsRequired = new Config.UserOverride(Map.of(), Config.Policy.REQUIRED);
        server = TestServer.start(folder, TestServer.Options.defaults(folder)
                        .withOverride("BOB", readOnlyPublic)
                        .withOverride("CAROL", tlsRequired))
                .withUser("Bob", PASSWORD)
                .withUser("carol", PASSWORD);

        for (String name : List.of("bob", "Bob")) {
            FTPClient client = server.login(name, PASSWORD);
            assertFalse(client.storeFile("/Public/x.txt", new ByteArrayInputStream(new byte[1])), client.getReplyString());
            assertEquals(550, client.getReplyCode());
            assertTrue(client.storeFile("/x.txt", new ByteArrayInputStream(new byte[1])), "the home stays writable");
        }
        try (RawClient client = RawClient.greeted(server.address())) {
            for (String name : List.of("carol", "Carol", "CAROL")) {
                assertEquals(530, client.command("USER " + name).code(), name + " must use TLS");
            }
        }
    }
}
