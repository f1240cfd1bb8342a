package dev.loomftp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

/** The JDK's errors in a user's words: what happened, never a Java class name. */
class ErrorTextTest {
    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of(new SSLHandshakeException("(certificate_unknown) PKIX path building failed: "
                        + "sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid "
                        + "certification path to requested target"),
                        "(certificate_unknown) PKIX path building failed: unable to find valid certification path "
                                + "to requested target"),
                Arguments.of(new IOException(new SocketException("Connection reset")), "Connection reset"),
                Arguments.of(new IOException(new IllegalStateException()), "input or output failed"),
                Arguments.of(new EOFException(), "the connection ended early"),
                Arguments.of(new NoSuchFileException("/tmp/a/x.part"), "no such file or folder: /tmp/a/x.part"),
                Arguments.of(new AccessDeniedException("/srv/x.part"), "permission denied: /srv/x.part"),
                Arguments.of(new FileSystemException("/srv/x", null, "No space left on device"),
                        "/srv/x: No space left on device"),
                Arguments.of(new IOException("the server closed the connection"), "the server closed the connection"));
    }

    @ParameterizedTest
    @MethodSource("errors")
    void saysWhatHappenedWithoutJavaNames(Throwable error, String words) {
        assertEquals(words, ErrorText.of(error));
    }
}
