package dev.loomftp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The known hosts file: finding a server's line, and replacing it whole, privately. */
class KnownHostsTest {
    @TempDir
    Path home;

    @Test
    void findsTheLineOfAHostAndPortAmongCommentsAndOthers() throws IOException {
        Path file = Files.writeString(home.resolve("known_hosts"), """
                # trusted by hand
                ftp.example.org:21 AA:AA

                ftp.example.org:990 BB:BB
                [::1]:5550 CC:CC
                """);
        KnownHosts known = KnownHosts.in(file);
        assertEquals(Optional.of(new KnownHosts.Remembered("BB:BB", 4)), known.find("FTP.example.org", 990));
        assertEquals(Optional.of(new KnownHosts.Remembered("CC:CC", 5)), known.find("::1", 5550));
        assertEquals(Optional.empty(), known.find("ftp.example.org", 5550));
        assertEquals(Optional.empty(), KnownHosts.in(home.resolve("none")).find("ftp.example.org", 21));
    }

    @Test
    void rememberingReplacesTheServersLineAndKeepsTheRestPrivate() throws IOException {
        Path file = home.resolve(".loomftp/known_hosts");
        KnownHosts known = KnownHosts.in(file);
        known.remember("ftp.example.org", 21, "AA:AA");
        known.remember("other.example.org", 21, "BB:BB");
        known.remember("ftp.example.org", 21, "CC:CC");
        assertEquals(List.of("other.example.org:21 BB:BB", "ftp.example.org:21 CC:CC"), Files.readAllLines(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        try (var left = Files.list(file.getParent())) {
            assertEquals(List.of(file), left.toList(), "no temporary file left");
        }
    }
}
