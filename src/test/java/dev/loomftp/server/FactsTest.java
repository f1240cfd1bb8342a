package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loomftp.storage.FileEntry;
import dev.loomftp.storage.Permission;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The facts written by hand must read as the formatters they replaced wrote them. */
class FactsTest {

    @Test
    void timeIsWhatTheFormatterWrites() {
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(-40_000_000_000L, 300_000_000_000L),
                    random.nextInt(1_000_000_000));
            assertEquals(Facts.TIME.format(instant), Facts.time(instant), instant.toString());
        }
        for (String edge : new String[] {"1970-01-01T00:00:00Z", "0999-12-31T23:59:59Z", "1000-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999Z", "+10000-01-01T00:00:00Z", "2024-02-29T12:34:56Z"}) {
            Instant instant = Instant.parse(edge);
            assertEquals(Facts.TIME.format(instant), Facts.time(instant), edge);
        }
    }

    @Test
    void modeIsThreeOctalDigitsAfterAZero() {
        for (int mode = 0; mode <= 07777; mode++) {
            assertEquals(String.format("0%03o", mode), Facts.mode(mode));
        }
    }

    @Test
    void theWriterOfManyLinesWritesWhatLineWrites() {
        Instant time = Instant.parse("2025-03-08T09:15:42.5Z");
        List<FileEntry> entries = List.of(
                new FileEntry("a.txt", FileEntry.Kind.FILE, 12, time, 0644, "803U12"),
                new FileEntry("b.txt", FileEntry.Kind.FILE, 0, time.plusMillis(200), 0600, "803U13"),
                new FileEntry("docs", FileEntry.Kind.DIRECTORY, 4096, time.plusSeconds(1), 0755, "803U14"),
                new FileEntry("fifo", FileEntry.Kind.OTHER, 0, time.minusSeconds(86_400), 0640),
                new FileEntry("c d.txt", FileEntry.Kind.FILE, 5, time.plusSeconds(1), 07));
        List<Set<Permission>> mounts = List.of(Permission.all(), Permission.readOnly(),
                Set.of(Permission.LIST, Permission.WRITE), Permission.all());
        for (Set<String> chosen : List.of(Facts.ALL, Set.<String>of(), Set.of("type", "perm"),
                Set.of("modify", "unique", "unix.mode"), Set.of("size"))) {
            Facts.Writer writer = new Facts.Writer(chosen);
            for (Set<Permission> permissions : mounts) {
                for (FileEntry entry : entries) {
                    assertEquals(Facts.line(entry, entry.name(), permissions, chosen), writer.line(entry, permissions),
                            chosen + " " + permissions + " " + entry);
                }
            }
        }
    }
}
