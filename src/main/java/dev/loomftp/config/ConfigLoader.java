package dev.loomftp.config;

import java.nio.file.Path;

/** Reads and validates the JSON configuration. (Being written.) */
public final class ConfigLoader {
    private ConfigLoader() {}

    /** The embedded default: port 5550 on all interfaces, data in ./ftp-data. */
    public static Config defaults() throws ConfigException {
        throw new UnsupportedOperationException("not yet");
    }

    /** Reads {@code file}; relative paths in it are taken from the file's folder. */
    public static Config load(Path file) throws ConfigException {
        throw new UnsupportedOperationException("not yet");
    }
}
