package dev.loomftp.cli;

/** The exit codes of the {@code loomftp} command, as documented in the README. */
public final class ExitCode {
    /** Done as asked. */
    public static final int OK = 0;
    /** Failed while running: a port in use, a file that cannot be written, a user not found. */
    public static final int FAILURE = 1;
    /** The command line is wrong: an unknown subcommand, option or argument. */
    public static final int USAGE = 2;
    /** The configuration file is missing or invalid. */
    public static final int CONFIG = 3;
    /** client: the server cannot be reached. */
    public static final int CONNECTION = 4;
    /** client: the login was refused. */
    public static final int LOGIN = 5;
    /** client: a transfer or another command failed. */
    public static final int TRANSFER = 6;
    /** client: the remote file or folder does not exist (550). */
    public static final int NOT_FOUND = 7;

    private ExitCode() {}
}
