package dev.loomftp.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.tls.PemCertificates;
import dev.loomftp.users.FileUserStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code loomftp check}: what it shows of a configuration, and how it refuses a broken one. */
class CheckCommandTest {
    @TempDir
    Path folder;

    private Path config;

    @BeforeEach
    void writeConfig() throws IOException {
        config = folder.resolve("loomftp.json");
        Files.writeString(config, """
                {
                  "listeners": [ { "address": "127.0.0.1", "port": 2121 } ],
                  "passive": { "minPort": 40000, "maxPort": 40009, "advertisedAddress": "203.0.113.7",
                               "addressByNetwork": [ { "network": "192.168.0.0/16", "address": "192.168.1.10" } ] },
                  "storage": { "root": "data" },
                  "users": { "file": "users.txt" },
                  "tls": { "control": "required", "data": "required", "keystore": "tls.p12",
                           "implicitListeners": [ { "address": "127.0.0.1", "port": 2990 } ] }
                }
                """);
    }

    @Test
    void showsWhatTheServerWouldDoWithoutWritingAnything() throws Exception {
        new FileUserStore(folder.resolve("users.txt"), Cli.HASHER).add("alice", "alice-password".toCharArray());
        new FileUserStore(folder.resolve("users.txt"), Cli.HASHER).add("bob", "bob-password".toCharArray());

        Result result = check(Clock.systemUTC(), "--config", config.toString());

        assertEquals(ExitCode.OK, result.code(), result.err());
        String out = result.out();
        assertTrue(out.contains("the configuration in " + config + " is valid"), out);
        assertTrue(out.contains("ftp://127.0.0.1:2121/ (TLS with AUTH TLS, required before login)"), out);
        assertTrue(out.contains("ftps://127.0.0.1:2990/ (implicit TLS)"), out);
        assertTrue(out.contains("ports 40000 to 40009 (10 ports)\n"), out);
        assertTrue(out.contains("clients in 192.168.0.0/16 are told 192.168.1.10 in PASV replies"), out);
        assertTrue(out.contains("other clients are told 203.0.113.7 in PASV replies"), out);
        assertTrue(out.contains("control connection required, data connections required"), out);
        assertTrue(out.contains("none yet: the first start makes a self-signed one in " + folder.resolve("tls.p12")), out);
        assertTrue(out.contains(folder.resolve("users.txt") + ": 2 users (alice, bob)"), out);
        assertTrue(out.contains("root " + folder.resolve("data") + " (made at the first start)"), out);
        assertTrue(out.contains("/Public is " + folder.resolve("data").resolve("Public") + ", read-write"), out);
        assertTrue(out.contains("idle sessions closed after 5m"), out);
        assertTrue(out.contains("a stop lets running transfers finish for up to 30s"), out);
        assertTrue(out.contains("uploads are atomic-resumable: written beside the file"), out);
        assertTrue(out.contains(folder.resolve("loomftp.pid") + ", for 'loomftp stop' and 'loomftp reload'"), out);
        assertFalse(Files.exists(folder.resolve("tls.p12")), "check makes no certificate");
        assertFalse(Files.exists(folder.resolve("data")), "check makes no folder");
    }

    @Test
    void showsTheCertificatesNamesFingerprintAndExpiry() throws Exception {
        X509Certificate certificate = pemCertificate("dns:ftp.example.com,ip:127.0.0.1", 90);
        String fingerprint = HexFormat.ofDelimiter(":").withUpperCase()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));

        Result now = check(Clock.systemUTC(), "--config", config.toString());
        Result later = check(Clock.fixed(Instant.now().plus(Duration.ofDays(80)), ZoneOffset.UTC),
                "--config", config.toString());
        Result after = check(Clock.fixed(Instant.now().plus(Duration.ofDays(100)), ZoneOffset.UTC),
                "--config", config.toString());

        assertEquals(ExitCode.OK, now.code(), now.err());
        assertTrue(now.out().contains("CN=loomftp.test, for ftp.example.com, 127.0.0.1"), now.out());
        assertTrue(now.out().contains("SHA-256 " + fingerprint), now.out());
        assertTrue(now.out().contains("self-signed: clients must be told to trust it"), now.out());
        assertFalse(now.out().contains("renew") || now.out().contains("EXPIRED"), now.out());
        assertTrue(later.out().contains("expires in 9 days; renew it")
                || later.out().contains("expires in 10 days; renew it"), later.out());
        assertTrue(after.out().contains("EXPIRED"), after.out());
        assertEquals(ExitCode.OK, after.code(), "an expired certificate is shown, and the server would still start");
    }

    @Test
    void aBrokenConfigurationIsRefusedWithItsLocatedMessage() throws IOException {
        Files.writeString(config, "{ \"listeners\": [ { \"port\": 70000 } ] }");

        Result result = check(Clock.systemUTC(), "--config", config.toString());

        assertEquals(ExitCode.CONFIG, result.code());
        assertTrue(result.err().startsWith("loomftp check: " + config), result.err());
        assertTrue(result.err().contains("port"), result.err());
        assertEquals("", result.out());
    }

    @Test
    void aKeyThatIsNotAKeyIsRefusedInWords() throws Exception {
        pemCertificate("dns:ftp.example.com", 90);
        Files.writeString(folder.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");

        Result result = check(Clock.systemUTC(), "--config", config.toString());

        assertEquals(ExitCode.CONFIG, result.code());
        assertTrue(result.err().startsWith("loomftp check: "), result.err());
        assertTrue(result.err().contains("key"), result.err());
        assertFalse(result.err().matches("(?s).*(java\\.|Exception).*"), result.err());
    }

    @Test
    void aUsersFileNamingOneUserTwiceIsRefused() throws IOException {
        String hash = Cli.HASHER.hash("pw".toCharArray());
        Files.writeString(folder.resolve("users.txt"), "bob:" + hash + "\nBob:" + hash + "\n");

        Result result = check(Clock.systemUTC(), "--config", config.toString());

        assertEquals(ExitCode.CONFIG, result.code());
        assertTrue(result.err().contains("user 'Bob' is already on line 1"), result.err());
    }

    @Test
    void anUnknownArgumentIsAUsageError() {
        Result result = check(Clock.systemUTC(), "extra");

        assertEquals(ExitCode.USAGE, result.code());
        assertTrue(result.err().contains("unexpected argument 'extra'"), result.err());
    }

    /** Writes a self-signed certificate with these names to cert.pem and key.pem and points the configuration at them. */
    private X509Certificate pemCertificate(String names, int days) throws IOException, InterruptedException,
            GeneralSecurityException {
        X509Certificate certificate = PemCertificates.write(folder, "EC", "CN=loomftp.test", names, days);
        Files.writeString(config, Files.readString(config)
                .replace("\"keystore\": \"tls.p12\"", "\"certificate\": \"cert.pem\", \"privateKey\": \"key.pem\""));
        return certificate;
    }


    private record Result(int code, String out, String err) {}

    private static Result check(Clock clock, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Io io = new Io(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, UTF_8),
                new PrintStream(err, true, UTF_8), null, Map.of(), null);
        List<String> command = new ArrayList<>(List.of("check"));
        command.addAll(List.of(args));
        int code = new Main(List.of(new CheckCommand(clock))).run(command, io);
        return new Result(code, out.toString(UTF_8), err.toString(UTF_8));
    }
}
