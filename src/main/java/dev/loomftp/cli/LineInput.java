package dev.loomftp.cli;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.jline.reader.Completer;

/**
 * Where the client shell reads its lines and passwords: a terminal with line editing, history and
 * completion ({@link TerminalInput}), or plain lines from standard input ({@link PlainInput}) when
 * it is piped or there is no terminal.
 */
public interface LineInput extends Closeable {

    /** The next line after showing {@code prompt}, or null at the end of the input. */
    String readLine(String prompt) throws IOException;

    /** A password after showing {@code prompt}, without echo where there is a terminal; null at the end of the input. */
    char[] readPassword(String prompt) throws IOException;

    /**
     * The answer of the user at the terminal to {@code question} (whose last line is the prompt),
     * kept out of the history; empty when there is no terminal, as piped input is never asked
     * anything, or at the end of the input.
     */
    Optional<String> ask(String question) throws IOException;

    /** Opens line editing on the user's terminal. */
    @FunctionalInterface
    interface Opener {
        /** Line input on the terminal, with its history kept in {@code history} and {@code completer} on TAB. */
        LineInput open(Path history, Completer completer) throws IOException;
    }

    /**
     * Line editing on {@code io}'s terminal, with its history in {@code .loomftp_history} in the
     * user's {@link Io#home home} and {@code completer} on TAB; plain lines when {@code io} has no
     * terminal, or when JLine cannot take the terminal over.
     */
    static LineInput open(Io io, Completer completer) {
        if (io.terminal() == null) {
            return new PlainInput(io);
        }
        try {
            return io.terminal().open(history(io), completer);
        } catch (IOException e) {
            return new PlainInput(io);
        }
    }

    /**
     * Asks the user at {@code io}'s terminal, opened for this one question; empty when there is
     * no terminal, or it cannot be used.
     */
    static Optional<String> ask(Io io, String question) throws IOException {
        if (io.terminal() == null) {
            return Optional.empty();
        }
        LineInput terminal;
        try {
            terminal = io.terminal().open(history(io), (reader, line, candidates) -> { });
        } catch (IOException e) {
            return Optional.empty();
        }
        try (terminal) {
            return terminal.ask(question);
        }
    }

    private static Path history(Io io) {
        return io.home().resolve(".loomftp_history");
    }
}
