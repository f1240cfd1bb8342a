package dev.loomftp.storage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The names of the files an upload writes before it is complete. All start with
 * {@value #RESERVED}, which no client may use: such names are never listed, and a path that holds
 * one is refused ({@link VirtualPath#resolve}). Their length is fixed, so a target of the longest
 * name a file system allows still has one.
 */
public final class UploadNames {
    /** The start of every name loomftp keeps to itself. */
    public static final String RESERVED = ".loomftp-";
    /** An {@link UploadPolicy#ATOMIC} upload in progress: removed at the next start if left by a crash. */
    public static final String TEMPORARY = RESERVED + "upload-";
    /** A cut {@link UploadPolicy#ATOMIC_RESUMABLE} upload, kept to be continued. */
    public static final String PARTIAL = RESERVED + "partial-";
    private static final int HEX_DIGITS = 32;

    private UploadNames() {}

    /** Whether clients may not see or use {@code name}. */
    public static boolean isReserved(String name) {
        return name.startsWith(RESERVED);
    }

    /** A new name for a temporary upload file, unlike any other. */
    static String temporary() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return TEMPORARY + HexFormat.of().toHexDigits(random.nextLong()) + HexFormat.of().toHexDigits(random.nextLong());
    }

    /** The name of the kept upload of {@code target}, always the same for one target name. */
    static String partialOf(String target) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(target.getBytes(StandardCharsets.UTF_8));
            return PARTIAL + HexFormat.of().formatHex(digest).substring(0, HEX_DIGITS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
