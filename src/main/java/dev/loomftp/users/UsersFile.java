package dev.loomftp.users;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.tinylog.Logger;

/**
 * The parsed content of a users file: one {@code name:hash} line a user. Comments, blank lines and
 * lines that are not valid users are kept in place, so that rewriting the file changes only the
 * lines of the users that changed.
 */
final class UsersFile {
    /** Written at the top of a new file. */
    static final List<String> HEADER = List.of(
            "# loomftp users: one user a line, NAME:HASH, where HASH is a salted PBKDF2-HMAC-SHA256 hash",
            "# in passlib's $pbkdf2-sha256$ format. Change with: loomftp user add|passwd|remove|import.");

    private final List<Line> lines;

    private UsersFile(List<Line> lines) {
        this.lines = List.copyOf(lines);
    }

    /** The content of a file that does not exist yet. */
    static UsersFile empty() {
        return new UsersFile(List.of());
    }

    /**
     * Parses the lines of {@code file}. A line that is not a valid user is kept as it is, left out of
     * the users, and logged as a warning that gives its number and the reason, never its content.
     * So is the second of two lines whose names differ only in case, as they would share a home.
     */
    static UsersFile parse(Path file, List<String> text) {
        List<Line> lines = new ArrayList<>(text.size());
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < text.size(); i++) {
            lines.add(parseLine(file, i + 1, text.get(i), seen));
        }
        return new UsersFile(lines);
    }

    /** Each user's encoded hash, by exact name. */
    Map<String, String> hashes() {
        Map<String, String> hashes = new HashMap<>();
        entries().forEach(entry -> hashes.put(entry.name(), entry.hash()));
        return Map.copyOf(hashes);
    }

    /** The names of every user, sorted. */
    List<String> names() {
        return entries().map(Entry::name).sorted().toList();
    }

    /**
     * The user whose name equals {@code name} ignoring case. Such names would share a home folder on
     * a file system that ignores case, so at most one of them may exist.
     */
    Optional<String> nameLike(String name) {
        return entries().map(Entry::name).filter(name::equalsIgnoreCase).findFirst();
    }

    /** A copy with a user added at the end, and the header first when the file was empty. */
    UsersFile with(String name, String hash) {
        List<Line> copy = new ArrayList<>(lines);
        if (copy.isEmpty()) {
            HEADER.forEach(comment -> copy.add(new Verbatim(comment)));
        }
        copy.add(new Entry(name, hash));
        return new UsersFile(copy);
    }

    /** A copy with the hash of user {@code name} replaced. */
    UsersFile withHash(String name, String hash) {
        return new UsersFile(lines.stream().map(line -> isEntryOf(line, name) ? new Entry(name, hash) : line).toList());
    }

    /** A copy without user {@code name}. */
    UsersFile without(String name) {
        return new UsersFile(lines.stream().filter(line -> !isEntryOf(line, name)).toList());
    }

    /** The text to write: every line followed by a newline. */
    String render() {
        StringBuilder text = new StringBuilder();
        lines.forEach(line -> text.append(line.text()).append('\n'));
        return text.toString();
    }

    private Stream<Entry> entries() {
        return lines.stream().filter(Entry.class::isInstance).map(Entry.class::cast);
    }

    private static boolean isEntryOf(Line line, String name) {
        return line instanceof Entry entry && entry.name().equals(name);
    }

    private static Line parseLine(Path file, int number, String text, Map<String, Integer> seen) {
        if (text.isBlank() || text.strip().startsWith("#")) {
            return new Verbatim(text);
        }
        Optional<String> problem = problem(text, number, seen);
        if (problem.isPresent()) {
            Logger.warn("users file {} line {} skipped: {}", file, number, problem.get());
            return new Verbatim(text);
        }
        int colon = text.indexOf(':');
        return new Entry(text.substring(0, colon), text.substring(colon + 1));
    }

    private static Optional<String> problem(String text, int number, Map<String, Integer> seen) {
        int colon = text.indexOf(':');
        if (colon < 0) {
            return Optional.of("no ':' between the name and the hash");
        }
        String name = text.substring(0, colon);
        if (!UserNames.isValid(name)) {
            return Optional.of("invalid user name");
        }
        if (!PasswordHasher.isWellFormed(text.substring(colon + 1))) {
            return Optional.of("the hash is not in the $pbkdf2-sha256$ format");
        }
        Integer first = seen.putIfAbsent(name.toLowerCase(Locale.ROOT), number);
        return first == null ? Optional.empty() : Optional.of("the same name (ignoring case) is on line " + first);
    }

    /** One line of the file. */
    private sealed interface Line permits Entry, Verbatim {
        String text();
    }

    /** A user. */
    private record Entry(String name, String hash) implements Line {
        @Override
        public String text() {
            return name + ":" + hash;
        }
    }

    /** A comment, a blank line or a line that is not a valid user, kept as it was. */
    private record Verbatim(String text) implements Line {}
}
