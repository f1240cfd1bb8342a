package dev.loomftp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.config.Config.Level;
import dev.loomftp.config.Config.Logging;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoggingSetupTest {
    private static final Map<String, String> CONSOLE_ONLY = Map.of(
            "level", "warn",
            "level@com.zaxxer.hikari", "error",
            "writingthread", "false",
            "autoshutdown", "false",
            "writer1", "console",
            "writer1.stream", "err",
            "writer1.format", LoggingSetup.FORMAT);

    @TempDir
    Path dir;

    @Test
    void withoutAFileEverythingGoesToStandardErrorOnly() {
        assertEquals(CONSOLE_ONLY, LoggingSetup.properties(new Logging(Level.WARN, null)));
    }

    @Test
    void withAFileASecondWriterAppendsUnbufferedUtf8ToIt() {
        Path file = dir.resolve("logs/loomftp.log");

        Map<String, String> properties = LoggingSetup.properties(new Logging(Level.WARN, file));

        assertTrue(properties.entrySet().containsAll(CONSOLE_ONLY.entrySet()), properties::toString);
        assertEquals(Map.of(
                "writer2", "file",
                "writer2.file", file.toString(),
                "writer2.append", "true",
                "writer2.buffered", "false",
                "writer2.charset", "UTF-8",
                "writer2.format", LoggingSetup.FORMAT), withoutKeys(properties, CONSOLE_ONLY.keySet()));
    }

    @Test
    void levelIsWrittenInLowerCase() {
        for (Level level : Level.values()) {
            String expected = level.name().toLowerCase(Locale.ROOT);
            assertEquals(expected, LoggingSetup.properties(new Logging(level, null)).get("level"));
        }
    }

    @Test
    void everyLineCarriesTimeLevelThreadAndMessage() {
        assertEquals("{date: yyyy-MM-dd HH:mm:ss.SSS} {level} [{thread}] {message}", LoggingSetup.FORMAT);
    }

    private static Map<String, String> withoutKeys(Map<String, String> properties, Set<String> keys) {
        Map<String, String> rest = new HashMap<>(properties);
        keys.forEach(rest::remove);
        return rest;
    }
}
