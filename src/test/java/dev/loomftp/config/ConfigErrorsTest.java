package dev.loomftp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every problem in a config file is one line: {@code <file>: line <n>, column <n>: <key> <problem>}. In the cases
 * below, '@' marks where the problem is; it is removed before the file is written, and its position is the line
 * and column the message must give.
 */
class ConfigErrorsTest {
    private static final char MARK = '@';
    private static final String TOP_KEYS =
            "(known keys: listeners, passive, storage, users, limits, logins, timeouts, logging, tls, service, metrics,"
                    + " hooks)";
    private static final String DURATION_RULE = "must be a whole number followed by ms, s, m or h, like \"30s\", not ";
    private static final String ADDRESS_RULE =
            "must be \"*\" or an IP address such as 127.0.0.1 or ::1 (host names are not looked up), not ";

    @TempDir
    Path dir;

    /** A config file with a problem at {@link #MARK}, and the message expected after the position. */
    record Bad(String title, String marked, String problem) {
        @Override
        public String toString() {
            return title;
        }
    }

    static Stream<Bad> unknownKeysAndTypes() {
        return Stream.of(
                new Bad("unknown top-level key", """
                        {
                          "listeners": [ { "port": 21 } ],
                          @"port": 21
                        }
                        """, "unknown key 'port' at the top level " + TOP_KEYS),
                new Bad("unknown nested key", """
                        {
                          "passive": {
                            "minPort": 50000,
                            @"maxport": 50999
                          }
                        }
                        """, "unknown key 'maxport' in passive (known keys: minPort, maxPort, advertisedAddress, addressByNetwork, proxyProtocol)"),
                new Bad("unknown key in a list element",
                        mounts("[ { \"path\": \"/\", \"source\": \"u\", @\"mode\": \"rw\" } ]"),
                        "unknown key 'mode' in storage.mounts[0] (known keys: path, source, s3, access, permissions, quota)"),
                new Bad("unknown key with a line break in its name", "{ @\"bad\\nkey\": 1 }",
                        "unknown key 'bad\\nkey' at the top level " + TOP_KEYS),
                new Bad("port as a string", "{ \"listeners\": [ { \"port\": @\"21\" } ] }",
                        "listeners[0].port must be a whole number, not \"21\""),
                new Bad("port with a fraction", "{ \"listeners\": [ { \"port\": @21.5 } ] }",
                        "listeners[0].port must be a whole number, not 21.5"),
                new Bad("section as a list", "{\n  \"limits\": @[]\n}",
                        "limits must be an object ({ ... }), not an array"),
                new Bad("listeners as an object", "{ \"listeners\": @{} }",
                        "listeners must be an array ([ ... ]), not an object"),
                new Bad("listener as a number", "{ \"listeners\": [ @5 ] }",
                        "listeners[0] must be an object ({ ... }), not 5"),
                new Bad("path as a number", "{ \"users\": { \"file\": @42 } }", "users.file must be a string, not 42"),
                new Bad("empty path", "{ \"storage\": { \"root\": @\"\" } }", "storage.root must not be empty"),
                new Bad("listener without a port", "{ \"listeners\": [ @{ \"address\": \"::1\" } ] }",
                        "missing key 'port' in listeners[0]"),
                new Bad("no listener", "{ \"listeners\": @[] }", "listeners must hold at least one listener"));
    }

    static Stream<Bad> valuesOutOfRange() {
        return Stream.of(
                new Bad("port above 65535", "{ \"listeners\": [ { \"port\": @65536 } ] }",
                        "listeners[0].port must be from 0 to 65535, not 65536"),
                new Bad("negative port", "{ \"listeners\": [ { \"port\": @-1 } ] }",
                        "listeners[0].port must be from 0 to 65535, not -1"),
                new Bad("huge port", "{ \"listeners\": [ { \"port\": @99999999999999999999 } ] }",
                        "listeners[0].port must be from 0 to 65535, not 99999999999999999999"),
                new Bad("privileged passive port", "{ \"passive\": { \"minPort\": @1023 } }",
                        "passive.minPort must be from 1024 to 65535, not 1023"),
                new Bad("no sessions", "{ \"limits\": { \"maxSessions\": @0 } }",
                        "limits.maxSessions must be from 1 to 100000, not 0"),
                new Bad("short line limit", "{ \"limits\": { \"maxLineLength\": @511 } }",
                        "limits.maxLineLength must be from 512 to 1048576, not 511"),
                new Bad("negative password cache", "{ \"users\": { \"passwordCache\": @-1 } }",
                        "users.passwordCache must be from 0 to 1000000, not -1"),
                new Bad("password cache as a string", "{ \"users\": { \"passwordCache\": @\"10k\" } }",
                        "users.passwordCache must be a whole number, not \"10k\""),
                new Bad("too many login attempts", "{ \"limits\": { \"maxLoginAttempts\": @101 } }",
                        "limits.maxLoginAttempts must be from 1 to 100, not 101"),
                new Bad("maxPort below minPort", "{ \"passive\": { \"minPort\": 50000, \"maxPort\": @49999 } }",
                        "passive.maxPort must be at least passive.minPort (50000), not 49999"),
                new Bad("minPort above the default maxPort", "{ \"passive\": { \"minPort\": @60000 } }",
                        "passive.minPort must be at most passive.maxPort (50999), not 60000"),
                new Bad("more sessions per address than in all",
                        "{ \"limits\": { \"maxSessions\": 10, \"maxSessionsPerAddress\": @11 } }",
                        "limits.maxSessionsPerAddress must be at most limits.maxSessions (10), not 11"),
                new Bad("maxSessions below the default per-address limit", "{ \"limits\": { \"maxSessions\": @10 } }",
                        "limits.maxSessions must be at least limits.maxSessionsPerAddress (50), not 10"));
    }

