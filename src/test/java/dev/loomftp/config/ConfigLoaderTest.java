package dev.loomftp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.config.Config.Access;
import dev.loomftp.config.Config.Level;
import dev.loomftp.config.Config.Limits;
import dev.loomftp.config.Config.Listener;
import dev.loomftp.config.Config.Mount;
import dev.loomftp.config.Config.Passive;
import dev.loomftp.config.Config.Timeouts;
import dev.loomftp.storage.Permission;
import dev.loomftp.storage.Quota;
import dev.loomftp.storage.UploadPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private static final List<Mount> DEFAULT_MOUNTS = List.of(
            new Mount("/", "{user}", Access.READ_WRITE), new Mount("/Public", "Public", Access.READ_WRITE));

    @TempDir
    Path dir;

    @Test
    void defaultsListenOnPort5550OnEveryInterface() throws ConfigException {
        assertEquals(List.of(new Listener("*", 5550)), ConfigLoader.defaults().listeners());
    }

    @Test
    void defaultsResolvePathsAgainstTheWorkingDirectory() throws ConfigException {
        Config config = ConfigLoader.defaults();
        Path cwd = Path.of("").toAbsolutePath();

        assertEquals(cwd.resolve("ftp-data"), config.storage().root());
        assertEquals(cwd.resolve("loomftp-users.txt"), config.users().file());
    }

    @Test
    void defaultsHaveTheDocumentedValues() throws ConfigException {
        Config config = ConfigLoader.defaults();

        assertEquals(new Passive(50000, 50999, null), config.passive());
        assertEquals(DEFAULT_MOUNTS, config.storage().mounts());
        assertEquals(new Limits(500, 50, 4096, 3, 50, 100), config.limits());
        assertEquals(10_000, config.users().passwordCache());
        assertEquals(new Config.Logins(Duration.ofSeconds(1), Duration.ofSeconds(16), 10, Duration.ofMinutes(15)),
                config.logins());
        assertEquals(Config.Policy.OPTIONAL, config.tls().control());
        assertTrue(config.tls().requireSessionReuse());
        assertEquals(new Timeouts(Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofSeconds(60),
                Duration.ofSeconds(30)), config.timeouts());
        assertEquals(Level.INFO, config.logging().level());
        assertNull(config.logging().file());
        assertEquals(Path.of("").toAbsolutePath().resolve("loomftp.pid"), config.service().pidFile());
        assertEquals(UploadPolicy.ATOMIC_RESUMABLE, config.storage().uploads());
        assertNull(config.logging().xferlog(), "no transfer log unless asked for");
        assertNull(config.logging().transferJson());
    }

    @Test
    void documentedExampleLoadsWithPathsFromItsFolder() throws ConfigException {
        Path example = Path.of("conf/loomftp.json");
        Path conf = example.toAbsolutePath().getParent();

        Config config = ConfigLoader.load(example);

        assertEquals(List.of(new Listener("*", 5550)), config.listeners());
        assertEquals(conf.resolve("ftp-data"), config.storage().root());
        assertEquals(conf.resolve("loomftp-users.txt"), config.users().file());
        assertEquals(conf.resolve("logs/loomftp.log"), config.logging().file());
        assertEquals(conf.resolve("logs/xferlog"), config.logging().xferlog());
        assertEquals(conf.resolve("logs/transfers.jsonl"), config.logging().transferJson());
        assertEquals(ConfigLoader.defaults().timeouts(), config.timeouts());
    }

    @Test
    void dataConnectionsThroughAProxyNeedAHeaderUnlessTurnedOff() throws Exception {
        assertFalse(ConfigLoader.load(write("{}")).passive().proxyProtocol(), "no proxy in front");
        String proxied = "{\"listeners\": [{\"port\": 2121, \"proxyFrom\": [\"10.0.0.2/32\"]}]";
        assertTrue(ConfigLoader.load(write(proxied + "}")).passive().proxyProtocol(), "a proxy in front");
        assertFalse(ConfigLoader.load(write(proxied + ", \"passive\": {\"proxyProtocol\": false}}")).passive()
                .proxyProtocol(), "turned off");
    }

    @Test
    void emptyObjectKeepsEveryDefaultButTakesPathsFromTheFilesFolder() throws Exception {
        Config config = ConfigLoader.load(write("{}"));
        Config defaults = ConfigLoader.defaults();

        assertEquals(defaults.listeners(), config.listeners());
        assertEquals(defaults.passive(), config.passive());
        assertEquals(defaults.limits(), config.limits());
        assertEquals(defaults.storage().mounts(), config.storage().mounts());
        assertEquals(dir.resolve("ftp-data"), config.storage().root());
        assertEquals(dir.resolve("loomftp-users.txt"), config.users().file());
    }

    @Test
    void partialSectionKeepsTheDefaultsOfItsOtherKeys() throws Exception {
        Config config = ConfigLoader.load(write("""
                { "passive": { "maxPort": 50100 }, "timeouts": { "dataStall": "2m" } }
                """));

        assertEquals(new Passive(50000, 50100, null), config.passive());
        assertEquals(new Timeouts(Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofMinutes(2)),
                config.timeouts());
    }

    @Test
    void listInTheFileReplacesTheDefaultListWhole() throws Exception {
        Config config = ConfigLoader.load(write("""
                {
                  "listeners": [ { "address": "127.0.0.1", "port": 2121 }, { "address": "::1", "port": 0 },
                                 { "port": 21 } ],
                  "storage": { "mounts": [ { "path": "/", "source": "homes/{user}", "access": "read-only" } ] }
                }
                """));

        assertEquals(List.of(new Listener("127.0.0.1", 2121), new Listener("::1", 0), new Listener("*", 21)),
                config.listeners());
        assertEquals(List.of(new Mount("/", "homes/{user}", Access.READ_ONLY)), config.storage().mounts());
    }

    @Test
    void permissionsPerMountAndPerUser() throws Exception {
        Config config = ConfigLoader.load(write("""
                {
                  "storage": { "mounts": [ { "path": "/", "source": "{user}" },
                                           { "path": "/Drop", "source": "drop", "permissions": ["list", "write"] } ] },
                  "users": { "overrides": { "bob": { "permissions": { "/": ["list", "read"] }, "tls": "required" } } }
                }
                """));

        assertEquals(Set.of(Permission.LIST, Permission.WRITE), config.storage().mounts().get(1).permissions());
        assertEquals(Permission.all(), config.storage().mounts().get(0).permissions());
        assertEquals(Set.of(Permission.LIST, Permission.READ), config.users().overrideFor("bob").permissions().get("/"));
        assertTrue(config.users().overrideFor("bob").requiresTls());
        assertEquals(Config.UserOverride.NONE, config.users().overrideFor("alice"));
    }

    @Test
    void anOverrideAppliesToItsUserInAnyCase() throws Exception {
        Config config = ConfigLoader.load(write("""
                { "users": { "overrides": { "Bob": { "tls": "required" } } } }
                """));

        for (String name : List.of("Bob", "bob", "BOB")) {
            assertTrue(config.users().overrideFor(name).requiresTls(), name);
        }
        assertEquals(Config.UserOverride.NONE, config.users().overrideFor("\u212Aob"));
    }

    @Test
    void anOverrideForAMountThatDoesNotExistIsAnError() throws Exception {
        Path file = write("""
                { "users": { "overrides": { "bob": { "permissions": { "/Nowhere": ["read"] } } } } }
                """);
        ConfigException error = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> ConfigLoader.load(file));
        assertTrue(error.getMessage().contains("users.overrides.bob.permissions./Nowhere names no mount"),
                error.getMessage());
    }

    @Test
    void mountAccessDefaultsToReadWrite() throws Exception {
        Config config = ConfigLoader.load(write("""
                { "storage": { "mounts": [ { "path": "/", "source": "{user}" } ] } }
                """));

        assertEquals(Access.READ_WRITE, config.storage().mounts().getFirst().access());
    }

    @Test
    void relativePathsResolveAgainstTheConfigFilesFolder() throws Exception {
        Path nested = Files.createDirectories(dir.resolve("etc/loomftp"));
        Path file = write(nested.resolve("loomftp.json"), """
                {
                  "storage": { "root": "../data" },
                  "users": { "file": "./users.txt" },
                  "logging": { "level": "DEBUG", "file": "logs/ftp.log", "xferlog": "logs/xferlog" }
                }
                """);

        Config config = ConfigLoader.load(file);

        assertEquals(nested.resolve("logs/xferlog"), config.logging().xferlog());
        assertEquals(dir.resolve("etc/data"), config.storage().root());
        assertEquals(nested.resolve("users.txt"), config.users().file());
        assertEquals(nested.resolve("logs/ftp.log"), config.logging().file());
        assertEquals(Level.DEBUG, config.logging().level());
    }

    @Test
    void absolutePathsAreKeptAsTheyAre() throws Exception {
        Path root = dir.resolve("elsewhere/data");

        Config config = ConfigLoader.load(write("{ \"storage\": { \"root\": \"" + root + "\" } }"));

        assertEquals(root, config.storage().root());
    }

    @Test
    void theUploadPolicyIsReadForTheServerAndForOneUser() throws Exception {
        Config config = ConfigLoader.load(write("""
                { "storage": { "uploads": "atomic" }, "users": { "overrides": { "bob": { "uploads": "direct" } } } }
                """));

        assertEquals(UploadPolicy.ATOMIC, config.storage().uploads());
        assertEquals(UploadPolicy.DIRECT, config.users().overrideFor("BOB").uploads());
        assertNull(config.users().overrideFor("alice").uploads());
    }

    @Test
    void quotasAreReadForAMountAndForOneUser() throws Exception {
        Config config = ConfigLoader.load(write("""
                { "storage": { "mounts": [ { "path": "/", "source": "{user}", "quota": { "bytes": "10G", "files": 5 } },
                                           { "path": "/Public", "source": "Public", "quota": { "bytes": "1536" } } ] },
                  "users": { "overrides": { "bob": { "quotas": { "/": { "bytes": "2T" } } } } } }
                """));

        assertEquals(new Quota(10L << 30, 5), config.storage().mounts().get(0).quota());
        assertEquals(new Quota(1536, Quota.UNLIMITED), config.storage().mounts().get(1).quota());
        assertEquals(new Quota(2L << 40, Quota.UNLIMITED), config.users().overrideFor("bob").quotas().get("/"));
    }

    @Test
    void aMountOnObjectStorageIsReadWithItsDefaults() throws Exception {
        Config config = ConfigLoader.load(write("""
                { "storage": { "mounts": [
                    { "path": "/", "s3": { "bucket": "ftp", "prefix": "/homes/{user}", "endpoint": "http://127.0.0.1:7480",
                                           "partSize": "16M", "partsInFlight": 3, "profile": "ftp" } },
                    { "path": "/Public", "s3": { "bucket": "shared.files" }, "access": "read-only" } ] } }
                """));

        Config.Mount home = config.storage().mounts().get(0);
        assertEquals(new Config.ObjectStore("ftp", "homes/{user}/", java.net.URI.create("http://127.0.0.1:7480"),
                "us-east-1", true, "ftp", 16L << 20, 3), home.objects());
        assertEquals(null, home.source());
        assertEquals(false, home.shared());
        Config.Mount shared = config.storage().mounts().get(1);
        assertEquals(new Config.ObjectStore("shared.files", "", null, "us-east-1", false, null, 8L << 20, 1),
                shared.objects(), "AWS itself: virtual-hosted addressing, the whole bucket");
        assertEquals(true, shared.shared());
    }

    @Test
    void bandwidthMetricsAndHooksAreRead() throws Exception {
        Config config = ConfigLoader.load(write("""
                { "limits": { "bandwidth": { "server": { "down": "100M" }, "user": { "up": "512K", "down": null } } },
                  "users": { "overrides": { "bob": { "bandwidth": { "down": "1G" } } } },
                  "metrics": { "listener": { "address": "127.0.0.1", "port": 9102 } },
                  "hooks": { "concurrency": 2, "queue": 10, "run": [
                    { "events": ["upload", "login-failed"], "command": ["/usr/local/bin/scan", "--quiet"] },
                    { "events": ["delete"], "url": "https://ops.example.com/ftp", "timeout": "3s", "retries": 5 } ] } }
                """));

        assertEquals(new Config.Bandwidth(new Config.Rates(Config.Rates.NO_LIMIT, 100L << 20),
                new Config.Rates(512L << 10, Config.Rates.NO_LIMIT)), config.limits().bandwidth());
        assertEquals(new Config.Rates(Config.Rates.NO_LIMIT, 1L << 30), config.users().overrideFor("bob").bandwidth());
        assertEquals(new Listener("127.0.0.1", 9102), config.metrics().listener());
        assertEquals(2, config.hooks().concurrency());
        assertEquals(List.of("/usr/local/bin/scan", "--quiet"), config.hooks().hooks().get(0).command());
        assertEquals(java.time.Duration.ofSeconds(10), config.hooks().hooks().get(0).timeout());
        assertEquals(java.net.URI.create("https://ops.example.com/ftp"), config.hooks().hooks().get(1).url());
        assertEquals(5, config.hooks().hooks().get(1).retries());
    }

    @Test
    void theDrainTimeAndThePidFileAreRead() throws Exception {
        Config config = ConfigLoader.load(write("""
                { "timeouts": { "drain": "2m" }, "service": { "pidFile": "run/ftp.pid" } }
                """));

        assertEquals(Duration.ofMinutes(2), config.timeouts().drain());
        assertEquals(dir.resolve("run/ftp.pid"), config.service().pidFile());
        assertNull(ConfigLoader.load(write("{ \"service\": { \"pidFile\": null } }")).service().pidFile());
    }

    @Test
    void acceptsEveryDurationUnitUpToADay() throws Exception {
        Config config = ConfigLoader.load(write("""
                { "timeouts": { "controlIdle": "24h", "dataSetup": "1500ms", "dataStall": "86400s" } }
                """));

        assertEquals(new Timeouts(Duration.ofHours(24), Duration.ofMillis(1500), Duration.ofDays(1)),
                config.timeouts());
    }

    @Test
    void advertisedAddressMayBeAnIpv4Address() throws Exception {
        Config config = ConfigLoader.load(write("{ \"passive\": { \"advertisedAddress\": \"203.0.113.7\" } }"));

        assertEquals("203.0.113.7", config.passive().advertisedAddress());
    }

    @Test
    void fileWithAByteOrderMarkLoads() throws Exception {
        Path file = dir.resolve("bom.json");
        Files.writeString(file, "\uFEFF{ \"limits\": { \"maxLoginAttempts\": 5 } }");

        assertEquals(5, ConfigLoader.load(file).limits().maxLoginAttempts());
    }

    private Path write(String json) throws IOException {
        return write(dir.resolve("loomftp.json"), json);
    }

    private static Path write(Path file, String json) throws IOException {
        return Files.writeString(file, json);
    }
}
