package dev.loomftp.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads and validates the JSON configuration.
 *
 * <p>The built-in default, {@code dev/loomftp/default-config.json}, holds every key. A config file is laid over
 * it, so a file only needs the keys it changes: within a section, missing keys keep their default, while a list
 * (listeners, mounts) given in the file replaces the default list whole. Relative paths are taken from the
 * folder of the config file, including those that come from the default.
 *
 * <p>Every problem, from a missing file to a port out of range, is a {@link ConfigException} whose message is
 * one line: {@code <file>: line <n>, column <n>: <key> <problem>}.
 */
public final class ConfigLoader {
    private static final String DEFAULT_RESOURCE = "/dev/loomftp/default-config.json";
    private static final String DEFAULT_SOURCE = "built-in default-config.json";

    private ConfigLoader() {}

    /**
     * The built-in default: port 5550 on all interfaces, data in {@code ./ftp-data}, users in
     * {@code ./loomftp-users.txt}, with relative paths taken from the current working directory.
     *
     * @throws ConfigException only if the built-in default itself is broken
     */
    public static Config defaults() throws ConfigException {
        return ConfigBinder.bind(defaultDocument(), Path.of("").toAbsolutePath());
    }

    /**
     * Reads {@code file} over the built-in default; relative paths in it are taken from the file's folder.
     *
     * @param file the config file; the path is shown as given in error messages
     * @throws ConfigException when the file cannot be read or is not a valid configuration
     */
    public static Config load(Path file) throws ConfigException {
        JsonDocument document = JsonDocument.parse(file.toString(), read(file));
        Path folder = file.toAbsolutePath().normalize().getParent();
        return ConfigBinder.bind(defaultDocument().overlaidWith(document), folder);
    }

    /**
     * Reads a user's override, a JSON object written as one of {@code users.overrides} is, checked
     * against the mounts of {@code storage}.
     *
     * @param source what the text is, named in the message of a {@link ConfigException}
     */
    public static Config.UserOverride userOverride(String source, String json, Config.Storage storage)
            throws ConfigException {
        return ConfigBinder.userOverride(source, json, storage);
    }

    private static byte[] read(Path file) throws ConfigException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read the file: " + reason(e), e);
        }
    }

    private static String reason(IOException e) {
        return switch (e) {
            case NoSuchFileException _ -> "no such file";
            case AccessDeniedException _ -> "permission denied";
            case FileSystemException f when f.getReason() != null -> f.getReason();
            default -> e.getMessage() == null ? "input/output error" : e.getMessage().lines().findFirst().orElse("");
        };
    }

    private static JsonDocument defaultDocument() throws ConfigException {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULT_RESOURCE + " is missing from the module");
            }
            return JsonDocument.parse(DEFAULT_SOURCE, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DEFAULT_RESOURCE, e);
        }
    }
}
