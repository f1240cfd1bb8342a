package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loomftp.storage.FileEntry;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Calendar;
import java.util.List;
import java.util.Locale;
import org.apache.commons.net.ftp.FTPFile;
import org.apache.commons.net.ftp.parser.UnixFTPEntryParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ListFormatTest {
    private static final Instant NOW = Instant.parse("2025-03-10T12:00:00Z");
    private static final Instant RECENT = Instant.parse("2025-03-08T09:15:00Z");
    private static final ListFormat UTC = new ListFormat(NOW, ZoneOffset.UTC);

    private static FileEntry file(String name, long size, Instant modified, int mode) {
        return new FileEntry(name, FileEntry.Kind.FILE, size, modified, mode);
    }

    /** The text after the size column: the time and the name. */
    private static String timeColumn(ListFormat format, Instant modified) {
        String line = format.line(file("f", 0, modified, 0644), true);
        return line.substring(line.indexOf(" 0 ") + 3, line.length() - " f".length());
    }

    @Test
    void writesAnLsDashLLine() {
        assertEquals("-rw-r--r--    1 ftp      ftp              1234 Mar  8 09:15 notes.txt",
                UTC.line(file("notes.txt", 1234, RECENT, 0644), true));
    }

    @Test
    void writesAFolderLine() {
        FileEntry folder = new FileEntry("Public", FileEntry.Kind.DIRECTORY, 4096, RECENT, 0755);

        assertEquals("drwxr-xr-x    1 ftp      ftp              4096 Mar  8 09:15 Public", UTC.line(folder, true));
    }

    @Test
    void keepsNamesAsTheyAre() {
        assertEquals("-rw-r--r--    1 ftp      ftp                 0 Mar  8 09:15 my file Bjørn.txt",
                UTC.line(file("my file Bjørn.txt", 0, RECENT, 0644), true));
    }

    @ParameterizedTest(name = "{0} {1} writable={2} -> {3}")
    @CsvSource({
        "FILE,      644,  true,  -rw-r--r--",
        "FILE,      644,  false, -r--r--r--",
        "FILE,      600,  true,  -rw-------",
        "FILE,      000,  true,  ----------",
        "FILE,      777,  true,  -rwxrwxrwx",
        "FILE,      777,  false, -r-xr-xr-x",
        "FILE,      241,  true,  --w-r----x",
        "FILE,      4755, true,  -rwxr-xr-x",
        "DIRECTORY, 755,  true,  drwxr-xr-x",
        "DIRECTORY, 755,  false, dr-xr-xr-x",
        "DIRECTORY, 777,  false, dr-xr-xr-x",
        "DIRECTORY, 222,  false, d---------",
        "OTHER,     644,  true,  ?rw-r--r--",
    })
    void writesPermissionsDroppingWriteBitsInReadOnlyFolders(FileEntry.Kind kind, String octal, boolean writable,
            String expected) {
        FileEntry entry = new FileEntry("x", kind, 0, RECENT, Integer.parseInt(octal, 8));

        assertEquals(expected, UTC.line(entry, writable).substring(0, 10));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0             | '           0'",
        "7             | '           7'",
        "1234          | '        1234'",
        "999999999999  | '999999999999'",
        "1234567890123 | '1234567890123'",
    })
    void padsTheSizeToTwelveColumns(long size, String column) {
        String line = UTC.line(file("f", size, RECENT, 0644), true);

        assertEquals("-rw-r--r--    1 ftp      ftp      " + column + " Mar  8 09:15 f", line);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "2025-03-08T09:15:00Z | Mar  8 09:15",   // two days ago
        "2025-02-14T23:59:00Z | Feb 14 23:59",
        "2025-03-10T12:00:00Z | Mar 10 12:00",   // now
        "2024-09-10T12:00:00Z | Sep 10 12:00",   // 181 days ago
        "2024-09-08T12:00:00Z | Sep  8  2024",   // 183 days ago
        "2024-03-10T12:00:00Z | Mar 10  2024",   // a year ago
        "2019-07-04T08:00:00Z | Jul  4  2019",
        "1970-01-01T00:00:00Z | Jan  1  1970",
        "2025-03-10T12:30:00Z | Mar 10 12:30",   // half an hour ahead: clocks differ a little
        "2025-03-10T14:00:00Z | Mar 10  2025",   // two hours ahead
        "2026-03-10T12:00:00Z | Mar 10  2026",   // a year ahead
    })
    void showsRecentTimesWithHourAndOthersWithYear(Instant modified, String expected) {
        assertEquals(expected, timeColumn(UTC, modified));
    }

    @Test
    void sixMonthsIsTheBoundary() {
        Duration sixMonths = Duration.ofDays(182);

        assertEquals("Sep  9 12:01", timeColumn(UTC, NOW.minus(sixMonths).plusSeconds(60)));
        assertEquals("Sep  9  2024", timeColumn(UTC, NOW.minus(sixMonths).minusSeconds(60)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "2025-03-08T23:30:00Z | Mar  9 00:30",
        "2019-12-31T23:30:00Z | Jan  1  2020",
    })
    void showsTimesInTheGivenZone(Instant modified, String expected) {
        assertEquals(expected, timeColumn(new ListFormat(NOW, ZoneId.of("Europe/Berlin")), modified));
    }

    @Test
    void monthNamesAreEnglishWhateverTheDefaultLocale() {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            ListFormat format = new ListFormat(NOW, ZoneOffset.UTC);

            assertEquals("Mar  8 09:15", timeColumn(format, RECENT));
            assertEquals("Dec  1  2023", timeColumn(format, Instant.parse("2023-12-01T00:00:00Z")));
        } finally {
            Locale.setDefault(saved);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "FILE      | 644 | true  | report 2019.pdf | 1234567",
        "FILE      | 640 | false | notes.txt       | 0",
        "DIRECTORY | 755 | true  | Public          | 4096",
    })
    void independentClientParsesTheLine(FileEntry.Kind kind, String octal, boolean writable, String name, long size) {
        Instant modified = Instant.parse("2019-07-04T08:00:00Z");
        String line = UTC.line(new FileEntry(name, kind, size, modified, Integer.parseInt(octal, 8)), writable);

        FTPFile parsed = new UnixFTPEntryParser().parseFTPEntry(line);

        assertEquals(name, parsed.getName());
        assertEquals(size, parsed.getSize());
        assertEquals(kind == FileEntry.Kind.DIRECTORY, parsed.isDirectory());
        assertEquals(writable, parsed.hasPermission(FTPFile.USER_ACCESS, FTPFile.WRITE_PERMISSION));
        assertEquals("ftp", parsed.getUser());
        Calendar time = parsed.getTimestamp();
        assertEquals(List.of(2019, Calendar.JULY, 4),
                List.of(time.get(Calendar.YEAR), time.get(Calendar.MONTH), time.get(Calendar.DAY_OF_MONTH)));
    }

    @Test
    void aTimeKeptForTheNextEntryIsRightForEach() {
        // One format for many entries: neighbouring minutes, the six-month edge, and back again.
        ListFormat format = new ListFormat(NOW, ZoneOffset.UTC);
        Instant edge = NOW.minus(Duration.ofDays(182));
        for (Instant modified : List.of(RECENT, RECENT.plusSeconds(59), RECENT.plusSeconds(60), RECENT,
                edge.minusSeconds(1), edge.plusSeconds(1), edge.minusSeconds(1), NOW.plus(Duration.ofMinutes(59)),
                NOW.plus(Duration.ofMinutes(61)), RECENT.minusSeconds(1))) {
            assertEquals(timeColumn(new ListFormat(NOW, ZoneOffset.UTC), modified), timeColumn(format, modified),
                    modified.toString());
        }
    }
}
