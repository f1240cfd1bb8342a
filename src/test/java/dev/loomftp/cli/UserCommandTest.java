package dev.loomftp.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.cli.Cli.Result;
import dev.loomftp.users.FileUserStore;
import dev.loomftp.users.User;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UserCommandTest {
    private static final String USAGE = new UserCommand().usage();
    private static final String PASSWORD = "s3cret-pass";

    @TempDir
    Path dir;
    private Path config;
    private Path usersFile;

    @BeforeEach
    void writeConfig() throws IOException {
        config = Files.writeString(dir.resolve("loomftp.json"), "{ \"users\": { \"file\": \"etc/users.txt\" } }");
        usersFile = dir.resolve("etc/users.txt");
    }

    @Test
    void addReadsThePasswordFromStandardInputAndStoresItsHash() throws IOException {
        Result result = user(PASSWORD + "\n", "add", "alice", "--password-stdin");

        assertEquals(new Result(ExitCode.OK, "added user 'alice'\n", ""), result);
        assertLogsIn("alice", PASSWORD);
        assertFalse(Files.readString(usersFile).contains(PASSWORD));
    }

    @Test
    void addTakesTheFirstLineWithoutItsCarriageReturn() {
        user(PASSWORD + "\r\nsecond line\n", "add", "alice", "--password-stdin");

        assertLogsIn("alice", PASSWORD);
    }

    @Test
    void addWithoutALineEndTakesTheWholeInput() {
        user(PASSWORD, "add", "alice", "--password-stdin");

        assertLogsIn("alice", PASSWORD);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "'short\n'  | a password needs at least 8 characters",
        "'\n'       | a password needs at least 8 characters",
        "''         | no password on standard input"})
    void addRefusesAMissingOrShortPassword(String stdin, String message) {
        Result result = user(stdin, "add", "alice", "--password-stdin");

        assertEquals(failure(message), result);
        assertFalse(Files.exists(usersFile));
    }

    @Test
    void addRefusesAnExistingUser() {
        user(PASSWORD + "\n", "add", "alice", "--password-stdin");

        Result again = user("other-password\n", "add", "alice", "--password-stdin");

        assertEquals(failure("user 'alice' already exists"), again);
        assertLogsIn("alice", PASSWORD);
    }

    @Test
    void addRefusesAnExistingUserInAnotherCase() {
        user(PASSWORD + "\n", "add", "alice", "--password-stdin");

        Result again = user(PASSWORD + "\n", "add", "Alice", "--password-stdin");

        assertEquals(failure("user 'alice' already exists, and 'Alice' is the same name (user names ignore case)"),
                again);
        assertLogsIn("alice", PASSWORD);
    }

    @Test
    void aUsersFileThatNamesOneUserTwiceIsRefusedByEveryAction() throws IOException {
        addUsers("bob");
        String line = Files.readAllLines(usersFile, UTF_8).getLast();
        Files.writeString(usersFile, "BOB" + line.substring(3) + "\n", java.nio.file.StandardOpenOption.APPEND);
        Path plain = Files.writeString(dir.resolve("plain.txt"), "alice:wonderland\n");
        Result expected = failure("cannot read " + usersFile + ": line 4: user 'BOB' is already on line 3 as 'bob'"
                + " (user names ignore case); delete one of the two lines");

        assertEquals(expected, user("", "list"));
        assertEquals(expected, user(PASSWORD + "\n", "add", "alice", "--password-stdin"));
        assertEquals(expected, user(PASSWORD + "\n", "passwd", "bob", "--password-stdin"));
        assertEquals(expected, user("", "remove", "BOB"));
        assertEquals(expected, user("", "import", plain.toString()));
        assertEquals(4, Files.readAllLines(usersFile, UTF_8).size(), "the file is left as it was");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "add    | bad/name",
        "passwd | bad/name",
        "add    | Public"})
    void refusesAnInvalidNameBeforeReadingThePassword(String action, String name) {
        Result result = user(PASSWORD + "\n", action, name, "--password-stdin");

        assertEquals(ExitCode.FAILURE, result.exitCode());
        assertTrue(result.err().startsWith("loomftp user: invalid user name '" + name + "': "), result.err());
        assertEquals(1, result.errLines().size());
    }

    @Test
    void invalidNameIsShownWithoutItsControlCharacters() {
        Result result = user(PASSWORD + "\n", "passwd", "evil\nname\u001b[2J", "--password-stdin");

        assertEquals(failure("invalid user name 'evil?name?[2J': only letters, digits, '.', '_' and '-' are allowed"),
                result);
    }

    @ParameterizedTest
    @CsvSource({"alice, alice", "Bob, BOB", "Bob, bob"})
    void passwdChangesThePasswordOfTheUserNamedInAnyCase(String added, String typed) {
        user(PASSWORD + "\n", "add", added, "--password-stdin");

        Result result = user("new-password\n", "passwd", typed, "--password-stdin");

        assertEquals(new Result(ExitCode.OK, "changed the password of '" + added + "'\n", ""), result);
        assertLogsIn(added, "new-password");
        assertEquals(Optional.empty(), store().authenticate(added, PASSWORD.toCharArray()));
    }

    @Test
    void passwdOfAnUnknownUserFails() {
        assertEquals(failure("user 'bob' not found"), user(PASSWORD + "\n", "passwd", "bob", "--password-stdin"));
    }

    @ParameterizedTest
    @CsvSource({"alice, alice", "Alice, ALICE", "Alice, alice"})
    void removeDeletesTheUserNamedInAnyCase(String added, String typed) {
        addUsers(added, "bob");

        Result result = user("", "remove", typed);

        assertEquals(new Result(ExitCode.OK, "removed user '" + added + "'\n", ""), result);
        assertEquals(new Result(ExitCode.OK, "bob\n", ""), user("", "list"));
    }

    @Test
    void removeOfAnUnknownUserFails() {
        assertEquals(failure("user 'bob' not found"), user("", "remove", "bob"));
    }

    @Test
    void listPrintsOneNameALineSorted() {
        addUsers("carol", "alice", "bob");

        assertEquals(new Result(ExitCode.OK, "alice\nbob\ncarol\n", ""), user("", "list"));
    }

    @Test
    void listShowsWhatEachUserHoldsOfTheQuotas() throws IOException {
        Files.writeString(config, """
                {
                  "users": { "file": "etc/users.txt", "overrides": { "bob": { "quotas": { "/": { "files": 2 } } } } },
                  "storage": { "root": "data", "mounts": [
                    { "path": "/", "source": "{user}", "quota": { "bytes": "1M", "files": 100 } },
                    { "path": "/Public", "source": "Public" } ] }
                }
                """);
        addUsers("alice", "bob");
        Files.createDirectories(dir.resolve("data/alice/photos"));
        Files.write(dir.resolve("data/alice/photos/a.jpg"), new byte[300 * 1024]);
        Files.write(dir.resolve("data/alice/notes.txt"), new byte[100]);

        assertEquals(new Result(ExitCode.OK, """
                alice  /: 300.1 KiB of 1 MiB, 2 of 100 files
                bob  /: 0 bytes (no limit), 0 of 2 files
                """, ""), user("", "list"));
    }

    @Test
    void listWithoutAUsersFilePrintsNothing() {
        assertEquals(new Result(ExitCode.OK, "", ""), user("", "list"));
    }

    @Test
    void importReportsTheCountOnStandardOutputAndSkippedLinesOnStandardError() throws IOException {
        Path plain = Files.writeString(dir.resolve("plain.txt"), """
                # old users
                alice:wonderland
                bob builder99
                carol:
                ALICE:again
                """);

        Result result = user("", "import", plain.toString());

        assertEquals(new Result(ExitCode.OK, "imported 2 users from " + plain + "\n",
                "skipped line 4: empty password\nskipped line 5: 'ALICE' is already on line 2\n"), result);
        assertLogsIn("alice", "wonderland");
        assertLogsIn("bob", "builder99");
        assertFalse(Files.readString(usersFile).contains("wonderland"));
    }

    @Test
    void importOfOneUserSaysUser() throws IOException {
        Path plain = Files.writeString(dir.resolve("plain.txt"), "alice:wonderland\n");

        assertEquals(new Result(ExitCode.OK, "imported 1 user from " + plain + "\n", ""),
                user("", "import", plain.toString()));
    }

    @Test
    void importOfAMissingFileFails() {
        Path missing = dir.resolve("missing.txt");

        assertEquals(failure("cannot read " + missing + ": no such file or folder"),
                user("", "import", missing.toString()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "add alice           | there is no terminal to ask for the password; use --password-stdin",
        "passwd alice        | there is no terminal to ask for the password; use --password-stdin",
        "list --password-stdin | --password-stdin is for add and passwd only",
        "''                  | no action given; use add, passwd, remove, list, import or override",
        "rename alice        | unknown action 'rename'; use add, passwd, remove, list, import or override",
        "add                 | add needs a NAME",
        "import              | import needs a FILE",
        "list everything     | unexpected argument 'everything'",
        "remove alice bob    | unexpected argument 'bob'",
        "list --verbose      | unknown option --verbose"})
    void badCommandLineIsAOneLineUsageErrorFollowedByTheUsage(String words, String message) {
        Result result = user(PASSWORD + "\n", words.isEmpty() ? new String[0] : words.split(" "));

        assertEquals(new Result(ExitCode.USAGE, "", "loomftp user: " + message + "\n" + USAGE), result);
        assertFalse(Files.exists(usersFile));
    }

    @Test
    void invalidConfigIsAConfigErrorInOneLine() throws IOException {
        Files.writeString(config, "{ \"users\": { \"file\": \"users.txt\", \"mode\": 384 } }");

        Result result = user("", "list");

        assertEquals(new Result(ExitCode.CONFIG, "", "loomftp user: " + config
                + ": line 1, column 35: unknown key 'mode' in users (known keys: file, anonymous, overrides, passwordCache, database)\n"), result);
    }

    @Test
    void missingConfigIsAConfigError() throws IOException {
        Files.delete(config);

        assertEquals(new Result(ExitCode.CONFIG, "",
                "loomftp user: " + config + ": cannot read the file: no such file\n"), user("", "list"));
    }

    /** Runs {@code loomftp user WORDS --config CONFIG} with {@code stdin} as standard input. */
    private Result user(String stdin, String... words) {
        List<String> args = new ArrayList<>(List.of("user"));
        args.addAll(List.of(words));
        args.addAll(List.of("--config", config.toString()));
        return Cli.run(stdin, args);
    }

    private void addUsers(String... names) {
        for (String name : names) {
            assertEquals(ExitCode.OK, user(PASSWORD + "\n", "add", name, "--password-stdin").exitCode());
        }
    }

    private static Result failure(String message) {
        return new Result(ExitCode.FAILURE, "", "loomftp user: " + message + "\n");
    }

    private FileUserStore store() {
        return new FileUserStore(usersFile, Cli.HASHER);
    }

    private void assertLogsIn(String name, String password) {
        assertEquals(Optional.of(new User(name)), store().authenticate(name, password.toCharArray()),
                () -> name + " cannot log in");
    }
}