    static Stream<Bad> badValues() {
        return Stream.of(
                new Bad("duration in words", "{ \"timeouts\": { \"controlIdle\": @\"5 minutes\" } }",
                        "timeouts.controlIdle " + DURATION_RULE + "\"5 minutes\""),
                new Bad("duration without a unit", "{ \"timeouts\": { \"dataSetup\": @\"30\" } }",
                        "timeouts.dataSetup " + DURATION_RULE + "\"30\""),
                new Bad("duration as a number", "{ \"timeouts\": { \"dataSetup\": @30 } }",
                        "timeouts.dataSetup must be a string, not 30"),
                new Bad("unknown upload policy", "{ \"storage\": { \"uploads\": @\"safe\" } }",
                        "storage.uploads must be one of \"atomic\", \"atomic-resumable\", \"direct\", not \"safe\""),
                new Bad("quota size in words", "{ \"storage\": { \"mounts\": [ { \"path\": \"/\", \"source\": \"u\","
                        + " \"quota\": { \"bytes\": @\"ten gigs\" } } ] } }",
                        "storage.mounts[0].quota.bytes must be a whole number of bytes, with K, M, G or T after it for"
                        + " 1024 of the one before, like \"10G\", not \"ten gigs\""),
                new Bad("quota of an unknown mount", "{ \"users\": { \"overrides\": { \"bob\": { \"quotas\":"
                        + " { \"/Nope\": @{ \"files\": 1 } } } } } }",
                        "users.overrides.bob.quotas./Nope names no mount: the mount paths are [\"/\", \"/Public\"]"),
                new Bad("passive network that is not one", "{ \"passive\": { \"addressByNetwork\": [ { \"network\":"
                        + " @\"192.168.0.1/16\", \"address\": \"192.168.1.10\" } ] } }",
                        "passive.addressByNetwork[0].network must be a network such as \"192.168.0.0/16\" or"
                        + " \"fd00::/8\" (192.168.0.1 has bits set past /16), not \"192.168.0.1/16\""),
                new Bad("passive address that is not one", "{ \"passive\": { \"addressByNetwork\": [ { \"network\":"
                        + " \"10.0.0.0/8\", \"address\": @\"ftp example\" } ] } }",
                        "passive.addressByNetwork[0].address must be an IPv4 address or a host name, not \"ftp example\""),
                new Bad("bandwidth below 1K", "{ \"limits\": { \"bandwidth\": { \"user\": { \"up\": @\"100\" } } } }",
                        "limits.bandwidth.user.up must be at least 1K (1024 bytes a second), not \"100\""),
                new Bad("hook for an unknown event", "{ \"hooks\": { \"run\": [ { \"events\": [ @\"upload-done\" ],"
                        + " \"command\": [ \"x\" ] } ] } }",
                        "hooks.run[0].events[0] must be one of [\"upload\", \"download\", \"login\", \"login-failed\","
                        + " \"delete\", \"rename\", \"mkdir\"], not \"upload-done\""),
                new Bad("hook with a command and a URL", "{ \"hooks\": { \"run\": [ @{ \"events\": [ \"upload\" ],"
                        + " \"command\": [ \"x\" ], \"url\": \"http://h/\" } ] } }",
                        "hooks.run[0] must have either a \"command\" or a \"url\""),
                new Bad("hook URL that is not http", "{ \"hooks\": { \"run\": [ { \"events\": [ \"upload\" ],"
                        + " \"url\": @\"file:///etc/passwd\" } ] } }",
                        "hooks.run[0].url must be an http or https URL, not \"file:///etc/passwd\""),
                new Bad("zero drain time", "{ \"timeouts\": { \"drain\": @\"0s\" } }",
                        "timeouts.drain must be more than 0 and at most 24h, not \"0s\""),
                new Bad("empty pid file", "{ \"service\": { \"pidFile\": @\" \" } }",
                        "service.pidFile must not be empty"),
                new Bad("unknown key in service", "{ \"service\": { @\"pid\": \"x\" } }",
                        "unknown key 'pid' in service (known keys: pidFile)"),
                new Bad("zero duration", "{ \"timeouts\": { \"dataSetup\": @\"0s\" } }",
                        "timeouts.dataSetup must be more than 0 and at most 24h, not \"0s\""),
                new Bad("duration over a day", "{ \"timeouts\": { \"dataStall\": @\"25h\" } }",
                        "timeouts.dataStall must be more than 0 and at most 24h, not \"25h\""),
                new Bad("host name", "{ \"listeners\": [ { \"address\": @\"localhost\", \"port\": 21 } ] }",
                        "listeners[0].address " + ADDRESS_RULE + "\"localhost\""),
                new Bad("short IPv4 form",
                        "{ \"listeners\": [ { \"port\": 21 }, { \"address\": @\"127.1\", \"port\": 21 } ] }",
                        "listeners[1].address " + ADDRESS_RULE + "\"127.1\""),
                new Bad("IPv4 octet above 255", "{ \"listeners\": [ { \"address\": @\"256.0.0.1\", \"port\": 21 } ] }",
                        "listeners[0].address " + ADDRESS_RULE + "\"256.0.0.1\""),
                new Bad("bracketed IPv6", "{ \"listeners\": [ { \"address\": @\"[::1]\", \"port\": 21 } ] }",
                        "listeners[0].address " + ADDRESS_RULE + "\"[::1]\""),
                new Bad("IPv6 advertised address", "{ \"passive\": { \"advertisedAddress\": @\"::1\" } }",
                        "passive.advertisedAddress must be null or an IPv4 address such as 203.0.113.7"
                                + " (PASV replies carry IPv4 only), not \"::1\""),
                new Bad("unknown access", mounts("[ { \"path\": \"/\", \"source\": \"u\", \"access\": @\"rw\" } ]"),
                        "storage.mounts[0].access must be one of \"read-only\", \"read-write\", not \"rw\""),
                new Bad("unknown log level", "{ \"logging\": { \"level\": @\"verbose\" } }",
                        "logging.level must be one of \"trace\", \"debug\", \"info\", \"warn\", \"error\","
                                + " not \"verbose\""));
    }

