package dev.loomftp.pg;

import dev.loomftp.config.Config;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.tinylog.Logger;

/**
 * The database password, found as libpq (and so {@code psql}) finds it: {@code PGPASSWORD}, else
 * the first matching line of the pgpass file, {@code PGPASSFILE} or else {@code ~/.pgpass} in
 * {@code $HOME}. A line is {@code host:port:database:user:password}, where {@code *} matches
 * anything and {@code \:} and {@code \\} stand for ':' and '\'. As libpq does, a pgpass file that
 * its group or others may read is ignored, with a warning.
 */
final class PgPass {
    private static final int DEFAULT_PORT = 5432;

    private PgPass() {}

    /** The password for {@code settings}, or empty when there is none (a trust or peer login). */
    static Optional<String> password(Config.Database settings, Map<String, String> environment) {
        String given = environment.get("PGPASSWORD");
        if (given != null && !given.isEmpty()) {
            return Optional.of(given);
        }
        Path file = environment.containsKey("PGPASSFILE") ? Path.of(environment.get("PGPASSFILE"))
                : environment.containsKey("HOME") ? Path.of(environment.get("HOME"), ".pgpass") : null;
        if (file == null || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.stream().anyMatch(permission -> permission.name().startsWith("GROUP")
                    || permission.name().startsWith("OTHERS"))) {
                Logger.warn("the password file {} is ignored: others may read it (chmod 600 it)", file);
                return Optional.empty();
            }
            URI uri = URI.create(settings.url().substring("jdbc:".length()));
            String port = Integer.toString(uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort());
            return find(Files.readAllLines(file), uri.getHost(), port, uri.getPath().substring(1), settings.user());
        } catch (IOException | UnsupportedOperationException e) {
            Logger.warn("the password file {} cannot be read: {}", file, e.getMessage());
            return Optional.empty();
        }
    }

    /** The password of the first line that matches, as libpq matches. */
    static Optional<String> find(List<String> lines, String host, String port, String database, String user) {
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            List<String> fields = split(line);
            if (fields.size() == 5 && matches(fields.get(0), host) && matches(fields.get(1), port)
                    && matches(fields.get(2), database) && matches(fields.get(3), user)) {
                return Optional.of(fields.get(4));
            }
        }
        return Optional.empty();
    }

    private static boolean matches(String field, String value) {
        return field.equals("*") || field.equals(value);
    }

    /** The fields of a line: split at ':' but not at "\:", with "\\" for '\'; the last takes the rest. */
    private static List<String> split(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                field.append(line.charAt(++i));
            } else if (c == ':' && fields.size() < 4) {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }
}
