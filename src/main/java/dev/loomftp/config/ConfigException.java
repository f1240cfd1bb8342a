package dev.loomftp.config;

/**
 * A configuration the server cannot start with. The message is one line meant for the operator:
 * it names the file, the key, and the line and column where the problem is.
 */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
