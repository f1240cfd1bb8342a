package dev.loomftp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The user's home as curl, lftp and ftp find it: HOME first, the password database's after. */
class IoTest {
    private static final Path FROM_PASSWORD_DATABASE = Path.of(System.getProperty("user.home"));

    @Test
    void homeIsTheHomeVariable() {
        assertEquals(Path.of("/srv/elsewhere"), io(Map.of("HOME", "/srv/elsewhere")).home());
    }

    @Test
    void anEmptyOrMissingHomeVariableFallsBackToTheJdksHome() {
        assertEquals(FROM_PASSWORD_DATABASE, io(Map.of("HOME", "")).home());
        assertEquals(FROM_PASSWORD_DATABASE, io(Map.of()).home());
    }

    private static Io io(Map<String, String> environment) {
        PrintStream nowhere = new PrintStream(new ByteArrayOutputStream());
        return new Io(new ByteArrayInputStream(new byte[0]), nowhere, nowhere, null, environment, null);
    }
}
