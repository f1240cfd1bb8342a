package dev.loomftp.users;

import java.io.Serial;

/**
 * The users cannot be reached now, as when the database that keeps them is down: a login can be
 * neither let in nor refused, and the client should come back later (421). The message says why,
 * for the log, and names no password.
 */
public final class UsersUnavailableException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    public UsersUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
