package dev.loomftp.cli;

import java.io.Console;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What a command runs with: its streams, its environment variables and the user's terminal. Tests
 * pass their own, so that a command never reads the process's streams, environment or terminal
 * itself.
 *
 * @param console     the terminal, for passwords without echo and progress bars; null when there is none
 * @param environment the environment variables, such as {@code LOOMFTP_PASSWORD}
 * @param terminal    opens line editing on the user's terminal; null when there is none, and then
 *                    the client never asks a question
 */
public record Io(InputStream in, PrintStream out, PrintStream err, Console console, Map<String, String> environment,
        LineInput.Opener terminal) {

    public Io {
        environment = Map.copyOf(environment);
    }

    public static Io system() {
        Console console = System.console();
        boolean terminal = console != null && console.isTerminal();
        return new Io(System.in, System.out, System.err, terminal ? console : null, System.getenv(),
                terminal ? TerminalInput::system : null);
    }

    /**
     * The user's home folder, where the client keeps its files: HOME when it is set and not
     * empty, as curl, lftp and ftp take it; otherwise the JDK's {@code user.home}, which comes
     * from the password database and so ignores {@code HOME=... loomftp client}.
     */
    public Path home() {
        return variable("HOME").filter(home -> !home.isEmpty()).map(Path::of)
                .orElseGet(() -> Path.of(System.getProperty("user.home")));
    }

    /** The environment variable {@code name}, when it is set. */
    public Optional<String> variable(String name) {
        return Optional.ofNullable(environment.get(name));
    }
}
