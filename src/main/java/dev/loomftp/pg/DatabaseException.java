package dev.loomftp.pg;

import java.io.IOException;
import java.io.Serial;

/**
 * The database could not do what was asked: it could not be reached ({@link #unreachable()}), or
 * it refused. The message is one line for the log, naming the database but no password.
 */
public final class DatabaseException extends IOException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final boolean unreachable;

    DatabaseException(String message, Throwable cause) {
        this(message, cause, true);
    }

    DatabaseException(String message, Throwable cause, boolean unreachable) {
        super(message, cause);
        this.unreachable = unreachable;
    }

    /** Whether the database could not be reached, so that the same request may work later. */
    public boolean unreachable() {
        return unreachable;
    }
}
