package dev.loomftp.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Credentials from a {@code .netrc} file, the convention ftp and curl share:
 * {@code machine HOST login USER password SECRET}, and {@code default} for any other host.
 */
public final class Netrc {
    private Netrc() {}

    /** A login and its password. */
    public record Credentials(String login, char[] password) {}

    /**
     * The entry for {@code host} (or the default entry), matching {@code user} when one is given.
     *
     * @return empty when the file does not exist or has no such entry
     */
    public static Optional<Credentials> find(Path file, String host, Optional<String> user) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String[] tokens = Files.readString(file, StandardCharsets.UTF_8).strip().split("\\s+");
        Optional<Credentials> fallback = Optional.empty();
        for (int i = 0; i < tokens.length; i++) {
            boolean machine = tokens[i].equals("machine") && i + 1 < tokens.length;
            boolean isDefault = tokens[i].equals("default");
            if (!machine && !isDefault) {
                continue;
            }
            String name = machine ? tokens[++i] : null;
            String login = null;
            String password = null;
            while (i + 1 < tokens.length && !tokens[i + 1].equals("machine") && !tokens[i + 1].equals("default")) {
                String key = tokens[++i];
                String value = i + 1 < tokens.length ? tokens[++i] : "";
                switch (key) {
                    case "login" -> login = value;
                    case "password" -> password = value;
                    default -> { }
                }
            }
            if (login == null || password == null || user.isPresent() && !user.get().equals(login)) {
                continue;
            }
            Credentials credentials = new Credentials(login, password.toCharArray());
            if (host.equals(name)) {
                return Optional.of(credentials);
            }
            if (isDefault && fallback.isEmpty()) {
                fallback = Optional.of(credentials);
            }
        }
        return fallback;
    }
}
