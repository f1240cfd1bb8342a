package dev.loomftp.users;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.users.PlainTextImport.Result;
import dev.loomftp.users.PlainTextImport.Skipped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlainTextImportTest {
    private static final PasswordHasher HASHER = new PasswordHasher(PasswordHasher.MIN_ITERATIONS);

    @TempDir
    Path dir;
    private FileUserStore store;

    @BeforeEach
    void openStore() {
        store = new FileUserStore(dir.resolve("loomftp-users.txt"), HASHER);
    }

    @Test
    void importsColonAndBlankSeparatedLines() throws Exception {
        Result result = importText("""
                alice:wonderland
                bob   builder99
                """);

        assertEquals(new Result(2, List.of()), result);
        assertLogsIn("alice", "wonderland");
        assertLogsIn("bob", "builder99");
    }

    @Test
    void passwordIsTheRestOfTheLineWithoutItsLineEnd() throws Exception {
        importText("carol:pass word:with colons  \r\n  dave \tsecret with spaces\r\n");

        assertLogsIn("carol", "pass word:with colons  ");
        assertLogsIn("dave", "secret with spaces");
        assertEquals(Optional.empty(), store.authenticate("carol", "pass word:with colons  \r".toCharArray()));
    }

    @Test
    void blankAndCommentLinesAreIgnoredButCounted() throws Exception {
        Result result = importText("""
                # exported from the old server

                   # indented comment
                alice:wonderland
                bad/name:secret
                """);

        assertEquals(1, result.imported());
        assertEquals(List.of(5), result.skipped().stream().map(Skipped::line).toList());
    }

    @Test
    void badLinesAreSkippedWithTheirNumbersAndReasons() throws Exception {
        Result result = importText("""
                alice:wonderland
                bad/name:secret1
                carol:
                dave
                ALICE:another1
                Public:shared12
                erin:fine-password
                """);

        assertEquals(new Result(2, List.of(
                new Skipped(2, "invalid name: only letters, digits, '.', '_' and '-' are allowed"),
                new Skipped(3, "empty password"),
                new Skipped(4, "empty password"),
                new Skipped(5, "'ALICE' is already on line 1"),
                new Skipped(6, "invalid name: it is the name of the shared Public folder"))), result);
        assertEquals(List.of("alice", "erin"), store.list());
    }

    @Test
    void reasonsNeverContainThePassword() throws Exception {
        Result result = importText("""
                bad/name:hunter2-secret
                -dash hunter2-secret
                alice;hunter2-secret
                bob=hunter2-secret
                alice:hunter2-secret
                alice:hunter2-secret
                """);

        assertEquals(5, result.skipped().size());
        result.skipped().forEach(skipped -> assertFalse(skipped.reason().contains("hunter2"), skipped.reason()));
    }

    @Test
    void existingUsersAreSkippedSoAnImportCanBeRunAgain() throws Exception {
        store.add("Alice", "original".toCharArray());
        String text = "alice:wonderland\nbob:builder99\n";
        importText(text);

        Result again = importText(text);

        assertEquals(new Result(0, List.of(
                new Skipped(1, "user 'Alice' already exists, and 'alice' is the same name (user names ignore case)"),
                new Skipped(2, "user 'bob' already exists"))), again);
        assertLogsIn("Alice", "original");
        assertLogsIn("bob", "builder99");
        assertEquals(List.of("Alice", "bob"), store.list());
    }

    @Test
    void importedUsersLogInInAnyCase() throws Exception {
        importText("Carol:wonderland\n");

        assertEquals(Optional.of(new User("Carol")), store.authenticate("CAROL", "wonderland".toCharArray()));
    }

    @Test
    void aUsersFileThatNamesOneUserTwiceStopsTheImportBeforeItAddsAnyone() throws Exception {
        store.add("bob", "builder99".toCharArray());
        Files.writeString(store.file(), Files.readString(store.file()).replace("bob:", "Bob:") + "bob:"
                + Files.readAllLines(store.file()).getLast().substring("Bob:".length()) + "\n");

        UserStoreException e = assertThrows(UserStoreException.class, () -> importText("alice:wonderland\n"));

        assertTrue(e.getMessage().endsWith(": line 4: user 'bob' is already on line 3 as 'Bob' (user names ignore case);"
                + " delete one of the two lines"), e.getMessage());
        assertFalse(Files.readString(store.file()).contains("alice"));
    }

    @Test
    void usersFileKeepsNothingOfThePlainText() throws Exception {
        importText("alice:wonderland\nbob builder99\n");

        String users = Files.readString(store.file());

        assertFalse(users.contains("wonderland") || users.contains("builder99"), users);
        assertTrue(users.contains("alice:$pbkdf2-sha256$"), users);
    }

    @Test
    void sourceIsLeftAsItWas() throws Exception {
        String text = "alice:wonderland\n";
        Path source = Files.writeString(dir.resolve("plain.txt"), text);

        new PlainTextImport(store).importFrom(source);

        assertEquals(text, Files.readString(source));
    }

    @Test
    void emptySourceImportsNothing() throws Exception {
        assertEquals(new Result(0, List.of()), importText(""));
        assertFalse(Files.exists(store.file()));
    }

    @Test
    void lastLineWithoutALineEndIsImported() throws Exception {
        assertEquals(2, importText("alice:wonderland\nbob:builder99").imported());
    }

    @Test
    void missingSourceIsReported() {
        Path missing = dir.resolve("missing.txt");

        UserStoreException e = assertThrows(UserStoreException.class,
                () -> new PlainTextImport(store).importFrom(missing));

        assertEquals("cannot read " + missing + ": no such file or folder", e.getMessage());
    }

    @Test
    void sourceThatIsNotUtf8IsRefusedWhole() throws IOException {
        Path source = Files.write(dir.resolve("latin1.txt"), "alice:caf\u00e9\n".getBytes(ISO_8859_1));

        UserStoreException e = assertThrows(UserStoreException.class,
                () -> new PlainTextImport(store).importFrom(source));

        assertEquals("cannot read " + source + ": it is not UTF-8 text", e.getMessage());
        assertFalse(Files.exists(store.file()));
    }

    private Result importText(String text) throws IOException, UserStoreException {
        Path source = Files.writeString(dir.resolve("plain.txt"), text, UTF_8);
        return new PlainTextImport(store).importFrom(source);
    }

    private void assertLogsIn(String name, String password) {
        assertEquals(Optional.of(new User(name)), store.authenticate(name, password.toCharArray()),
                () -> name + " cannot log in");
    }
}
