package dev.loomftp.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The server certificates a user chose to trust, each for one host and port, in a file like ssh's
 * {@code known_hosts}: one line per server, {@code host:port SHA-256-fingerprint}
 * ({@code [::1]:990 AB:CD:...} for an IPv6 address); blank lines and lines that start with
 * {@code #} are left alone. The file is replaced whole, through a temporary file moved over it,
 * so that a reader never sees half of it; it and its folder are readable by their owner only.
 */
public final class KnownHosts {
    private final Path file;

    private KnownHosts(Path file) {
        this.file = file;
    }

    /** The known hosts kept in {@code file}, which need not exist yet. */
    public static KnownHosts in(Path file) {
        return new KnownHosts(file);
    }

    public Path file() {
        return file;
    }

    /**
     * A remembered certificate.
     *
     * @param fingerprint its SHA-256 fingerprint, as it was written
     * @param line        the line of the file it is on, counted from 1
     */
    public record Remembered(String fingerprint, int line) {
    }

    /** The certificate remembered for {@code host} and {@code port}, if any. */
    public Optional<Remembered> find(String host, int port) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        String key = key(host, port);
        for (int i = 0; i < lines.size(); i++) {
            String[] words = lines.get(i).strip().split("\\s+");
            if (words.length >= 2 && words[0].equalsIgnoreCase(key)) {
                return Optional.of(new Remembered(words[1], i + 1));
            }
        }
        return Optional.empty();
    }

    /** Remembers {@code fingerprint} for {@code host} and {@code port}, in place of what was there for them. */
    public void remember(String host, int port, String fingerprint) throws IOException {
        String key = key(host, port);
        List<String> lines = new ArrayList<>();
        if (Files.isRegularFile(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] words = line.strip().split("\\s+");
                if (!words[0].equalsIgnoreCase(key)) {
                    lines.add(line);
                }
            }
        }
        lines.add(key + " " + fingerprint);
        Path folder = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(folder)) {
            Files.createDirectories(folder, ownerOnly("rwx------"));
        }
        Path temporary = Files.createTempFile(folder, file.getFileName().toString(), ".new", ownerOnly("rw-------"));
        try {
            Files.write(temporary, lines, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** How a server is named in the file: {@code host:port}, with an IPv6 address in brackets. */
    public static String key(String host, int port) {
        String name = host.toLowerCase(Locale.ROOT);
        return (name.indexOf(':') >= 0 ? "[" + name + "]" : name) + ":" + port;
    }

    private FileAttribute<?>[] ownerOnly(String permissions) {
        // Where the file system has no POSIX permissions, the user's own folder keeps the file private.
        if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))};
    }
}
