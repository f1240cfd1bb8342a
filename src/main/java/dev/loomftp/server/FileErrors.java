package dev.loomftp.server;

import dev.loomftp.protocol.Reply;
import dev.loomftp.storage.UploadRunningException;
import dev.loomftp.storage.VirtualPath;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.tinylog.Logger;

/**
 * Turns storage errors into replies. Only the kind of error reaches the client: the exception's
 * message, which can hold a real path, is never sent, and is logged only as its reason.
 */
final class FileErrors {
    private FileErrors() {}

    static void reply(Session session, IOException error, VirtualPath path) throws IOException {
        Reply reply = replyFor(error);
        if (reply.code() == 451) {
            Logger.warn("session {}: storage error on {}: {}", session.id(), path, reason(error));
        }
        session.reply(reply);
    }

    /** The reply for a storage error: 550 for what the client can fix, 452 or 552 for space, else 451. */
    static Reply replyFor(IOException error) {
        return switch (error) {
            case UploadRunningException e -> Reply.of(450, "Another upload of this file is running; try again later.");
            case NoSuchFileException e -> Reply.of(550, "No such file or folder.");
            case AccessDeniedException e -> Reply.of(550, "Permission denied.");
            case NotDirectoryException e -> Reply.of(550, "Not a folder.");
            case FileAlreadyExistsException e -> Reply.of(550, "A file or folder of that name exists already.");
            case DirectoryNotEmptyException e -> Reply.of(550, "The folder is not empty.");
            case EOFException e -> Reply.of(554, "The restart offset is past the end of the file.");
            case FileSystemException e when reasonIs(e, "Not a directory") -> Reply.of(550, "Not a folder.");
            case FileSystemException e when reasonIs(e, "Is a directory") -> Reply.of(550, "That is a folder.");
            case FileSystemException e when reasonIs(e, "Cross-device link") ->
                    Reply.of(550, "Folders cannot be moved between /Public and your home.");
            case FileSystemException e when reasonIs(e, "Invalid argument") ->
                    Reply.of(553, "A folder cannot be moved into itself.");
            default -> {
                if (isQuotaExceeded(error)) {
                    yield Reply.of(552, "Storage quota exceeded.");
                }
                yield isNoSpace(error) ? Reply.of(452, "Insufficient storage space.")
                        : Reply.of(451, "Local error; the action was not taken.");
            }
        };
    }

    static boolean isNoSpace(IOException error) {
        return reason(error).contains("No space left");
    }

    static boolean isQuotaExceeded(IOException error) {
        return reason(error).contains("Disk quota exceeded");
    }

    /**
     * The error in words, for the log: the operating system's reason or the message, without the
     * file names that a FileSystemException's message carries and without any Java class name.
     */
    static String reason(IOException error) {
        String message = error instanceof FileSystemException fileError ? fileError.getReason() : error.getMessage();
        if (message == null || message.isBlank()) {
            return kind(error);
        }
        String words = JAVA_NAME.matcher(message).replaceAll("").strip();
        return words.isEmpty() ? kind(error) : words;
    }

    /** A qualified class name with the colon after it, as a wrapped exception's message starts. */
    private static final Pattern JAVA_NAME = Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z]\\w*(?::\\s*)?");

    private static String kind(IOException error) {
        return switch (error) {
            case NoSuchFileException e -> "no such file or folder";
            case AccessDeniedException e -> "permission denied";
            case FileAlreadyExistsException e -> "it exists already";
            case DirectoryNotEmptyException e -> "the folder is not empty";
            case NotDirectoryException e -> "not a folder";
            case EOFException e -> "the data ended early";
            case SocketTimeoutException e -> "timed out";
            case InterruptedIOException e -> "interrupted";
            case SSLException e -> "TLS failed";
            default -> "input/output error";
        };
    }

    private static boolean reasonIs(FileSystemException error, String reason) {
        return reason.equals(error.getReason());
    }
}