    static Stream<Bad> badMounts() {
        return Stream.of(
                new Bad("duplicate mount path", """
                        { "storage": { "mounts": [
                          { "path": "/", "source": "{user}" },
                          { "path": "/Public", "source": "Public" },
                          { "path": @"/Public", "source": "Shared" }
                        ] } }
                        """, "storage.mounts[2].path \"/Public\" is already the path of storage.mounts[1]"),
                new Bad("no home mount", mounts("@[ { \"path\": \"/Public\", \"source\": \"P\" } ]"),
                        "storage.mounts must hold a mount with path \"/\", the user's home folder"),
                new Bad("nested mount path", mounts("[ { \"path\": @\"/a/b\", \"source\": \"x\" } ]"),
                        "storage.mounts[0].path must be \"/\" or \"/\" followed by one folder name, like \"/Public\","
                                + " not \"/a/b\""),
                new Bad("mount source climbing out", mounts("[ { \"path\": \"/\", \"source\": @\"a/../..\" } ]"),
                        "storage.mounts[0].source must not contain \"..\", not \"a/../..\""),
                new Bad("absolute mount source", mounts("[ { \"path\": \"/\", \"source\": @\"/srv\" } ]"),
                        "storage.mounts[0].source must be relative to storage.root, not \"/srv\""),
                new Bad("mount with both a folder and a bucket",
                        mounts("[ @{ \"path\": \"/\", \"source\": \"u\", \"s3\": { \"bucket\": \"ftp\" } } ]"),
                        "storage.mounts[0] must have either \"source\" (a folder under storage.root) or \"s3\" (a bucket)"),
                new Bad("bucket name with capitals",
                        mounts("[ { \"path\": \"/\", \"s3\": { \"bucket\": @\"My_Files\" } } ]"),
                        "storage.mounts[0].s3.bucket must be a bucket name: 3 to 63 lower-case letters, digits, dots"
                                + " and hyphens, not \"My_Files\""),
                new Bad("prefix climbing out",
                        mounts("[ { \"path\": \"/\", \"s3\": { \"bucket\": \"ftp\", \"prefix\": @\"homes/../x\" } } ]"),
                        "storage.mounts[0].s3.prefix must be folder names joined by \"/\", like \"homes/{user}/\","
                                + " not \"homes/../x\""),
                new Bad("endpoint without a scheme",
                        mounts("[ { \"path\": \"/\", \"s3\": { \"bucket\": \"ftp\", \"endpoint\": @\"rgw:7480\" } } ]"),
                        "storage.mounts[0].s3.endpoint must be an http:// or https:// address, like"
                                + " \"https://s3.example.com\", not \"rgw:7480\""),
                new Bad("part smaller than S3 takes",
                        mounts("[ { \"path\": \"/\", \"s3\": { \"bucket\": \"ftp\", \"partSize\": @\"1M\" } } ]"),
                        "storage.mounts[0].s3.partSize must be from 5M to 1G, as S3 takes parts of at least 5 MiB,"
                                + " not \"1M\""),
                new Bad("unknown key in s3",
                        mounts("[ { \"path\": \"/\", \"s3\": { \"bucket\": \"ftp\", @\"secretKey\": \"x\" } } ]"),
                        "unknown key 'secretKey' in storage.mounts[0].s3 (known keys: bucket, prefix, endpoint, region,"
                                + " pathStyle, profile, partSize, partsInFlight)"));
    }

