package dev.loomftp.users;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.Test;

class Pbkdf2Test {
    /** RFC 7914 section 11, the second PBKDF2-HMAC-SHA256 vector: 80,000 iterations, two blocks. */
    @Test
    void derivesTheRfc7914VectorOfManyIterations() {
        byte[] expected = HexFormat.of().parseHex(
                "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
                        + "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");

        assertArrayEquals(expected, Pbkdf2.derive("Password".toCharArray(), "NaCl".getBytes(), 80_000, 64));
    }

    /**
     * The JDK's own PBKDF2 as the reference, over passwords from empty to longer than a SHA-256
     * block (which HMAC hashes first), non-ASCII ones and an unpaired surrogate (which UTF-8
     * encoding replaces), salts of many lengths, and keys that end inside a block.
     */
    @Test
    void equalsTheJdksPbkdf2ForManyPasswordsSaltsAndLengths() throws GeneralSecurityException {
        Random random = new Random(20261206);
        SecretKeyFactory jdk = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
        String alphabet = "abcXYZ019 !$:\u00e9\u00df\u03a9\u4e2d\ud83d\ude00\ud800";
        for (int round = 0; round < 300; round++) {
            char[] password = new char[1 + random.nextInt(round % 3 == 0 ? 150 : 20)];
            for (int i = 0; i < password.length; i++) {
                password[i] = alphabet.charAt(random.nextInt(alphabet.length()));
            }
            byte[] salt = new byte[1 + random.nextInt(80)];
            random.nextBytes(salt);
            int iterations = 1 + random.nextInt(40);
            int length = 1 + random.nextInt(100);

            byte[] expected = jdk.generateSecret(new PBEKeySpec(password, salt, iterations, length * 8)).getEncoded();

            assertArrayEquals(expected, Pbkdf2.derive(password, salt, iterations, length),
                    () -> "password " + new String(password) + ", " + iterations + " iterations, " + length + " bytes");
        }
    }

    @Test
    void refusesNoIterationsAndNoLength() {
        assertThrows(IllegalArgumentException.class, () -> Pbkdf2.derive("p".toCharArray(), new byte[8], 0, 32));
        assertThrows(IllegalArgumentException.class, () -> Pbkdf2.derive("p".toCharArray(), new byte[8], 1, 0));
    }
}
