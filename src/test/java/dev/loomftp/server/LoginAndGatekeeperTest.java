package dev.loomftp.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Logging in, and the gatekeeper that checks every command before it runs. */
@ExtendWith(StopServers.class)
class LoginAndGatekeeperTest {
    @TempDir
    Path folder;

    private TestServer server;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(folder).withUser("alice", "alice-password");
    }


    @Test
    void goodLoginIsWelcomedAndStartsAtTheHomeFolder() throws IOException {
        FTPClient client = server.connect();
        assertTrue(client.login("alice", "alice-password"));
        assertEquals(230, client.getReplyCode());
        assertEquals("/", client.printWorkingDirectory());
    }

    @Test
    void wrongPasswordAndUnknownUserGetTheSameReplies() throws IOException {
        try (RawClient known = RawClient.greeted(server.address());
                RawClient unknown = RawClient.greeted(server.address())) {
            assertEquals(331, known.command("USER alice").code());
            assertEquals(331, unknown.command("USER mallory").code());
            RawClient.Reply wrongPassword = known.command("PASS not-her-password");
            RawClient.Reply noSuchUser = unknown.command("PASS whatever");
            assertEquals(530, wrongPassword.code());
            assertEquals(wrongPassword, noSuchUser);
        }
    }

    @Test
    void repeatedLoginsRunNoHashUntilThePasswordChanges() throws Exception {
        long before = server.users().hashesRun();
        for (int i = 0; i < 3; i++) {
            assertTrue(server.connect().login("alice", "alice-password"));
        }
        assertEquals(1, server.users().hashesRun() - before, "only the first login ran PBKDF2");

        FTPClient wrong = server.connect();
        assertFalse(wrong.login("alice", "not-her-password"));
        assertEquals(530, wrong.getReplyCode());
        assertEquals(2, server.users().hashesRun() - before, "a wrong password is never taken from the cache");

        server.users().setPassword("alice", "new-password".toCharArray());
        assertFalse(server.connect().login("alice", "alice-password"));
        assertTrue(server.connect().login("alice", "new-password"));
        assertTrue(server.connect().login("alice", "new-password"));
        assertEquals(4, server.users().hashesRun() - before);
    }

    @Test
    void passWithoutUserIsABadSequence() throws IOException {
        try (RawClient client = RawClient.greeted(server.address())) {
            assertEquals(503, client.command("PASS alice-password").code());
        }
    }

    @Test
    void tooManyFailedLoginsCloseTheConnection() throws IOException {
        try (RawClient client = RawClient.greeted(server.address())) {
            for (int attempt = 1; attempt < 3; attempt++) {
                client.command("USER alice");
                assertEquals(530, client.command("PASS wrong").code());
            }
            client.command("USER alice");
            assertEquals(421, client.command("PASS wrong").code());
            assertTrue(client.closedByServer());
        }
        assertTrue(server.connect().login("alice", "alice-password"), "the next client is served");
    }

    @Test
    void userAfterLoginIsABadSequence() throws IOException {
        try (RawClient client = RawClient.greeted(server.address()).login("alice", "alice-password")) {
            assertEquals(503, client.command("USER alice").code());
        }
    }

    static Stream<String> protectedCommands() {
        return CommandTable.all().stream()
                .filter(spec -> spec.gate() == CommandSpec.Gate.LOGGED_IN && spec.implemented())
                .map(CommandSpec::name);
    }

    @ParameterizedTest
    @MethodSource("protectedCommands")
    void everyProtectedCommandNeedsALogin(String verb) throws IOException {
        try (RawClient client = RawClient.greeted(server.address())) {
            assertEquals(530, client.command(verb + " x").code(), verb + " with an argument");
            assertEquals(530, client.command(verb).code(), verb + " without one");
        }
    }

    static Stream<String> everyCommand() {
        return CommandTable.all().stream().map(CommandSpec::name);
    }

    @ParameterizedTest
    @MethodSource("everyCommand")
    void everyCommandHasHelp(String verb) throws IOException {
        try (RawClient client = RawClient.greeted(server.address())) {
            RawClient.Reply reply = client.command("HELP " + verb.toLowerCase(java.util.Locale.ROOT));
            assertEquals(214, reply.code());
            assertTrue(reply.text().contains(verb), reply.text());
        }
    }

    @Test
    void helpListsEveryCommandInAMultiLineReply() throws IOException {
        try (RawClient client = RawClient.greeted(server.address())) {
            RawClient.Reply reply = client.command("HELP");
            assertEquals(214, reply.code());
            assertTrue(reply.lines().size() > 2);
            everyCommand().forEach(verb -> assertTrue(reply.text().contains(verb), verb));
        }
    }

    @Test
    void unknownCommandsGet500AndKnownButMissingOnesGet502() throws IOException {
        try (RawClient client = RawClient.greeted(server.address())) {
            assertEquals(500, client.command("FROBNICATE now").code());
            assertEquals(502, client.command("SMNT /mnt").code());
            assertEquals(501, client.command("HELP FROBNICATE").code());
            assertEquals(200, client.command("noop").code(), "verbs are case-insensitive");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"NOOP now", "PWD x", "QUIT please", "USER", "CWD", "RETR", "TYPE"})
    void wrongArgumentsGet501(String line) throws IOException {
        try (RawClient client = RawClient.greeted(server.address()).login("alice", "alice-password")) {
            assertEquals(501, client.command(line).code(), line);
            assertEquals(200, client.command("NOOP").code(), "the session goes on");
        }
    }

    @Test
    void infoCommandsAnswerBeforeLogin() throws IOException {
        try (RawClient client = RawClient.greeted(server.address())) {
            assertEquals("215 UNIX Type: L8", client.command("SYST").lines().getFirst());
            RawClient.Reply features = client.command("FEAT");
            assertEquals(211, features.code());
            assertTrue(features.lines().contains(" UTF8"), features.text());
            assertTrue(features.lines().contains(" EPSV"), features.text());
            assertEquals(200, client.command("OPTS UTF8 ON").code());
            assertEquals(504, client.command("OPTS UTF8 OFF").code());
            assertEquals(501, client.command("OPTS FROB on").code());
        }
    }

    @Test
    void quitSaysGoodbyeAndCloses() throws IOException {
        try (RawClient client = RawClient.greeted(server.address())) {
            assertEquals(221, client.command("QUIT").code());
            assertTrue(client.closedByServer());
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> server.server().activeSessions() == 0);
    }
}
