package dev.loomftp.server;

import dev.loomftp.cli.LineInput;
import dev.loomftp.cli.TerminalInput;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.jline.reader.Completer;
import org.jline.terminal.impl.DumbTerminal;

/**
 * A terminal that a test types into: the shell's JLine input on a virtual terminal whose keys
 * come from a string, and whose screen is kept.
 */
final class TypedTerminal implements LineInput.Opener {
    private final ByteArrayInputStream keys;
    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();

    private TypedTerminal(String typed) {
        this.keys = new ByteArrayInputStream(typed.getBytes(StandardCharsets.UTF_8));
    }

    /** A terminal on which {@code typed} is typed, then nothing more. */
    static TypedTerminal typing(String typed) {
        return new TypedTerminal(typed);
    }

    @Override
    public TerminalInput open(Path history, Completer completer) throws IOException {
        return new TerminalInput(new DumbTerminal("test", "ansi", keys, screen, StandardCharsets.UTF_8), history,
                completer);
    }

    /** Everything shown on the terminal so far. */
    String screen() {
        return screen.toString(StandardCharsets.UTF_8);
    }
}
