package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.cli.Io;
import dev.loomftp.cli.LineInput;
import dev.loomftp.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs {@code loomftp client} in this JVM with the given standard input, and keeps its exit code
 * and output. Every run is checked for Java's words in what it printed (an exception's name, a
 * class name, a stack trace), so that each client test, its failures first, checks that too.
 */
final class ClientRunner {
    /** How a run ended. */
    record Run(int exitCode, String out, String err) {
        /** The run's output, for assertion messages. */
        String describe() {
            return "exit code " + exitCode + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
        }
    }

    private ClientRunner() {
    }

    /** {@code loomftp client ARGUMENTS} with nothing on standard input. */
    static Run client(List<String> arguments) {
        return client("", arguments);
    }

    /** {@code loomftp client ARGUMENTS} with {@code input} on standard input, no terminal and no environment. */
    static Run client(String input, List<String> arguments) {
        return client(Map.of(), input, arguments);
    }

    /** {@code loomftp client ARGUMENTS} with these environment variables, {@code input} on standard input, no terminal. */
    static Run client(Map<String, String> environment, String input, List<String> arguments) {
        return client(environment, null, input, arguments);
    }

    /**
     * {@code loomftp client ARGUMENTS} with these environment variables, {@code input} on standard
     * input, and the user at {@code terminal} (null for none).
     */
    static Run client(Map<String, String> environment, LineInput.Opener terminal, String input,
            List<String> arguments) {
        List<String> args = new ArrayList<>(List.of("client"));
        args.addAll(arguments);
        return run(environment, terminal, input, args);
    }

    /** {@code loomftp ARGUMENTS}, any command, with these environment variables and {@code input}, no terminal. */
    static Run run(Map<String, String> environment, String input, List<String> args) {
        return run(environment, null, input, args);
    }

    private static Run run(Map<String, String> environment, LineInput.Opener terminal, String input,
            List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Io io = new Io(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                null, environment, terminal);
        Run run = new Run(Main.execute(args, io), out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8));
        Optional<String> java = JavaNames.in(run.out() + "\n" + run.err());
        assertTrue(java.isEmpty(), () -> "a user reads the client's words, never Java's, such as '" + java.get() + "': "
                + run.describe());
        return run;
    }
}
