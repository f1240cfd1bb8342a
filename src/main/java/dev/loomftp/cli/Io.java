package dev.loomftp.cli;

import java.io.Console;
import java.io.InputStream;
import java.io.PrintStream;

/**
 * The streams a command talks through. Tests pass their own; {@code console} is null when there
 * is no terminal.
 */
public record Io(InputStream in, PrintStream out, PrintStream err, Console console) {

    public static Io system() {
        Console console = System.console();
        return new Io(System.in, System.out, System.err, console != null && console.isTerminal() ? console : null);
    }
}
