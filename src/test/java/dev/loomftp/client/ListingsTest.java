package dev.loomftp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading MLSD facts and the ls -l lines of LIST, as vsftpd and others send them. */
class ListingsTest {
    @Test
    void mlsdFactsInAnyCase() {
        RemoteEntry file = Listings.fromFacts("Type=file;Size=1234;Modify=20261129120000.123;perm=r; a name.txt").orElseThrow();
        assertEquals(new RemoteEntry("a name.txt", RemoteEntry.Kind.FILE, 1234,
                Optional.of(Instant.parse("2026-11-29T12:00:00Z"))), file);
        assertTrue(Listings.fromFacts("type=dir;modify=20200101000000; docs").orElseThrow().isFolder());
        assertEquals(RemoteEntry.Kind.OTHER, Listings.fromFacts("type=OS.unix=slink:/x; link").orElseThrow().kind());
        assertFalse(Listings.fromFacts("no-space-at-all").isPresent());
    }

    @Test
    void unixListLines() {
        RemoteEntry file = Listings.fromUnixList("-rw-r--r--    1 0        0         3000000 Nov 29 12:00 big file.bin")
                .orElseThrow();
        assertEquals(new RemoteEntry("big file.bin", RemoteEntry.Kind.FILE, 3000000, Optional.empty()), file);
        RemoteEntry folder = Listings.fromUnixList("drwxr-xr-x    2 ftp      ftp          4096 Jan 01  2025 up").orElseThrow();
        assertTrue(folder.isFolder());
        assertEquals(0, folder.size());
        assertEquals(RemoteEntry.Kind.OTHER,
                Listings.fromUnixList("lrwxrwxrwx 1 0 0 4 Jan 01 2025 here -> there").orElseThrow().kind());
    }

    @ParameterizedTest
    @ValueSource(strings = {"total 12", "drwxr-xr-x 2 0 0 4096 Jan 01 2025 .", "drwxr-xr-x 2 0 0 4096 Jan 01 2025 ..",
        "not a listing", ""})
    void linesThatAreNotEntriesAreSkipped(String line) {
        assertFalse(Listings.fromUnixList(line).isPresent());
    }

    @Test
    void timesRoundTripForMfmt() {
        Instant time = Instant.parse("2021-03-04T05:06:07Z");
        assertEquals(Optional.of(time), Listings.time(Listings.format(time)));
        assertEquals(Optional.empty(), Listings.time("yesterday"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "a/b", "..\\x", "nul\0"})
    void namesThatWouldLeaveTheirFolderAreNotPlain(String name) {
        assertFalse(Mirror.isPlainName(name));
    }
}
