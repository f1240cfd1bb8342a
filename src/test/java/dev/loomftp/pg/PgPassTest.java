package dev.loomftp.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loomftp.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The database password is found where psql finds it, and nowhere else. */
class PgPassTest {
    private static final Config.Database DATABASE =
            new Config.Database("jdbc:postgresql://db.example.com/ftp", "loomftp", 10);

    @TempDir
    Path home;

    @Test
    void linesMatchAsLibpqMatchesThem() {
        List<String> lines = List.of(
                "# host:port:database:user:password",
                "other.example.com:5432:ftp:loomftp:not-this",
                "db.example.com:5433:*:*:wrong-port",
                "db.example.com:5432:ftp:loomftp:pa\\:ss\\\\word:with-colon",
                "*:*:*:*:fallback");
        assertEquals(Optional.of("pa:ss\\word:with-colon"),
                PgPass.find(lines, "db.example.com", "5432", "ftp", "loomftp"));
        assertEquals(Optional.of("fallback"), PgPass.find(lines, "db.example.com", "5432", "ftp", "admin"));
        assertEquals(Optional.empty(), PgPass.find(List.of("db:5432:ftp"), "db", "5432", "ftp", "loomftp"));
    }

    @Test
    void pgpasswordComesFirstThenPgpassfileThenHomesPgpass() throws Exception {
        Path inHome = home.resolve(".pgpass");
        Files.writeString(inHome, "db.example.com:5432:ftp:loomftp:from-home\n");
        Files.setPosixFilePermissions(inHome, PosixFilePermissions.fromString("rw-------"));
        Path named = home.resolve("named.pgpass");
        Files.writeString(named, "*:*:ftp:loomftp:from-pgpassfile\n");
        Files.setPosixFilePermissions(named, PosixFilePermissions.fromString("rw-------"));
        String homeText = home.toString();

        assertEquals(Optional.of("given"), PgPass.password(DATABASE,
                Map.of("PGPASSWORD", "given", "PGPASSFILE", named.toString(), "HOME", homeText)));
        assertEquals(Optional.of("from-pgpassfile"), PgPass.password(DATABASE,
                Map.of("PGPASSFILE", named.toString(), "HOME", homeText)));
        assertEquals(Optional.of("from-home"), PgPass.password(DATABASE, Map.of("HOME", homeText)));
        assertEquals(Optional.empty(), PgPass.password(DATABASE, Map.of()));
    }

    @Test
    void aFileOthersMayReadIsIgnored() throws Exception {
        Path file = home.resolve(".pgpass");
        Files.writeString(file, "*:*:*:*:exposed\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(Optional.empty(), PgPass.password(DATABASE, Map.of("HOME", home.toString())));
    }
}
