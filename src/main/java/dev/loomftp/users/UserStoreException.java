package dev.loomftp.users;

import java.io.IOException;
import java.io.Serial;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * An administrative change to the users that cannot be made: the user already exists or is not
 * there, the name is invalid, or a file cannot be read or written. The message is one line meant
 * for the operator, such as {@code user 'alice' already exists}.
 */
public final class UserStoreException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    public UserStoreException(String message) {
        super(message);
    }

    public UserStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * A user that is not there.
     *
     * @param typed the name as it was given, shown safely
     */
    public static UserStoreException notFound(String typed) {
        return new UserStoreException("user '" + UserNames.shown(typed) + "' not found");
    }

    /**
     * A user that is there already, which {@code typed} names, in this spelling or another.
     *
     * @param stored the spelling in the users file
     * @param typed  the name as it was given
     */
    public static UserStoreException alreadyExists(String stored, String typed) {
        return new UserStoreException(stored.equals(typed)
                ? "user '" + stored + "' already exists"
                : "user '" + stored + "' already exists, and '" + UserNames.shown(typed)
                        + "' is the same name (user names ignore case)");
    }

    /**
     * Wraps an I/O failure in a message that names the file and the reason, such as
     * {@code cannot write /srv/users.txt: permission denied}.
     *
     * @param action what was being done, such as "cannot write"
     */
    static UserStoreException io(String action, Path file, IOException cause) {
        return new UserStoreException(action + " " + file + ": " + reason(cause), cause);
    }

    /** The reason of an I/O failure in a few words, without repeating the file name. */
    static String reason(IOException e) {
        return switch (e) {
            case NoSuchFileException _ -> "no such file or folder";
            case AccessDeniedException _ -> "permission denied";
            case FileSystemException fse when fse.getReason() != null -> fse.getReason();
            default -> e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        };
    }
}
