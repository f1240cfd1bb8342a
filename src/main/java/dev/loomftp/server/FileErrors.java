package dev.loomftp.server;

import dev.loomftp.storage.VirtualPath;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.tinylog.Logger;

/**
 * Turns storage errors into replies. Only the kind of error reaches the client: the exception's
 * message, which can hold a real path, is never sent, and is logged only as its reason.
 */
final class FileErrors {
    private FileErrors() {}

    static void reply(Session session, IOException error, VirtualPath path) throws IOException {
        switch (error) {
            case NoSuchFileException e -> session.reply(550, "No such file or folder.");
            case AccessDeniedException e -> session.reply(550, "Permission denied.");
            case NotDirectoryException e -> session.reply(550, "Not a folder.");
            case FileSystemException e when isNoSpace(e) -> session.reply(452, "Insufficient storage space.");
            case FileSystemException e when "Not a directory".equals(e.getReason()) ->
                    session.reply(550, "Not a folder.");
            default -> {
                Logger.warn("session {}: storage error on {}: {}", session.id(), path, reason(error));
                session.reply(451, "Local error; the action was not taken.");
            }
        }
    }

    static boolean isNoSpace(IOException error) {
        String reason = reason(error);
        return reason.contains("No space left") || reason.contains("Disk quota exceeded");
    }

    /** The error without the file names that a FileSystemException's message carries. */
    static String reason(IOException error) {
        String reason = error instanceof FileSystemException fileError ? fileError.getReason() : error.getMessage();
        return error.getClass().getSimpleName() + (reason == null ? "" : ": " + reason);
    }
}
