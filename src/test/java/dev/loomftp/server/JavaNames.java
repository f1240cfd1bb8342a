package dev.loomftp.server;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Java's words where a user reads the client's: the name of an exception or error class, a
 * qualified class name, or a line of a stack trace.
 */
final class JavaNames {
    private static final Pattern JAVA = Pattern.compile("\\b\\w*Exception\\b|\\b[A-Z]\\w*Error\\b|\\bError:"
            + "|\\b(?:java|javax|jdk|sun|com\\.sun)\\.[a-z]\\w*\\.|\\bdev\\.loomftp\\.|\\tat ");

    private JavaNames() {}

    /** The first of Java's words in {@code text}, if any. */
    static Optional<String> in(String text) {
        Matcher found = JAVA.matcher(text);
        return found.find() ? Optional.of(found.group()) : Optional.empty();
    }
}
