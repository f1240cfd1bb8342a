package dev.loomftp.cli;

import java.io.EOFException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.regex.Pattern;

/**
 * An error in a user's words, for errors whose words come from the JDK rather than from loomftp.
 * The name of a Java class never reaches the user: the JDK's messages sometimes carry one ("PKIX
 * path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to
 * find ..."), and an error made from another ({@code new IOException(cause)}) has the cause's class
 * for its whole message. The file system's errors, whose message is no more than a path, say what
 * happened to it.
 */
final class ErrorText {
    /** A qualified Java name, or a simple name that ends like an exception's or an error's, with the colon after it. */
    private static final Pattern JAVA_NAME = Pattern.compile(
            "\\b(?:java|javax|jdk|sun|com\\.sun|dev\\.loomftp)(?:\\.\\w+)+(?::\\s*)?"
                    + "|\\b[A-Z]?[a-zA-Z]*(?:Exception|[a-z]Error)\\b(?::\\s*)?");

    private ErrorText() {}

    /** What went wrong, without the names of Java classes. */
    static String of(Throwable error) {
        return switch (error) {
            case NoSuchFileException missing -> "no such file or folder: " + missing.getFile();
            case AccessDeniedException denied -> "permission denied: " + denied.getFile();
            case FileAlreadyExistsException exists -> "already exists: " + exists.getFile();
            case DirectoryNotEmptyException full -> "the folder is not empty: " + full.getFile();
            case NotDirectoryException notFolder -> "not a folder: " + notFolder.getFile();
            case FileSystemException other when other.getReason() != null ->
                    other.getFile() + ": " + withoutJavaNames(other.getReason());
            default -> {
                String words = error.getMessage() == null ? "" : withoutJavaNames(error.getMessage());
                yield !words.isEmpty() ? words
                        : error instanceof EOFException ? "the connection ended early" : "input or output failed";
            }
        };
    }

    static String withoutJavaNames(String text) {
        return JAVA_NAME.matcher(text).replaceAll("").strip();
    }
}
