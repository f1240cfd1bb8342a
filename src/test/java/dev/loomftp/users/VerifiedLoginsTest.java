package dev.loomftp.users;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VerifiedLoginsTest {
    private static final String HASH = "$pbkdf2-sha256$1000$c2FsdA$aGFzaA";

    @Test
    void holdsOnlyWhatWasRememberedForThatNameHashAndPassword() {
        VerifiedLogins logins = new VerifiedLogins(10);
        logins.remember("alice", HASH, "secret".toCharArray());

        assertTrue(logins.holds("alice", HASH, "secret".toCharArray()));
        assertFalse(logins.holds("alice", HASH, "Secret".toCharArray()));
        assertFalse(logins.holds("alice", HASH + "x", "secret".toCharArray()), "another stored hash misses");
        assertFalse(logins.holds("bob", HASH, "secret".toCharArray()));
        assertFalse(logins.holds("alice", HASH, "secret\0".toCharArray()));
    }

    @Test
    void passwordsThatUtf8WouldMergeStayApart() {
        VerifiedLogins logins = new VerifiedLogins(10);
        logins.remember("alice", HASH, "?".toCharArray());

        assertFalse(logins.holds("alice", HASH, "\uD800".toCharArray()), "a lone surrogate is not '?'");
    }

    @Test
    void eachProcessHasItsOwnKey() {
        VerifiedLogins one = new VerifiedLogins(10);
        one.remember("alice", HASH, "secret".toCharArray());

        assertFalse(new VerifiedLogins(10).holds("alice", HASH, "secret".toCharArray()));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 50})
    void keepsNoMoreUsersThanItsCapacity(int capacity) {
        VerifiedLogins logins = new VerifiedLogins(capacity);

        for (int i = 0; i < capacity * 3; i++) {
            logins.remember("user" + i, HASH, "secret".toCharArray());
        }

        assertEquals(capacity, logins.size());
        assertTrue(logins.holds("user" + (capacity * 3 - 1), HASH, "secret".toCharArray()), "the latest stays");
        assertFalse(logins.holds("user0", HASH, "secret".toCharArray()), "the oldest went");
    }

    @Test
    void oneEntryAUserHoldsTheLatestPassword() {
        VerifiedLogins logins = new VerifiedLogins(10);
        logins.remember("alice", HASH, "old".toCharArray());
        logins.remember("alice", HASH + "new", "new".toCharArray());

        assertEquals(1, logins.size());
        assertFalse(logins.holds("alice", HASH, "old".toCharArray()));
        assertTrue(logins.holds("alice", HASH + "new", "new".toCharArray()));
    }

    @Test
    void clearForgetsAll() {
        VerifiedLogins logins = new VerifiedLogins(10);
        logins.remember("alice", HASH, "secret".toCharArray());

        logins.clear();

        assertEquals(0, logins.size());
        assertFalse(logins.holds("alice", HASH, "secret".toCharArray()));
    }

    @Test
    void capacityZeroIsOff() {
        VerifiedLogins logins = new VerifiedLogins(0);
        logins.remember("alice", HASH, "secret".toCharArray());

        assertFalse(logins.enabled());
        assertEquals(0, logins.size());
        assertFalse(logins.holds("alice", HASH, "secret".toCharArray()));
        assertThrows(IllegalArgumentException.class, () -> new VerifiedLogins(-1));
    }
}
