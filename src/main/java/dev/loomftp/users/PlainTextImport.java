package dev.loomftp.users;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Moves users into a {@link UserAdmin}: those of the original server's plain-text users file,
 * hashing their passwords on the way, and those of a loomftp users file, whose hashes move as they
 * are (so a users file moves into a database without a password being asked again).
 *
 * <p>Each line of the plain-text file is {@code name:password} or {@code name password}: the first
 * ':' or the first run of blanks ends the name, blanks around the name are ignored, and the
 * password is the rest of the line (without a trailing CR). A password that is a loomftp hash
 * ({@code $pbkdf2-sha256$...}, as a users file holds) is taken as that hash. Blank lines and lines
 * starting with '#' are ignored.
 *
 * <p>Nothing of the plain text is kept: the file is read into arrays that are wiped when done, and
 * the reasons given for skipped lines never contain a password. Users are added one at a time, so
 * an import that stopped halfway can be run again; those already added are then skipped.
 */
public final class PlainTextImport {
    private final UserAdmin store;

    /** An import into {@code store}. */
    public PlainTextImport(UserAdmin store) {
        this.store = store;
    }

    /**
     * What an import did.
     *
     * @param imported how many users were added
     * @param skipped  the lines that were not imported, in file order
     */
    public record Result(int imported, List<Skipped> skipped) {
        public Result {
            skipped = List.copyOf(skipped);
        }
    }

    /**
     * A line that was not imported.
     *
     * @param line   its number, from 1
     * @param reason why, such as "empty password"; never the password
     */
    public record Skipped(int line, String reason) {}

    /**
     * Imports every valid user of {@code source}. A line whose name is invalid, whose password is
     * empty, whose name (ignoring case) is on an earlier line, or whose user already exists is
     * skipped and reported in the result.
     *
     * @throws UserStoreException when {@code source} cannot be read, or the users file cannot be
     *                            read or written; users added before that stay added
     */
    public Result importFrom(Path source) throws UserStoreException {
        char[] text = readText(source);
        try {
            return importText(text);
        } finally {
            Arrays.fill(text, '\0');
        }
    }

    private Result importText(char[] text) throws UserStoreException {
        Map<String, String> existing = store.list().stream().collect(Collectors.toMap(UserNames::key, name -> name));
        Map<String, Integer> seen = new HashMap<>();
        List<Skipped> skipped = new ArrayList<>();
        int imported = 0;
        int number = 0;
        for (int start = 0; start < text.length; ) {
            int end = endOfLine(text, start);
            number++;
            Optional<Credentials> line = parseLine(text, start, end);
            start = end + 1;
            if (line.isEmpty()) {
                continue;
            }
            try {
                Optional<String> problem = problem(line.get(), number, seen, existing);
                if (problem.isPresent()) {
                    skipped.add(new Skipped(number, problem.get()));
                } else {
                    Optional<String> hash = line.get().hash();
                    if (hash.isPresent()) {
                        store.addHashed(line.get().name(), hash.get());
                    } else {
                        store.add(line.get().name(), line.get().password());
                    }
                    imported++;
                }
            } finally {
                line.get().wipe();
            }
        }
        return new Result(imported, skipped);
    }

    /** Why a line cannot be imported, or empty when it can; records its name as seen when it can. */
    private static Optional<String> problem(Credentials line, int number, Map<String, Integer> seen,
                                            Map<String, String> existing) {
        String name = line.name();
        Optional<String> invalid = UserNames.problem(name);
        if (invalid.isPresent()) {
            // Not the name itself: on a line with a mistyped separator, such as "alice;secret", it holds the password.
            return Optional.of("invalid name: " + invalid.get());
        }
        if (line.password().length == 0) {
            return Optional.of("empty password");
        }
        Integer first = seen.putIfAbsent(UserNames.key(name), number);
        if (first != null) {
            return Optional.of("'" + name + "' is already on line " + first);
        }
        String stored = existing.get(UserNames.key(name));
        if (stored != null) {
            return Optional.of(UserStoreException.alreadyExists(stored, name).getMessage());
        }
        return Optional.empty();
    }

    /**
     * The name and password on {@code text[start, end)}, or empty for a blank line or a comment.
     */
    private static Optional<Credentials> parseLine(char[] text, int start, int end) {
        int last = end > start && text[end - 1] == '\r' ? end - 1 : end;
        int nameStart = skipBlanks(text, start, last);
        if (nameStart == last || text[nameStart] == '#') {
            return Optional.empty();
        }
        int nameEnd = nameStart;
        while (nameEnd < last && text[nameEnd] != ':' && !Character.isWhitespace(text[nameEnd])) {
            nameEnd++;
        }
        int passwordStart = skipBlanks(text, nameEnd, last);
        if (passwordStart < last && text[passwordStart] == ':') {
            passwordStart++;
        }
        String name = new String(text, nameStart, nameEnd - nameStart);
        return Optional.of(new Credentials(name, Arrays.copyOfRange(text, passwordStart, last)));
    }

    private static int skipBlanks(char[] text, int from, int end) {
        int i = from;
        while (i < end && Character.isWhitespace(text[i])) {
            i++;
        }
        return i;
    }

    private static int endOfLine(char[] text, int start) {
        int i = start;
        while (i < text.length && text[i] != '\n') {
            i++;
        }
        return i;
    }

    /** The whole file as UTF-8 text, with the bytes wiped. */
    private static char[] readText(Path source) throws UserStoreException {
        byte[] bytes = null;
        CharBuffer chars = null;
        try {
            bytes = Files.readAllBytes(source);
            chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            char[] text = new char[chars.remaining()];
            chars.get(text);
            return text;
        } catch (CharacterCodingException e) {
            throw new UserStoreException("cannot read " + source + ": it is not UTF-8 text", e);
        } catch (IOException e) {
            throw UserStoreException.io("cannot read", source, e);
        } finally {
            if (bytes != null) {
                Arrays.fill(bytes, (byte) 0);
            }
            if (chars != null && chars.hasArray()) {
                Arrays.fill(chars.array(), '\0');
            }
        }
    }

    /** A name and a password read from one line. */
    private record Credentials(String name, char[] password) {
        private static final char[] HASH_START = "$pbkdf2-".toCharArray();

        /** The password when it is a loomftp hash, which is no secret; a password is never made a String. */
        Optional<String> hash() {
            if (password.length < HASH_START.length
                    || !Arrays.equals(password, 0, HASH_START.length, HASH_START, 0, HASH_START.length)) {
                return Optional.empty();
            }
            String text = new String(password);
            return PasswordHasher.isWellFormed(text) ? Optional.of(text) : Optional.empty();
        }

        void wipe() {
            Arrays.fill(password, '\0');
        }
    }
}
