package dev.loomftp.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Plain lines from standard input, as scripts and tests feed them: the prompt is printed, the
 * line read as typed. Passwords come from the console without echo when there is one, and
 * questions are asked on the terminal when there is one.
 */
final class PlainInput implements LineInput {
    private final Io io;
    private final BufferedReader in;

    PlainInput(Io io) {
        this.io = io;
        this.in = new BufferedReader(new InputStreamReader(io.in(), StandardCharsets.UTF_8));
    }

    @Override
    public String readLine(String prompt) throws IOException {
        io.out().print(prompt);
        io.out().flush();
        return in.readLine();
    }

    @Override
    public char[] readPassword(String prompt) throws IOException {
        if (io.console() != null) {
            return io.console().readPassword(prompt);
        }
        String line = readLine(prompt);
        return line == null ? null : line.toCharArray();
    }

    /** Asks on the terminal, when there is one: standard input may be a file of commands. */
    @Override
    public Optional<String> ask(String question) throws IOException {
        return LineInput.ask(io, question);
    }

    /** Leaves standard input open: it belongs to the process, not to the shell. */
    @Override
    public void close() {
    }
}
