package dev.loomftp.users;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordHasherTest {
    private static final String PASSLIB_FORMAT = "\\$pbkdf2-sha256\\$1000\\$[A-Za-z0-9./]{22}\\$[A-Za-z0-9./]{43}";

    private final PasswordHasher hasher = new PasswordHasher(1_000);

    @Test
    void verifiesTheRightPasswordOnly() {
        String hash = hasher.hash("correct horse".toCharArray());

        assertTrue(hasher.verify("correct horse".toCharArray(), hash));
        assertFalse(hasher.verify("correct horsf".toCharArray(), hash));
        assertFalse(hasher.verify(new char[0], hash));
    }

    @Test
    void saltsEveryHash() {
        char[] password = "same password".toCharArray();

        assertNotEquals(hasher.hash(password), hasher.hash(password));
    }

    @Test
    void writesPasslibFormatWithTheIterationCount() {
        String hash = hasher.hash("secret123".toCharArray());

        assertTrue(hash.matches(PASSLIB_FORMAT), hash);
    }

    @Test
    void defaultsToOwaspIterationCount() {
        String hash = new PasswordHasher().hash("secret123".toCharArray());

        assertTrue(hash.startsWith("$pbkdf2-sha256$600000$"), hash);
        assertEquals(600_000, PasswordHasher.DEFAULT_ITERATIONS);
    }

    @Test
    void rejectsTooFewIterations() {
        assertThrows(IllegalArgumentException.class, () -> new PasswordHasher(999));
    }

    @Test
    void verifiesWithTheIterationCountTheHashRecords() {
        String hash = new PasswordHasher(2_000).hash("secret123".toCharArray());

        assertTrue(hasher.verify("secret123".toCharArray(), hash));
    }

    /** RFC 7914 section 11: PBKDF2-HMAC-SHA256, P = "passwd", S = "salt", c = 1, dkLen = 64. */
    @Test
    void derivesTheRfc7914TestVector() {
        byte[] expected = HexFormat.of().parseHex(
                "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                        + "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");

        byte[] derived = Pbkdf2.derive("passwd".toCharArray(), bytes("salt"), 1, 64);

        assertArrayEquals(expected, derived);
    }

    /** The same vector through the encoded form: the first 32 bytes, salt and hash in adapted base64. */
    @Test
    void verifiesTheRfc7914TestVectorInPasslibFormat() {
        byte[] key = Arrays.copyOf(HexFormat.of().parseHex(
                "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"), 32);
        String encoded = "$pbkdf2-sha256$1$" + adaptedBase64(bytes("salt")) + "$" + adaptedBase64(key);

        assertTrue(hasher.verify("passwd".toCharArray(), encoded));
        assertFalse(hasher.verify("passwe".toCharArray(), encoded));
    }

    /** Known-correct hashes from passlib's own tests (passlib/tests/test_handlers_pbkdf2.py). */
    @Test
    void verifiesHashesMadeByPasslib() {
        assertTrue(hasher.verify("password".toCharArray(),
                "$pbkdf2-sha256$1212$4vjV83LKPjQzk31VI4E0Vw$hsYF68OiOUPdDZ1Fg.fJPeq1h/gXXY7acBp9/6c.tmQ"));
        assertTrue(hasher.verify("\u0399\u03c9\u03b1\u03bd\u03bd\u03b7\u03c2".toCharArray(),
                "$pbkdf2-sha256$1212$3SABFJGDtyhrQMVt1uABPw$WyaUoqCLgvz97s523nF4iuOqZNbp5Nt8do/cuaa7AiI"));
    }

    @Test
    void encodesAFixedSaltLikePasslib() {
        byte[] salt = bytes("0123456789abcdef");
        byte[] key = Pbkdf2.derive("p4ssword".toCharArray(), salt, 1_000, 32);

        String hash = hasher.hash("p4ssword".toCharArray(), salt);

        assertEquals("$pbkdf2-sha256$1000$" + adaptedBase64(salt) + "$" + adaptedBase64(key), hash);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {
        "",
        "password",
        "$pbkdf2-sha256$",
        "$pbkdf2-sha256$1212$4vjV83LKPjQzk31VI4E0Vw",
        "$pbkdf2-sha512$1212$4vjV83LKPjQzk31VI4E0Vw$hsYF68OiOUPdDZ1Fg.fJPeq1h/gXXY7acBp9/6c.tmQ",
        "$pbkdf2-sha256$01212$4vjV83LKPjQzk31VI4E0Vw$hsYF68OiOUPdDZ1Fg.fJPeq1h/gXXY7acBp9/6c.tmQ",
        "$pbkdf2-sha256$$4vjV83LKPjQzk31VI4E0Vw$hsYF68OiOUPdDZ1Fg.fJPeq1h/gXXY7acBp9/6c.tmQ",
        "$pbkdf2-sha256$0$4vjV83LKPjQzk31VI4E0Vw$hsYF68OiOUPdDZ1Fg.fJPeq1h/gXXY7acBp9/6c.tmQ",
        "$pbkdf2-sha256$9999999999$4vjV83LKPjQzk31VI4E0Vw$hsYF68OiOUPdDZ1Fg.fJPeq1h/gXXY7acBp9/6c.tmQ",
        "$pbkdf2-sha256$1212$4vjV83LKPjQzk31VI4E0Vw$hsYF68OiOUPdDZ1Fg.fJPeq1h/gXXY7acBp9/6c.tmQ$",
        "$pbkdf2-sha256$1212$4vjV83LKPjQzk31VI4E0Vw$hsYF68OiOUPdDZ1Fg.fJPeq1h/gXXY7acBp9/6c.tm",
        "$pbkdf2-sha256$1212$4vjV83LKPjQzk31VI4E0Vw$hsYF68OiOUPdDZ1Fg+fJPeq1h/gXXY7acBp9/6c.tmQ",
        "$pbkdf2-sha256$1212$4vjV83LKPjQzk31VI4E0Vw==$hsYF68OiOUPdDZ1Fg.fJPeq1h/gXXY7acBp9/6c.tmQ",
        "$pbkdf2-sha256$1212$4vjV8$hsYF68OiOUPdDZ1Fg.fJPeq1h/gXXY7acBp9/6c.tmQ",
    })
    void malformedHashesNeverMatch(String encoded) {
        assertFalse(hasher.verify("password".toCharArray(), encoded));
        assertFalse(PasswordHasher.isWellFormed(encoded));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String adaptedBase64(byte[] bytes) {
        return Base64.getEncoder().withoutPadding().encodeToString(bytes).replace('+', '.');
    }

    @Test
    void aHashIsCurrentWithAtLeastTheHashersIterations() {
        PasswordHasher hasher = new PasswordHasher(PasswordHasher.MIN_ITERATIONS * 2);
        char[] password = "a password".toCharArray();
        assertTrue(hasher.isCurrent(hasher.hash(password)));
        assertTrue(hasher.isCurrent(new PasswordHasher(PasswordHasher.MIN_ITERATIONS * 3).hash(password)));
        assertFalse(hasher.isCurrent(new PasswordHasher(PasswordHasher.MIN_ITERATIONS).hash(password)));
        assertFalse(hasher.isCurrent("not a hash"));
        assertFalse(hasher.isCurrent(null));
    }
}
