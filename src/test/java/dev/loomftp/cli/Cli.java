package dev.loomftp.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.loomftp.users.PasswordHasher;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;

/** Runs {@code loomftp} in this JVM with captured streams, no terminal, and cheap password hashes. */
final class Cli {
    static final PasswordHasher HASHER = new PasswordHasher(PasswordHasher.MIN_ITERATIONS);

    private Cli() {}

    /** What one run printed and returned. */
    record Result(int exitCode, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    static Main main() {
        return new Main(List.of(new ServeCommand(),
                new UserCommand(HASHER)));
    }

    static Result run(List<String> args) {
        return run("", args);
    }

    static Result run(String stdin, List<String> args) {
        return run(stdin, java.util.Map.of(), args);
    }

    /** A run with {@code environment} as its environment variables, such as PGPASSWORD. */
    static Result run(String stdin, java.util.Map<String, String> environment, List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Io io = new Io(new ByteArrayInputStream(stdin.getBytes(UTF_8)), new PrintStream(out, true, UTF_8),
                new PrintStream(err, true, UTF_8), null, environment, null);
        int code = main().run(args, io);
        return new Result(code, out.toString(UTF_8), err.toString(UTF_8));
    }
}
