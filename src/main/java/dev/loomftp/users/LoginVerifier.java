package dev.loomftp.users;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;

/**
 * Checks a password against a stored hash: from the {@link VerifiedLogins} when the same password
 * was verified lately, otherwise by a PBKDF2 run, of which at most {@code maxHashing} go at once.
 *
 * <p>Why a bound, and why the number of cores by default: PBKDF2 is pure CPU work that never
 * blocks, so a virtual thread running one holds its carrier thread for the whole run (about 0.15 s
 * at 600,000 iterations), and the scheduler has as many carriers as cores. More runs at once than
 * cores would not finish sooner, they would only share the cores, keep every carrier busy longer,
 * and leave transfers waiting for a carrier. Waiting for a permit parks the session's virtual
 * thread, which frees its carrier. The semaphore is fair, so the logins of a storm are served in
 * the order they came.
 *
 * <p>Timing: a wrong password for a known user and any password for an unknown user take the
 * same path, an HMAC, a wait for a permit, an HMAC and a full PBKDF2 run ({@link PasswordHasher#burn}
 * for the unknown one), so the time does not tell whether a name exists. Only the right password,
 * verified before, is fast; whoever has it learns nothing new. Failures never touch the cache.
 *
 * <p>Safe to use from many threads at once.
 */
public final class LoginVerifier {
    /** Hashed in place of a stored hash for a user who does not exist; it is never remembered. */
    private static final String NO_HASH = "";

    private final PasswordHasher hasher;
    private final VerifiedLogins verified;
    private final Semaphore permits;
    private final LongAdder hashes = new LongAdder();

    /**
     * @param hasher     the PBKDF2 hasher
     * @param verified   the cache of verified logins
     * @param maxHashing the most PBKDF2 runs at once, at least 1
     */
    LoginVerifier(PasswordHasher hasher, VerifiedLogins verified, int maxHashing) {
        if (maxHashing < 1) {
            throw new IllegalArgumentException("at least one hash at a time, not " + maxHashing);
        }
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.verified = Objects.requireNonNull(verified, "verified");
        this.permits = new Semaphore(maxHashing, true);
    }

    /**
     * A verifier that keeps the verified logins of up to {@code passwordCache} users and runs at
     * most one PBKDF2 a core at once.
     */
    public static LoginVerifier create(PasswordHasher hasher, int passwordCache) {
        return new LoginVerifier(hasher, new VerifiedLogins(passwordCache), defaultMaxHashing());
    }

    /** The default bound on PBKDF2 runs at once: one for each core the runtime sees. */
    static int defaultMaxHashing() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * Whether {@code password} matches {@code stored}, the hash of the user whose name key is
     * {@code nameKey}; when {@code stored} is empty (no such user), false after the same work.
     *
     * @throws InterruptedException when interrupted while waiting for a permit
     */
    public boolean check(String nameKey, Optional<String> stored, char[] password) throws InterruptedException {
        String hash = stored.orElse(NO_HASH);
        if (verified.holds(nameKey, hash, password) && stored.isPresent()) {
            return true;
        }
        permits.acquire();
        try {
            // Another login of this user may have verified the same password while this one waited:
            // in a storm of one user's logins, only the first few pay for a PBKDF2 run.
            if (verified.holds(nameKey, hash, password) && stored.isPresent()) {
                return true;
            }
            hashes.increment();
            if (stored.isEmpty()) {
                hasher.burn(password);
                return false;
            }
            boolean right = hasher.verify(password, hash);
            if (right) {
                verified.remember(nameKey, hash, password);
            }
            return right;
        } finally {
            permits.release();
        }
    }

    /**
     * A new hash of {@code password} at the hasher's current cost, made under a permit like any
     * verification, so that upgrading the hashes of a storm of logins is bounded too.
     *
     * @throws InterruptedException when interrupted while waiting for a permit
     */
    public String rehash(char[] password) throws InterruptedException {
        permits.acquire();
        try {
            hashes.increment();
            return hasher.hash(password);
        } finally {
            permits.release();
        }
    }

    /** Forgets every verified login, as when the users file changed. */
    public void forget() {
        verified.clear();
    }

    /** The semaphore, for tests that hold its permits. */
    Semaphore permitsForTest() {
        return permits;
    }

    /** The PBKDF2 runs (verifications and burns) so far. */
    public long hashes() {
        return hashes.sum();
    }
}
