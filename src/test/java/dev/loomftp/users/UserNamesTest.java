package dev.loomftp.users;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UserNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"alice", "A", "7", "bob.smith", "x_y-z", "0123456789abcdefghijABCDEFGHIJ.-", "Publix", "public1"})
    void acceptsValidNames(String name) {
        assertTrue(UserNames.isValid(name));
        assertDoesNotThrow(() -> UserNames.check(name));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                                    | it is empty",
        "0123456789abcdefghijABCDEFGHIJ.-x     | it is longer than 32 characters",
        ".hidden                               | it must start with a letter or digit",
        "-rf                                   | it must start with a letter or digit",
        "_x                                    | it must start with a letter or digit",
        "x y                                   | only letters, digits, '.', '_' and '-' are allowed",
        "a/b                                   | only letters, digits, '.', '_' and '-' are allowed",
        "a:b                                   | only letters, digits, '.', '_' and '-' are allowed",
        "ålice                                 | it must start with a letter or digit",
        "bjørn                                 | only letters, digits, '.', '_' and '-' are allowed",
        "Public                                | it is the name of the shared Public folder",
        "PUBLIC                                | it is the name of the shared Public folder",
        "public                                | it is the name of the shared Public folder",
    })
    void rejectsInvalidNamesNamingTheRule(String name, String rule) {
        assertFalse(UserNames.isValid(name));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UserNames.check(name));

        assertEquals("invalid user name '" + name + "': " + rule, e.getMessage());
    }

    @Test
    void rejectsNull() {
        assertFalse(UserNames.isValid(null));
        assertThrows(IllegalArgumentException.class, () -> UserNames.check(null));
    }

    @ParameterizedTest
    @CsvSource({"bob, bob", "Bob, bob", "BOB, bob", "bOb.Smith-X_9, bob.smith-x_9", "ZAZ, zaz", "@[`{, @[`{"})
    void theKeyOfANameHasItsAsciiLettersInLowerCase(String name, String key) {
        assertEquals(key, UserNames.key(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "\u212Aate",  // KELVIN SIGN, which String.equalsIgnoreCase takes for k
        "\u0130da",   // LATIN CAPITAL LETTER I WITH DOT ABOVE, which Unicode lower-cases to i and a dot
        "\uFF42ob",   // FULLWIDTH LATIN SMALL LETTER B
    })
    void lookAlikesOfValidNamesAreNoneOfThem(String lookAlike) {
        assertFalse(UserNames.isValid(lookAlike));
        for (String name : java.util.List.of("kate", "ida", "bob")) {
            assertFalse(UserNames.key(lookAlike).equals(UserNames.key(name)), lookAlike + " matched " + name);
        }
    }

    @Test
    void showsNamesSafelyInMessages() {
        assertEquals("a?[31mb", UserNames.shown("a\u001b[31mb"));
        assertEquals("x".repeat(40) + "...", UserNames.shown("x".repeat(100)));
    }
}
