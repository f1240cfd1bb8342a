package dev.loomftp.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.cli.Cli.Result;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MainTest {
    private static final String USAGE = Cli.main().usage();

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h", "help"})
    void helpPrintsTheUsageToStandardOutput(String option) {
        assertEquals(new Result(ExitCode.OK, USAGE, ""), Cli.run(List.of(option)));
    }

    @Test
    void usageListsTheCommandsAndTheExitCodes() {
        assertTrue(USAGE.startsWith("Usage: loomftp COMMAND [ARGS]"), USAGE);
        assertTrue(USAGE.contains("  serve    run the FTP server"), USAGE);
        assertTrue(USAGE.contains("  user     add, change, remove, list or import users"), USAGE);
        assertTrue(USAGE.contains("Exit codes: 0 ok, 1 failed while running, 2 bad command line, 3 bad configuration."),
                USAGE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--version", "-V"})
    void versionPrintsTheVersionMavenBuilt(String option) {
        String version = Main.version();

        assertEquals(new Result(ExitCode.OK, "loomftp " + version + "\n", ""), Cli.run(List.of(option)));
        assertFalse(version.equals("unknown") || version.contains("${"), version);
    }

    @Test
    void aFaultInLoomftpIsOneLineThatNamesAFileWithTheDetails() throws IOException {
        Command broken = new Command() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public String summary() {
                return "fails";
            }

            @Override
            public String usage() {
                return "";
            }

            @Override
            public int run(List<String> args, Io io) {
                throw new IllegalStateException("a state that cannot be");
            }
        };
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream nowhere = new PrintStream(new ByteArrayOutputStream(), true, UTF_8);
        int code = new Main(List.of(broken)).run(List.of("broken"), new Io(new ByteArrayInputStream(new byte[0]),
                nowhere, new PrintStream(err, true, UTF_8), null, Map.of(), null));

        String line = err.toString(UTF_8);
        assertEquals(ExitCode.FAILURE, code);
        assertTrue(line.startsWith("loomftp broken: unexpected error, a fault in loomftp: please report it, with the "
                + "details in "), line);
        assertFalse(line.contains("Exception") || line.contains("java."), line);
        Path details = Path.of(line.substring(line.lastIndexOf(" in ") + 4).strip());
        try {
            String trace = Files.readString(details);
            assertTrue(trace.contains("IllegalStateException: a state that cannot be"), trace);
            assertTrue(trace.contains("\tat "), "the stack trace: " + trace);
        } finally {
            Files.deleteIfExists(details);
        }
    }

    @Test
    void noCommandIsAUsageError() {
        assertEquals(new Result(ExitCode.USAGE, "", "loomftp: no command given\n" + USAGE), Cli.run(List.of()));
    }

    @Test
    void unknownCommandIsAOneLineUsageErrorFollowedByTheUsage() {
        assertEquals(new Result(ExitCode.USAGE, "", "loomftp: unknown command 'frobnicate'\n" + USAGE),
                Cli.run(List.of("frobnicate", "--help")));
    }

    @Test
    void commandHelpIsTheCommandsOwnUsage() {
        Result user = Cli.run(List.of("user", "--help"));
        Result serve = Cli.run(List.of("serve", "-h"));

        assertEquals(new Result(ExitCode.OK, new UserCommand().usage(), ""), user);
        assertEquals(new Result(ExitCode.OK, new ServeCommand().usage(), ""), serve);
        assertTrue(serve.out().startsWith("Usage: loomftp serve [--config FILE] [--port N] [--root DIR]"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--bogus       | unknown option --bogus",
        "--port=99999  | --port must be from 0 to 65535, not 99999",
        "--port        | option --port needs a value",
        "extra         | unexpected argument 'extra'"})
    void serveWithABadCommandLineIsAUsageError(String arg, String message) {
        Result result = Cli.run(List.of("serve", arg));

        assertEquals(new Result(ExitCode.USAGE, "", "loomftp serve: " + message + "\n" + new ServeCommand().usage()),
                result);
    }

    @Test
    void serveWithAMissingConfigFileExitsWithOneLine() {
        Path missing = dir.resolve("missing.json");

        Result result = Cli.run(List.of("serve", "--config", missing.toString()));

        assertEquals(new Result(ExitCode.CONFIG, "",
                "loomftp serve: " + missing + ": cannot read the file: no such file\n"), result);
    }

    @Test
    void serveWithAnInvalidConfigFileExitsWithOneLineNamingThePosition() throws IOException {
        Path config = Files.writeString(dir.resolve("loomftp.json"), """
                {
                  "listeners": [ { "port": 70000 } ]
                }
                """);

        Result result = Cli.run(List.of("serve", "--config=" + config));

        assertEquals(new Result(ExitCode.CONFIG, "", "loomftp serve: " + config
                + ": line 2, column 28: listeners[0].port must be from 0 to 65535, not 70000\n"), result);
    }
}
