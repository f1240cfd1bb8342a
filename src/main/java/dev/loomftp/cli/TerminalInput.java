package dev.loomftp.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.reader.impl.history.DefaultHistory;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * Lines from a terminal through JLine: editing, a history kept in a file across sessions, and
 * completion on TAB. The completer runs on the thread that calls {@link #readLine}, between
 * commands, so it may use the shell's connection.
 */
public final class TerminalInput implements LineInput {
    /** How many lines the history keeps, in memory and in its file. */
    private static final int HISTORY_SIZE = 1000;
    /** The size taken for a terminal that tells none, such as a pseudo-terminal made by script or expect. */
    private static final Size UNKNOWN_SIZE = new Size(80, 24);

    private final Terminal terminal;
    private final LineReader reader;

    /** Reads from {@code terminal}, with its history in {@code history} and {@code completer} on TAB. */
    public TerminalInput(Terminal terminal, Path history, Completer completer) {
        this.terminal = terminal;
        if (terminal.getWidth() <= 0) {
            // In no columns JLine shows the prompt as ">....".
            terminal.setSize(UNKNOWN_SIZE);
        }
        this.reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("loomftp")
                .completer(completer)
                // Words are split at white space only, as the shell splits them: no quotes, and
                // no backslashes added to completed names.
                .parser(new DefaultParser().quoteChars(new char[0]).escapeChars(null))
                .history(new SecretlessHistory())
                .variable(LineReader.HISTORY_FILE, history)
                .variable(LineReader.HISTORY_SIZE, HISTORY_SIZE)
                .variable(LineReader.HISTORY_FILE_SIZE, HISTORY_SIZE)
                // "!command" runs a local command; it is no history event to expand.
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .option(LineReader.Option.CASE_INSENSITIVE, true)
                // TAB offers names that start with what was typed, never ones a typo away.
                .variable(LineReader.ERRORS, 0)
                .build();
    }

    /** Reads from the process's own terminal. */
    static TerminalInput system(Path history, Completer completer) throws IOException {
        return new TerminalInput(TerminalBuilder.builder().system(true).build(), history, completer);
    }

    /** The next line; Ctrl-C gives an empty line and Ctrl-D the end of the input. */
    @Override
    public String readLine(String prompt) {
        try {
            return reader.readLine(prompt);
        } catch (UserInterruptException e) {
            return "";
        } catch (EndOfFileException e) {
            return null;
        }
    }

    /** A line read with nothing echoed, which JLine keeps out of the history. */
    @Override
    public char[] readPassword(String prompt) {
        try {
            return reader.readLine(prompt, LineReaderImpl.NULL_MASK).toCharArray();
        } catch (UserInterruptException e) {
            return new char[0];
        } catch (EndOfFileException e) {
            return null;
        }
    }

    /** The answer to a question, typed on the prompt of its last line, which the history does not keep. */
    @Override
    public Optional<String> ask(String question) {
        int prompt = question.lastIndexOf('\n') + 1;
        terminal.writer().print(question.substring(0, prompt));
        terminal.writer().flush();
        reader.setVariable(LineReader.DISABLE_HISTORY, true);
        try {
            return Optional.ofNullable(readLine(question.substring(prompt)));
        } finally {
            reader.setVariable(LineReader.DISABLE_HISTORY, false);
        }
    }

    @Override
    public void close() throws IOException {
        terminal.close();
    }

    /** The history without the lines that carry a password ({@code PASS secret}), in any case. */
    private static final class SecretlessHistory extends DefaultHistory {
        private static final Pattern SECRET = Pattern.compile("\\s*pass\\s+\\S.*",
                Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

        @Override
        public void add(Instant time, String line) {
            if (!SECRET.matcher(line).matches()) {
                super.add(time, line);
            }
        }
    }
}
