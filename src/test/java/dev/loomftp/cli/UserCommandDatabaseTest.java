package dev.loomftp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.config.Config;
import dev.loomftp.pg.PgEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code loomftp user} against the database of {@code users.database}, in a real PostgreSQL. */
class UserCommandDatabaseTest {
    @TempDir
    Path folder;
    private Path config;
    private Config.Database database;

    @BeforeEach
    void configuration() throws Exception {
        database = PgEngine.shared().newDatabase();
        config = folder.resolve("loomftp.json");
        Files.writeString(config, """
                {"storage": {"root": "data", "mounts": [
                   {"path": "/", "source": "{user}"}, {"path": "/Public", "source": "Public"}]},
                 "users": {"database": {"url": "%s", "user": "%s"}}}""".formatted(database.url(), database.user()));
    }

    private Cli.Result user(String stdin, String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("user"));
        all.addAll(List.of(args));
        all.addAll(List.of("--config", config.toString()));
        return Cli.run(stdin, PgEngine.environment(), all);
    }

    @Test
    void addListChangeAndRemoveUsersInTheDatabase() {
        assertEquals(new Cli.Result(ExitCode.OK, "added user 'Alice'\n", ""),
                user("alice-password\n", "add", "Alice", "--password-stdin"));
        assertEquals(new Cli.Result(ExitCode.OK, "added user 'bob'\n", ""),
                user("bob-password\n", "add", "bob", "--password-stdin"));
        assertEquals(new Cli.Result(ExitCode.FAILURE, "", "loomftp user: user 'Alice' already exists, and 'alice'"
                + " is the same name (user names ignore case)\n"), user("x-password\n", "add", "alice", "--password-stdin"));
        assertEquals(new Cli.Result(ExitCode.OK, "Alice\nbob\n", ""), user("", "list"));
        assertEquals(new Cli.Result(ExitCode.OK, "changed the password of 'Alice'\n", ""),
                user("new-password\n", "passwd", "ALICE", "--password-stdin"));
        assertEquals(new Cli.Result(ExitCode.OK, "removed user 'bob'\n", ""), user("", "remove", "Bob"));
        assertEquals(new Cli.Result(ExitCode.FAILURE, "", "loomftp user: user 'bob' not found\n"),
                user("", "remove", "bob"));
    }

    @Test
    void aUsersFileMovesIntoTheDatabase() throws Exception {
        Path usersFile = folder.resolve("users.txt");
        Path fileConfig = folder.resolve("file.json");
        Files.writeString(fileConfig, "{\"users\": {\"file\": \"users.txt\"}}");
        assertEquals(ExitCode.OK, Cli.run("carol-password\n", List.of("user", "add", "carol", "--password-stdin",
                "--config", fileConfig.toString())).exitCode());
        assertEquals(new Cli.Result(ExitCode.OK, "imported 1 user from " + usersFile + "\n", ""),
                user("", "import", usersFile.toString()));
        assertEquals(new Cli.Result(ExitCode.OK, "carol\n", ""), user("", "list"));
        Cli.Result again = user("", "import", usersFile.toString());
        assertEquals(ExitCode.OK, again.exitCode());
        assertTrue(again.err().contains("user 'carol' already exists"), again::toString);
    }

    @Test
    void overridesAreSetShownAndRemoved() {
        user("dave-password\n", "add", "dave", "--password-stdin");
        assertEquals(new Cli.Result(ExitCode.OK, "null\n", ""), user("", "override", "dave"));
        String json = "{\"permissions\": {\"/Public\": [\"list\", \"read\"]}, \"bandwidth\": {\"down\": \"1M\"}}";
        assertEquals(new Cli.Result(ExitCode.OK, "set the override of 'dave'\n", ""), user("", "override", "DAVE", json));
        assertEquals(new Cli.Result(ExitCode.OK, json + "\n", ""), user("", "override", "dave"));
        Cli.Result wrong = user("", "override", "dave", "{\"quotas\": {\"/Elsewhere\": {\"bytes\": \"1M\"}}}");
        assertEquals(ExitCode.FAILURE, wrong.exitCode());
        assertTrue(wrong.err().startsWith("loomftp user: ") && wrong.err().contains("names no mount"), wrong::toString);
        assertEquals(new Cli.Result(ExitCode.OK, "removed the override of 'dave'\n", ""),
                user("", "override", "dave", "null"));
    }

    @Test
    void withoutTheDatabasesPasswordTheCommandSaysWhyInOneLine() {
        Cli.Result refused = Cli.run("", Map.of(), List.of("user", "list", "--config", config.toString()));
        assertEquals(ExitCode.FAILURE, refused.exitCode());
        assertTrue(refused.err().startsWith("loomftp user: cannot use the database loomftp_"), refused::toString);
        assertEquals(1, refused.err().lines().count(), refused::toString);
    }

    @Test
    void aUsersFileKeepsItsOverridesInTheConfiguration() throws Exception {
        Path fileConfig = folder.resolve("file.json");
        Files.writeString(fileConfig, "{\"users\": {\"file\": \"users.txt\"}}");
        Cli.Result refused = Cli.run("", Map.of(), List.of("user", "override", "x", "{}", "--config",
                fileConfig.toString()));
        assertEquals(new Cli.Result(ExitCode.FAILURE, "", "loomftp user: the overrides of a users file's users are in"
                + " the configuration (users.overrides); a database (users.database) keeps them with the users\n"),
                refused);
    }
}