    static Stream<Bad> badTls() {
        return Stream.of(
                new Bad("tls data off while control is on", """
                        {
                          "tls": { "data": @"off" }
                        }
                        """, "tls.data must be \"off\" exactly when tls.control is \"off\", not \"off\""),
                new Bad("certificate without its key", """
                        {
                          "tls": { "certificate": @"cert.pem" }
                        }
                        """, "tls.certificate must be set together with tls.privateKey"),
                new Bad("unknown tls policy", """
                        {
                          "tls": { "control": @"maybe" }
                        }
                        """, "tls.control must be one of \"off\", \"optional\", \"required\", not \"maybe\""),
                new Bad("session reuse not a boolean", """
                        {
                          "tls": { "requireSessionReuse": @"yes" }
                        }
                        """, "tls.requireSessionReuse must be true or false, not \"yes\""));
    }

    static Stream<Bad> badOverrides() {
        return Stream.of(
                new Bad("two overrides for one user in two cases", """
                        { "users": { "overrides": {
                          "bob": { "tls": "required" },
                          @"Bob": { "tls": "optional" }
                        } } }
                        """, "users.overrides.Bob names the same user as users.overrides.bob (user names ignore case)"),
                new Bad("a third spelling after another key", """
                        { "users": { "overrides": { "bob": {}, "alice": {}, @"BOB": {} } } }
                        """, "users.overrides.BOB names the same user as users.overrides.bob (user names ignore case)"));
    }

    static Stream<Bad> badDatabases() {
        return Stream.of(
                new Bad("a password in the configuration", """
                        { "users": { "database": { "url": "jdbc:postgresql://db/ftp", "user": "ftp", @"password": "x" } } }
                        """, "users.database.password is not kept in the configuration: give the password in"
                                + " PGPASSWORD or a pgpass file (PGPASSFILE, else ~/.pgpass), as for psql"),
                new Bad("not PostgreSQL", """
                        { "users": { "database": { "url": @"jdbc:mysql://db/ftp", "user": "ftp" } } }
                        """, "users.database.url must be like \"jdbc:postgresql://db.example.com:5432/loomftp\" (a host and"
                                + " a database), not \"jdbc:mysql://db/ftp\""),
                new Bad("no database named", """
                        { "users": { "database": { "url": @"postgresql://db:5432", "user": "ftp" } } }
                        """, "users.database.url must be like \"jdbc:postgresql://db.example.com:5432/loomftp\" (a host and"
                                + " a database), not \"postgresql://db:5432\""),
                new Bad("no role", """
                        { "users": { "database": @{ "url": "postgresql://db/ftp" } } }
                        """, "missing key 'user' in users.database"),
                new Bad("a pool of one", """
                        { "users": { "database": { "url": "postgresql://db/ftp", "user": "ftp", "maxConnections": @1 } } }
                        """, "users.database.maxConnections must be from 2 to 1000, not 1"));
    }

