package dev.loomftp.users;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
    /** The users by {@link UserNames#key}; the file holds at most one user for each key. */
    private final Map<String, Entry> users;

    private UsersFile(List<Line> lines) {
        this.lines = List.copyOf(lines);
        Map<String, Entry> byKey = new HashMap<>();
        entries().forEach(entry -> byKey.put(UserNames.key(entry.name()), entry));
        this.users = Map.copyOf(byKey);
    }

    /** The content of a file that does not exist yet. */
    static UsersFile empty() {
        return new UsersFile(List.of());
    }

    /**
     * Parses the lines of {@code file}. A line that is not a valid user is kept as it is, left out of
     * the users, and logged as a warning that gives its number and the reason, never its content.
     *
     * @throws UserStoreException when two lines name the same user, in the same case or not: which
     *                            one is meant, with its password, is for the operator to say
     */
    static UsersFile parse(Path file, List<String> text) throws UserStoreException {
        List<Line> lines = new ArrayList<>(text.size());
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < text.size(); i++) {
            Line line = parseLine(file, i + 1, text.get(i));
            if (line instanceof Entry entry) {
                checkFirst(file, entry, i + 1, seen, lines);
            }
            lines.add(line);
        }
        return new UsersFile(lines);
    }

    /** The user that {@code name} names, in any case. */
    Optional<Entry> find(String name) {
        return Optional.ofNullable(users.get(UserNames.key(name)));
    }

    /** The names of every user, as spelled in the file, sorted. */
    List<String> names() {
        return entries().map(Entry::name).sorted().toList();
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

    /** A copy with the hash of user {@code name}, spelled as in the file, replaced. */
    UsersFile withHash(String name, String hash) {
        return new UsersFile(lines.stream().map(line -> isEntryOf(line, name) ? new Entry(name, hash) : line).toList());
    }

    /** A copy without user {@code name}, spelled as in the file. */
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

    /** Records where {@code entry}'s user is first named, and fails when that is an earlier line. */
    private static void checkFirst(Path file, Entry entry, int number, Map<String, Integer> seen, List<Line> before)
            throws UserStoreException {
        Integer first = seen.putIfAbsent(UserNames.key(entry.name()), number);
        if (first == null) {
            return;
        }
        String earlier = ((Entry) before.get(first - 1)).name();
        String as = earlier.equals(entry.name()) ? "" : " as '" + earlier + "' (user names ignore case)";
        throw new UserStoreException("cannot read " + file + ": line " + number + ": user '" + entry.name()
                + "' is already on line " + first + as + "; delete one of the two lines");
    }

    private static Line parseLine(Path file, int number, String text) {
        if (text.isBlank() || text.strip().startsWith("#")) {
            return new Verbatim(text);
        }
        Optional<String> problem = problem(text);
        if (problem.isPresent()) {
            Logger.warn("users file {} line {} skipped: {}", file, number, problem.get());
            return new Verbatim(text);
        }
        int colon = text.indexOf(':');
        return new Entry(text.substring(0, colon), text.substring(colon + 1));
    }

    private static Optional<String> problem(String text) {
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
        return Optional.empty();
    }

    /** One line of the file. */
    private sealed interface Line permits Entry, Verbatim {
        String text();
    }

    /** A user: the name as spelled in the file, and the encoded hash. */
    record Entry(String name, String hash) implements Line {
        @Override
        public String text() {
            return name + ":" + hash;
        }
    }

    /** A comment, a blank line or a line that is not a valid user, kept as it was. */
    private record Verbatim(String text) implements Line {}
}
