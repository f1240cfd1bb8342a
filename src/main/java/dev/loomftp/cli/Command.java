package dev.loomftp.cli;

import java.util.List;

/** One subcommand of {@code loomftp}. */
public interface Command {

    /** The word that selects it, such as "serve". */
    String name();

    /** One line for the list of subcommands. */
    String summary();

    /** The full help text, shown by {@code loomftp NAME --help} and after a usage error. */
    String usage();

    /**
     * Runs the subcommand.
     *
     * @param args the arguments after the subcommand's name
     * @return the exit code, one of {@link ExitCode}
     * @throws UsageException when the arguments are wrong
     */
    int run(List<String> args, Io io) throws UsageException;
}