    static Stream<Bad> malformedJson() {
        return Stream.of(
                new Bad("trailing comma", """
                        {
                          "limits": { "maxSessions": 10, @}
                        }
                        """,
                        "malformed JSON: Unexpected character ('}'): was expecting double-quote to start field name"),
                new Bad("truncated", "{ \"users\": { \"file\": \"x\"@",
                        "malformed JSON: Unexpected end-of-input: expected close marker for Object"),
                new Bad("comment", "{\n  @// no comments in JSON\n}",
                        "malformed JSON: Unexpected character ('/'): maybe a (non-standard) comment?"
                                + " (not recognized as one since Feature 'ALLOW_COMMENTS' not enabled for parser)"),
                new Bad("empty file", "@", "the configuration must be a JSON object ({ ... }), not an empty file"),
                new Bad("top level list", "@[]", "the configuration must be a JSON object ({ ... }), not an array"),
                new Bad("top level string", "@\"port\"",
                        "the configuration must be a JSON object ({ ... }), not a string"),
                new Bad("two objects", "{} @{}", "unexpected text after the closing '}' of the configuration"),
                new Bad("duplicate top-level key", "{ \"limits\": {},\n  @\"limits\": {} }", "duplicate key 'limits'"),
                new Bad("problem after non-ASCII text on the same line",
                        "{ \"storage\": { \"root\": \"donn\u00e9es/\u65e5\u672c\", @\"owner\": \"ftp\" } }",
                        "unknown key 'owner' in storage (known keys: root, mounts, uploads)"),
                new Bad("duplicate nested key", "{ \"listeners\": [ { \"port\": 1 }, { \"port\": 2, @\"port\": 3 } ] }",
                        "duplicate key 'port'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"unknownKeysAndTypes", "valuesOutOfRange", "badValues", "badMounts", "badTls", "badOverrides",
        "badDatabases", "malformedJson"})
    void reportsTheProblemInOneLineWithFileLineColumnAndKey(Bad bad) throws IOException {
        int mark = bad.marked().indexOf(MARK);
        Path file = Files.writeString(dir.resolve("loomftp.json"), bad.marked().replace(String.valueOf(MARK), ""));

        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));

        assertEquals(file + ": line " + lineOf(bad.marked(), mark) + ", column " + columnOf(bad.marked(), mark)
                + ": " + bad.problem(), e.getMessage());
        assertOneLine(e.getMessage());
    }

    @Test
    void aPasswordInTheDatabasesAddressIsNotShownInTheMessage() throws IOException {
        Path file = Files.writeString(dir.resolve("loomftp.json"),
                "{ \"users\": { \"database\": { \"url\": \"postgresql://ftp:s3cret@db/ftp\", \"user\": \"ftp\" } } }");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertEquals(file + ": line 1, column 35: users.database.url must not name a user or password: give the role"
                + " in users.database.user, and the password in PGPASSWORD or a pgpass file", e.getMessage());
    }

    @Test
    void textThatIsNotUtf8IsMalformedJsonWithAPosition() throws IOException {
        byte[] latin1 = "{ \"storage\": { \"root\": \"caf\u00e9\" } }".getBytes(StandardCharsets.ISO_8859_1);
        Path file = Files.write(dir.resolve("loomftp.json"), latin1);

        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));

        assertEquals(file + ": line 1, column 30: malformed JSON: Invalid UTF-8 middle byte 0x22", e.getMessage());
    }

    @Test
    void missingFileIsNamedWithoutAPosition() {
        Path file = dir.resolve("missing.json");

        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));

        assertEquals(file + ": cannot read the file: no such file", e.getMessage());
    }

    @Test
    void folderInsteadOfAFileIsReportedInOneLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir));

        assertTrue(e.getMessage().startsWith(dir + ": cannot read the file: "), e.getMessage());
        assertOneLine(e.getMessage());
    }

    @Test
    void fileGivenAsARelativePathIsNamedAsGiven() {
        Path relative = Path.of("no-such-folder-for-loomftp-tests", "loomftp.json");

        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(relative));

        assertTrue(e.getMessage().startsWith(relative + ": "), e.getMessage());
    }

    /** A config whose storage.mounts is {@code list}. */
    private static String mounts(String list) {
        return "{ \"storage\": { \"mounts\": " + list + " } }";
    }

    private static void assertOneLine(String message) {
        assertFalse(message.contains("\n") || message.contains("\r"), () -> "not one line: " + message);
    }

    private static int lineOf(String text, int index) {
        return (int) text.substring(0, index).chars().filter(c -> c == '\n').count() + 1;
    }

    private static int columnOf(String text, int index) {
        return index - text.lastIndexOf('\n', index - 1);
    }
}
