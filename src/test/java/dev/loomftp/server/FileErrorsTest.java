package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the log says of an error: words, never a Java class name or a real path. */
class FileErrorsTest {

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of(new SocketException("Connection reset"), "Connection reset"),
                Arguments.of(new IOException("Broken pipe"), "Broken pipe"),
                Arguments.of(new SSLHandshakeException("javax.net.ssl.SSLHandshakeException: PKIX path building "
                        + "failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find "
                        + "valid certification path"), "PKIX path building failed: unable to find valid certification path"),
                Arguments.of(new NoSuchFileException("/srv/ftp-data/alice/secret.txt"), "no such file or folder"),
                Arguments.of(new AccessDeniedException("/srv/ftp-data/alice", null, "Permission denied"),
                        "Permission denied"),
                Arguments.of(new FileSystemException("/srv/ftp-data/alice/big.bin", null, "No space left on device"),
                        "No space left on device"),
                Arguments.of(new EOFException(), "the data ended early"),
                Arguments.of(new IOException(new IllegalStateException("x")), "x"),
                Arguments.of(new IOException(), "input/output error"));
    }

    @ParameterizedTest
    @MethodSource("errors")
    void reasonsAreWords(IOException error, String expected) {
        String reason = FileErrors.reason(error);
        assertEquals(expected, reason);
        assertFalse(reason.matches("(?s).*(Exception|java\\.|javax\\.|sun\\.|/srv).*"), reason);
    }
}
