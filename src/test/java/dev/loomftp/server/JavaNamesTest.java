package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The check every client run goes through finds the Java words that used to reach users, and passes plain ones. */
class JavaNamesTest {
    @ParameterizedTest
    @ValueSource(strings = {
        "TLS failed: (certificate_unknown) PKIX path building failed: sun.security.provider.certpath.X: no",
        "unexpected error (please report it): java.lang.IllegalStateException: x",
        "failed: SocketException: Connection reset",
        "Exception in thread main",
        "StackOverflowError",
        "\tat dev.loomftp.cli.Main.run(Main.java:60)"})
    void findsJavasWords(String text) {
        assertTrue(JavaNames.in(text).isPresent(), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "loomftp client: RETR refused: 550 No such file.",
        "loomftp client: no such file or folder: /tmp/x.part",
        "loomftp client: an error in the transfer: the data connection moved nothing for 1 s"})
    void passesPlainWords(String text) {
        assertEquals(Optional.empty(), JavaNames.in(text));
    }
}
