package dev.loomftp.users;

import java.util.Optional;

/**
 * The rules for user names. A name is also the name of the user's home folder, so it is kept to
 * characters that are safe in a path on every file system: 1 to {@value #MAX_LENGTH} ASCII
 * letters, digits, '.', '_' and '-', starting with a letter or digit. "Public" (in any case) is
 * not a user name, because every home folder sits beside the shared Public folder.
 *
 * <p>Names ignore case: {@code Bob}, {@code bob} and {@code BOB} are one user, who keeps the
 * spelling the users file has. That spelling names the home folder, whatever case was typed at
 * login. Unix matches login names exactly, but loomftp's users are not system accounts, and
 * their names are folder names: on the file systems that ignore case (Windows, macOS by default)
 * two names that differ in case would share one home, so exact names could not give them two.
 * Users type names in any case, and FTP servers on Windows, such as IIS, take them so. The
 * password stays exact, so nothing is weaker: the case of a name was never a secret. Only ASCII
 * letters fold, since no other letter is allowed: a look-alike such as the Kelvin sign (U+212A),
 * which {@link String#equalsIgnoreCase} takes for "k", matches no user.
 */
public final class UserNames {
    /** The longest name allowed. */
    public static final int MAX_LENGTH = 32;

    private static final String SHARED_FOLDER = "Public";
    private static final int SHOWN_LENGTH = 40;

    private UserNames() {}

    /**
     * Checks a name against the rules.
     *
     * @throws IllegalArgumentException naming the rule that is broken
     */
    public static void check(String name) {
        Optional<String> problem = problem(name);
        if (problem.isPresent()) {
            throw new IllegalArgumentException("invalid user name '" + shown(name) + "': " + problem.get());
        }
    }

    /**
     * What identifies the user {@code name} names: the name with its ASCII letters in lower case.
     * Two names are the same user exactly when their keys are equal. Any text has a key; that of
     * an invalid name is never the key of a valid one.
     */
    public static String key(String name) {
        char[] folded = name.toCharArray();
        for (int i = 0; i < folded.length; i++) {
            if (folded[i] >= 'A' && folded[i] <= 'Z') {
                folded[i] = (char) (folded[i] + ('a' - 'A'));
            }
        }
        return new String(folded);
    }

    /** Whether {@code name} follows the rules. */
    public static boolean isValid(String name) {
        return problem(name).isEmpty();
    }

    /** The rule that {@code name} breaks, in a few words, or empty when it is valid. */
    static Optional<String> problem(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of("it is empty");
        }
        if (name.length() > MAX_LENGTH) {
            return Optional.of("it is longer than " + MAX_LENGTH + " characters");
        }
        if (!isLetterOrDigit(name.charAt(0))) {
            return Optional.of("it must start with a letter or digit");
        }
        if (!name.chars().allMatch(UserNames::isAllowed)) {
            return Optional.of("only letters, digits, '.', '_' and '-' are allowed");
        }
        if (name.equalsIgnoreCase(SHARED_FOLDER)) {
            return Optional.of("it is the name of the shared Public folder");
        }
        return Optional.empty();
    }

    /**
     * A name made safe to print in a message: control characters become '?' and a long name is
     * cut short, so that a hostile input file cannot garble the operator's terminal.
     */
    static String shown(String name) {
        if (name == null) {
            return "";
        }
        String cut = name.length() > SHOWN_LENGTH ? name.substring(0, SHOWN_LENGTH) + "..." : name;
        StringBuilder text = new StringBuilder(cut.length());
        cut.codePoints().forEach(c -> text.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return text.toString();
    }

    private static boolean isLetterOrDigit(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    private static boolean isAllowed(int c) {
        return isLetterOrDigit(c) || c == '.' || c == '_' || c == '-';
    }
}
