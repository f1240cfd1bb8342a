package dev.loomftp.cli;

/** A command line that cannot be run. The message is one line; the usage is printed after it. */
public final class UsageException extends Exception {
    public UsageException(String message) {
        super(message);
    }
}
