package dev.loomftp.users;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Salted password hashes with PBKDF2-HMAC-SHA256, written in the format of Python's passlib
 * ({@code passlib.hash.pbkdf2_sha256}), so that other tools can read and write the users file:
 *
 * <pre>{@code $pbkdf2-sha256$<iterations>$<salt>$<hash>}</pre>
 *
 * <p>The salt (16 random bytes from {@link SecureRandom}) and the hash (32 bytes) are in passlib's
 * "adapted base64": the standard base64 alphabet with '.' in place of '+', and no '=' padding.
 *
 * <p>The default cost, {@value #DEFAULT_ITERATIONS} iterations, is the figure the
 * <a href="https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html">OWASP
 * Password Storage Cheat Sheet</a> gives for PBKDF2-HMAC-SHA256. A hash records its own iteration
 * count, so raising the default later leaves existing hashes valid.
 *
 * <p>Instances are immutable and safe to share between threads. Derived keys are wiped after use;
 * the caller owns the password array and should wipe it when done.
 */
public final class PasswordHasher {
    /** The iterations of a new hash unless told otherwise, per OWASP's Password Storage Cheat Sheet. */
    public static final int DEFAULT_ITERATIONS = 600_000;
    /** The fewest iterations a hasher accepts for new hashes; low counts are meant for tests only. */
    public static final int MIN_ITERATIONS = 1_000;

    private static final String PREFIX = "$pbkdf2-sha256$";
    private static final Pattern ENCODED =
            Pattern.compile("\\$pbkdf2-sha256\\$([1-9][0-9]{0,9})\\$([A-Za-z0-9./]{2,1366})\\$([A-Za-z0-9./]{43})");
    private static final int SALT_BYTES = 16;
    private static final int KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Enough calls of the hash's inner methods for the JIT's last tier to compile them. */
    private static final int WARM_UP_ITERATIONS = 40_000;

    private final int iterations;
    private final byte[] burnSalt = randomSalt();

    /** A hasher whose new hashes cost {@value #DEFAULT_ITERATIONS} iterations. */
    public PasswordHasher() {
        this(DEFAULT_ITERATIONS);
    }

    /**
     * A hasher whose new hashes cost {@code iterations}. Anything below the default is for tests.
     *
     * @throws IllegalArgumentException when {@code iterations} is below {@value #MIN_ITERATIONS}
     */
    public PasswordHasher(int iterations) {
        if (iterations < MIN_ITERATIONS) {
            throw new IllegalArgumentException("at least " + MIN_ITERATIONS + " iterations, not " + iterations);
        }
        this.iterations = iterations;
    }

    /** Hashes {@code password} with a new random salt, in passlib's {@code $pbkdf2-sha256$} format. */
    public String hash(char[] password) {
        return hash(password, randomSalt());
    }

    /**
     * Checks {@code password} against a hash made by {@link #hash} or by passlib, with the iteration
     * count the hash records. The comparison takes the same time wherever the bytes differ.
     *
     * @return whether the password matches; false, never an exception, when {@code encoded} is
     *         null or not a well-formed {@code $pbkdf2-sha256$} hash
     */
    public boolean verify(char[] password, String encoded) {
        Optional<Encoded> parsed = parse(encoded);
        if (parsed.isEmpty()) {
            return false;
        }
        Encoded hash = parsed.get();
        byte[] key = Pbkdf2.derive(password, hash.salt(), hash.iterations(), hash.key().length);
        try {
            return MessageDigest.isEqual(key, hash.key());
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * Does the work of a {@link #verify} against a hash of this hasher's cost, and throws the result
     * away. Call it for a user name that does not exist, so that a failed login takes as long
     * whether or not the name exists.
     */
    public void burn(char[] password) {
        byte[] key = Pbkdf2.derive(password, burnSalt, iterations, KEY_BYTES);
        byte[] other = new byte[KEY_BYTES];
        MessageDigest.isEqual(key, other);
        Arrays.fill(key, (byte) 0);
    }

    /**
     * Runs a short PBKDF2 so that the JIT compiles the hash's code before the first login needs
     * it. Cold, a first check of 600,000 iterations runs partly in the interpreter and took 0.4 to
     * 0.5 s here, against 0.2 s after a warm-up; {@code loomftp serve} calls this as it starts, on
     * another core. It never costs more than one hash of this hasher's own cost.
     */
    public void warmUp() {
        int rounds = Math.min(WARM_UP_ITERATIONS, iterations);
        Arrays.fill(Pbkdf2.derive("warm-up".toCharArray(), burnSalt, rounds, KEY_BYTES), (byte) 0);
    }

    /**
     * Whether {@code encoded} is as strong as the hashes this hasher makes now: a well-formed hash
     * with at least as many iterations. One that is not is made again at the user's next login.
     */
    public boolean isCurrent(String encoded) {
        return parse(encoded).map(hash -> hash.iterations() >= iterations).orElse(false);
    }

    /** Whether {@code encoded} has the form of a hash this class can verify. */
    public static boolean isWellFormed(String encoded) {
        return parse(encoded).isPresent();
    }

    /** {@link #hash(char[])} with a given salt, for known-answer tests. */
    String hash(char[] password, byte[] salt) {
        byte[] key = Pbkdf2.derive(password, salt, iterations, KEY_BYTES);
        try {
            return PREFIX + iterations + "$" + encodeBase64(salt) + "$" + encodeBase64(key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private static Optional<Encoded> parse(String encoded) {
        if (encoded == null) {
            return Optional.empty();
        }
        Matcher matcher = ENCODED.matcher(encoded);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        try {
            int iterations = Integer.parseInt(matcher.group(1));
            return Optional.of(new Encoded(iterations, decodeBase64(matcher.group(2)), decodeBase64(matcher.group(3))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static byte[] randomSalt() {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return salt;
    }

    private static String encodeBase64(byte[] bytes) {
        return Base64.getEncoder().withoutPadding().encodeToString(bytes).replace('+', '.');
    }

    private static byte[] decodeBase64(String text) {
        return Base64.getDecoder().decode(text.replace('.', '+'));
    }

    /** The parts of an encoded hash. */
    private record Encoded(int iterations, byte[] salt, byte[] key) {}
}
