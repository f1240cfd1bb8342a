package dev.loomftp.users;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The logins verified lately, so that a user who logs in again with the same password costs an
 * HMAC-SHA256 (microseconds) rather than a PBKDF2 run (hundreds of milliseconds). This is what
 * SFTPGo's {@code password_caching} does.
 *
 * <p>Only a keyed digest is kept: HMAC-SHA256, under a random key made when this object is made
 * (at server start, never stored), of the user's name key, the stored hash and the password. No
 * password is kept, and a memory dump without the key cannot be used to test guesses any faster
 * than the users file can. Since the stored hash is part of the digest, a changed password (a new
 * hash, with a new salt) misses by itself; the owner also {@link #clear}s all when the users file
 * changes. There is one entry a user: the password last verified for them.
 *
 * <p>Only a successful verification {@link #remember}s; a failed login never touches the entries.
 * {@link #holds} costs the same HMAC whether or not the user has an entry, and compares digests in
 * constant time.
 *
 * <p>At most {@code capacity} users are kept; past it, the one who logged in least lately is
 * dropped (LRU). An entry takes about 200 bytes (the name key, a 32-byte digest, the map entry).
 * Capacity 0 turns the cache off. Safe to use from many threads: the map is behind a lock held
 * only for a map operation, never while hashing.
 */
final class VerifiedLogins {
    /**
     * The default bound: a users file of up to 10,000 users is covered whole, at most about 2 MB.
     * Entries are only made by successful logins, so an attacker cannot grow it; the bound is there
     * so that a large users file does not mean an unbounded map.
     */
    static final int DEFAULT_CAPACITY = 10_000;

    private static final String ALGORITHM = "HmacSHA256";
    private static final int KEY_BYTES = 32;

    private final int capacity;
    private final SecretKeySpec key;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, byte[]> digests;

    /** @param capacity the most users kept, 0 for none (off) */
    VerifiedLogins(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be 0 or more, not " + capacity);
        }
        this.capacity = capacity;
        byte[] random = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(random);
        this.key = new SecretKeySpec(random, ALGORITHM);
        Arrays.fill(random, (byte) 0);
        this.digests = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
                return size() > VerifiedLogins.this.capacity;
            }
        };
    }

    /** Whether the cache is on. */
    boolean enabled() {
        return capacity > 0;
    }

    /**
     * Whether {@code password} was verified lately against {@code storedHash} for the user whose
     * {@link UserNames#key} is {@code nameKey}.
     */
    boolean holds(String nameKey, String storedHash, char[] password) {
        if (!enabled()) {
            return false;
        }
        byte[] digest = digest(nameKey, storedHash, password);
        byte[] known;
        lock.lock();
        try {
            known = digests.get(nameKey);
        } finally {
            lock.unlock();
        }
        return MessageDigest.isEqual(digest, known);
    }

    /** Records that {@code password} was just verified against {@code storedHash}. Call on success only. */
    void remember(String nameKey, String storedHash, char[] password) {
        if (!enabled()) {
            return;
        }
        byte[] digest = digest(nameKey, storedHash, password);
        lock.lock();
        try {
            digests.put(nameKey, digest);
        } finally {
            lock.unlock();
        }
    }

    /** Forgets every login, as when the users file changed. */
    void clear() {
        lock.lock();
        try {
            digests.clear();
        } finally {
            lock.unlock();
        }
    }

    /** How many users are kept. */
    int size() {
        lock.lock();
        try {
            return digests.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * HMAC of the name key, a NUL, the stored hash, a NUL and the password's UTF-16 code units. Neither
     * a name nor a hash holds a NUL, and the password comes last as two bytes a char, so no two
     * different inputs give the same message.
     */
    private byte[] digest(String nameKey, String storedHash, char[] password) {
        byte[] chars = new byte[password.length * 2];
        try {
            for (int i = 0; i < password.length; i++) {
                chars[2 * i] = (byte) (password[i] >> 8);
                chars[2 * i + 1] = (byte) password[i];
            }
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            mac.update(nameKey.getBytes(UTF_8));
            mac.update((byte) 0);
            mac.update(storedHash.getBytes(UTF_8));
            mac.update((byte) 0);
            return mac.doFinal(chars);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime cannot compute " + ALGORITHM, e);
        } finally {
            Arrays.fill(chars, (byte) 0);
        }
    }
}
