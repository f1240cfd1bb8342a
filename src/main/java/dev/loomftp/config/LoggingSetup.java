package dev.loomftp.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.tinylog.configuration.Configuration;

/**
 * Configures tinylog from the {@code logging} section: every line goes to standard error (standard output stays
 * free for what commands print), and also to the log file when one is set.
 *
 * <p>Call {@link #apply} once per JVM, at start-up, before anything logs: tinylog reads its configuration at the
 * first log statement and freezes it from then on.
 */
public final class LoggingSetup {
    /** The layout of every log line, on the console and in the file. */
    static final String FORMAT = "{date: yyyy-MM-dd HH:mm:ss.SSS} {level} [{thread}] {message}";

    private LoggingSetup() {}

    /**
     * Replaces tinylog's configuration with one built from {@code logging}, creating the log file's folder if
     * needed. Lines are written by the logging thread itself, unbuffered, so nothing is lost when the JVM exits.
     *
     * @throws IllegalStateException when something has logged already, so the configuration is frozen
     * @throws UncheckedIOException  when the log file's folder cannot be created
     */
    public static void apply(Config.Logging logging) {
        if (Configuration.isFrozen()) {
            throw new IllegalStateException("logging is already in use; configure it before the first log line");
        }
        if (logging.file() != null) {
            createParentFolder(logging.file());
        }
        Configuration.replace(properties(logging));
    }

    /**
     * For the commands that are not the server ({@code user}, {@code check}): warnings and errors
     * on standard error, so that what the libraries they use say at start (the database pool,
     * the schema migrations) stays out of the way. Does nothing once something has logged.
     */
    public static void quiet() {
        if (!Configuration.isFrozen()) {
            Configuration.replace(properties(new Config.Logging(Config.Level.WARN, null)));
        }
    }

    /** The tinylog properties for {@code logging}, as they would read in a {@code tinylog.properties} file. */
    static Map<String, String> properties(Config.Logging logging) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("level", logging.level().name().toLowerCase(Locale.ROOT));
        // The database pool says, in its own words (class names, connection objects), what
        // loomftp logs in one clear line of its own: that the database went away, and returned.
        properties.put("level@com.zaxxer.hikari", "error");
        properties.put("writingthread", "false");
        properties.put("autoshutdown", "false");
        properties.put("writer1", "console");
        properties.put("writer1.stream", "err");
        properties.put("writer1.format", FORMAT);
        if (logging.file() != null) {
            properties.put("writer2", "file");
            properties.put("writer2.file", logging.file().toString());
            properties.put("writer2.append", "true");
            properties.put("writer2.buffered", "false");
            properties.put("writer2.charset", "UTF-8");
            properties.put("writer2.format", FORMAT);
        }
        return properties;
    }

    private static void createParentFolder(Path file) {
        Path folder = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the log folder " + folder, e);
        }
    }
}
