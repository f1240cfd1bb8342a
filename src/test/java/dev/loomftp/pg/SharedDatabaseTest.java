package dev.loomftp.pg;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.config.Config;
import dev.loomftp.config.ConfigLoader;
import dev.loomftp.storage.LocalStorage;
import dev.loomftp.storage.Permission;
import dev.loomftp.storage.Quota;
import dev.loomftp.storage.QuotaCounter;
import dev.loomftp.users.LoginRecords;
import dev.loomftp.users.PasswordHasher;
import dev.loomftp.users.PlainTextImport;
import dev.loomftp.users.User;
import dev.loomftp.users.UserStoreException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state the nodes of one service share, in a real PostgreSQL: users, overrides, failed logins
 * and bans, and quota counters, each used by two nodes (two {@link SharedDatabase}s) at once.
 */
class SharedDatabaseTest {
    private static final PasswordHasher HASHER = new PasswordHasher(PasswordHasher.MIN_ITERATIONS);
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path folder;
    private PgEngine engine;
    private Config.Database database;
    private Config config;
    private final List<SharedDatabase> nodes = new ArrayList<>();

    @BeforeEach
    void newDatabase() throws Exception {
        engine = PgEngine.shared();
        database = engine.newDatabase();
        config = config(folder, database);
    }

    @AfterEach
    void closeNodes() {
        nodes.forEach(SharedDatabase::close);
        // The pool's housekeeper ends a moment after the pool closed.
        await().atMost(Duration.ofSeconds(5)).alias("database threads left running")
                .until(() -> dev.loomftp.LiveThreads.named("loomftp-db"), List::isEmpty);
    }

    /** A configuration with its users in {@code database}, and a mount "/Public" an override may name. */
    static Config config(Path folder, Config.Database database) throws Exception {
        Path file = folder.resolve("loomftp.json");
        Files.writeString(file, """
                {"storage": {"root": "data"},
                 "users": {"database": {"url": "%s", "user": "%s", "maxConnections": %d}}}"""
                .formatted(database.url(), database.user(), database.maxConnections()));
        return ConfigLoader.load(file);
    }

    private SharedDatabase node() throws DatabaseException {
        SharedDatabase node = SharedDatabase.open(config, HASHER, PgEngine.environment());
        nodes.add(node);
        return node;
    }

    @Test
    void usersAreKeptAndFoundInAnyCase() throws Exception {
        PgUserStore users = node().users();
        users.add("Alice", "password-1".toCharArray());
        assertEquals(Optional.of("Alice"), users.find("ALICE"));
        UserStoreException twice = assertThrows(UserStoreException.class,
                () -> users.add("alice", "password-2".toCharArray()));
        assertEquals("user 'Alice' already exists, and 'alice' is the same name (user names ignore case)",
                twice.getMessage());
        users.add("bob", "password-3".toCharArray());
        assertEquals(List.of("Alice", "bob"), users.list());
        assertEquals("Alice", users.setPassword("alice", "password-4".toCharArray()));
        assertEquals(Optional.empty(), users.authenticate("alice", "password-1".toCharArray()));
        assertEquals(Optional.of(new User("Alice")), users.authenticate("aLiCe", "password-4".toCharArray()));
        assertEquals("bob", users.remove("BOB"));
        assertEquals(List.of("Alice"), users.list());
        assertEquals("user 'carol' not found",
                assertThrows(UserStoreException.class, () -> users.remove("carol")).getMessage());
        assertThrows(UserStoreException.class, () -> users.add("../x", "password-5".toCharArray()));
    }

    @Test
    void aUserAddedOnOneNodeLogsInOnAnother() throws Exception {
        PgUserStore first = node().users();
        PgUserStore second = node().users();
        first.add("carol", "carol-password".toCharArray());
        assertEquals("carol", second.authenticate("carol", "carol-password".toCharArray()).orElseThrow().name());
        first.setPassword("carol", "changed-password".toCharArray());
        assertEquals(Optional.empty(), second.authenticate("carol", "carol-password".toCharArray()),
                "a password remembered on one node is forgotten when another changes it");
        first.remove("carol");
        assertEquals(Optional.empty(), second.authenticate("carol", "changed-password".toCharArray()));
    }

    @Test
    void anOverrideInTheDatabaseTakesThePlaceOfTheConfigurations() throws Exception {
        PgUserStore users = node().users();
        users.add("dave", "dave-password".toCharArray());
        assertNull(users.authenticate("dave", "dave-password".toCharArray()).orElseThrow().override());
        users.setOverride("DAVE", """
                {"permissions": {"/": ["list", "read"]}, "tls": "required", "quotas": {"/": {"bytes": "1M"}}}""");
        Config.UserOverride override = users.authenticate("dave", "dave-password".toCharArray()).orElseThrow()
                .override();
        assertNotNull(override);
        assertEquals(Permission.readOnly(), override.permissions().get("/"));
        assertTrue(override.requiresTls());
        assertEquals(1024 * 1024, override.quotas().get("/").bytes());

        UserStoreException wrong = assertThrows(UserStoreException.class,
                () -> users.setOverride("dave", "{\"quotas\": {\"/Nowhere\": {\"bytes\": \"1M\"}}}"));
        assertTrue(wrong.getMessage().contains("names no mount"), wrong.getMessage());
        assertThrows(UserStoreException.class, () -> users.setOverride("dave", "{not json"));
        assertThrows(UserStoreException.class, () -> users.setOverride("nobody", "{}"));
        users.setOverride("dave", null);
        assertEquals(Optional.empty(), users.override("dave"));
    }

    @Test
    void aUsersFileMovesInWithItsHashes() throws Exception {
        PgUserStore users = node().users();
        String hash = HASHER.hash("erin-password".toCharArray());
        Path file = folder.resolve("users.txt");
        Files.writeString(file, "# loomftp users\nerin:" + hash + "\nfrank:plain-password\nerin:again\n",
                StandardCharsets.UTF_8);
        PlainTextImport.Result result = new PlainTextImport(users).importFrom(file);
        assertEquals(2, result.imported());
        assertEquals(1, result.skipped().size());
        assertEquals("erin", users.authenticate("erin", "erin-password".toCharArray()).orElseThrow().name());
        assertEquals("frank", users.authenticate("frank", "plain-password".toCharArray()).orElseThrow().name());
        try (Connection connection = engine.connect(database); Statement statement = connection.createStatement();
                var row = statement.executeQuery("select hash from loomftp_users where name_key = 'erin'")) {
            row.next();
            assertEquals(hash, row.getString(1), "the hash moved as it was");
        }
    }

    @Test
    void failuresOnTwoNodesCountTogetherAndABanReachesEveryNodeWithinASecond() throws Exception {
        LoginRecords first = node().state().logins();
        LoginRecords second = node().state().logins();
        InetAddress guesser = InetAddress.ofLiteral("203.0.113.7");
        Duration ban = Duration.ofMinutes(15);
        assertEquals(1, first.failed(guesser, 4, ban).failures());
        assertEquals(2, second.failed(guesser, 4, ban).failures());
        assertEquals(3, first.failed(guesser, 4, ban).failures());
        assertFalse(second.isBanned(guesser, Instant.now()));
        LoginRecords.Tally banned = first.failed(guesser, 4, ban);
        assertNotNull(banned.bannedUntil());
        assertTrue(first.isBanned(guesser, Instant.now()));
        await().atMost(Duration.ofSeconds(1)).until(() -> second.isBanned(guesser, Instant.now()));
        assertFalse(second.isBanned(InetAddress.ofLiteral("203.0.113.8"), Instant.now()));
        assertFalse(second.isBanned(guesser, banned.bannedUntil().plusSeconds(1)), "a ban ends");

        InetAddress other = InetAddress.ofLiteral("2001:db8::1");
        second.failed(other, 4, ban);
        first.succeeded(other);
        assertEquals(1, second.failed(other, 4, ban).failures(), "a good login on any node starts afresh");
    }

    @Test
    void aNodeStartedAfterABanKnowsIt() throws Exception {
        LoginRecords first = node().state().logins();
        InetAddress guesser = InetAddress.ofLiteral("198.51.100.3");
        first.failed(guesser, 1, Duration.ofMinutes(5));
        LoginRecords later = node().state().logins();
        await().atMost(Duration.ofSeconds(1)).until(() -> later.isBanned(guesser, Instant.now()));
    }

    @Test
    void twoNodesNeverTogetherPassAQuota() throws Exception {
        Path home = Files.createDirectories(folder.resolve("home"));
        Files.write(home.resolve("old.bin"), new byte[(int) MIB]);
        Quota quota = new Quota(10 * MIB, 1000);
        QuotaCounter first = node().state().quotas().counterOf(home.toString(), new LocalStorage(home));
        QuotaCounter second = node().state().quotas().counterOf(home.toString(), new LocalStorage(home));
        assertEquals(new dev.loomftp.storage.QuotaUsage.Use(MIB, 1), second.now(), "measured by a walk");

        // Sixteen uploads on two nodes, each wanting 1 MiB in 64 KiB steps: 9 MiB of room, so at
        // most 9 MiB is ever held, and every step either fits whole or is refused.
        AtomicLong granted = new AtomicLong();
        List<Callable<Long>> uploads = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            QuotaCounter counter = i % 2 == 0 ? first : second;
            uploads.add(() -> {
                QuotaCounter.Reservation room = counter.reserve(quota, 1).orElseThrow();
                long held = 0;
                while (held < MIB && room.grow(64 * 1024)) {
                    held += 64 * 1024;
                    granted.addAndGet(64 * 1024);
                }
                if (held == MIB) {
                    room.commit(MIB, 1);
                } else {
                    room.release();
                }
                return held == MIB ? MIB : 0L;
            });
        }
        long committed = 0;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Future<Long> done : pool.invokeAll(uploads)) {
                committed += done.get();
            }
        }
        assertTrue(committed <= 9 * MIB, committed + " bytes committed");
        assertEquals(MIB + committed, first.now().bytes(), "committed uploads counted once, on every node");
        assertEquals(1 + committed / MIB, second.now().files());

        // A node that stops gives its room back; one that dies holds it only while its row is fresh.
        QuotaCounter.Reservation held = first.reserve(quota, 1).orElseThrow();
        long free = quota.bytes() - second.now().bytes();
        assertTrue(held.grow(free));
        assertEquals(quota.bytes(), second.now().bytes());
        QuotaCounter.Reservation none = second.reserve(quota, 1).orElseThrow();
        assertFalse(none.grow(1), "no byte left");
        none.release();
        SharedDatabase stopped = nodes.getFirst();
        stopped.close();
        nodes.remove(stopped);
        assertEquals(MIB + committed, second.now().bytes());
        try (Connection connection = engine.connect(database); Statement statement = connection.createStatement()) {
            statement.executeUpdate("insert into loomftp_nodes values ('00000000-0000-0000-0000-000000000001',"
                    + " 'dead', now() - interval '1 hour')");
            statement.executeUpdate("insert into loomftp_quota_reservations values ('00000000-0000-0000-0000-00000000000a',"
                    + " '" + home + "', '00000000-0000-0000-0000-000000000001', 1048576, 1)");
            assertEquals(MIB + committed, second.now().bytes(), "the room of a node unheard of for long is not counted");
            statement.executeUpdate("update loomftp_nodes set seen = now() where name = 'dead'");
            assertEquals(2 * MIB + committed, second.now().bytes(), "while its node is heard of, it is");
        }
    }

    @Test
    void theSchemaIsMadeOnceWhicheverNodeStartsFirst() throws Exception {
        node();
        node();
        try (Connection connection = engine.connect(database); Statement statement = connection.createStatement();
                var rows = statement.executeQuery("select count(*) from loomftp_schema_history where success")) {
            rows.next();
            assertEquals(1, rows.getInt(1));
        }
    }

    @Test
    void aWrongPasswordOrAMissingDatabaseStopsTheStartWithOneLine() throws Exception {
        DatabaseException wrong = assertThrows(DatabaseException.class,
                () -> SharedDatabase.open(config, HASHER, java.util.Map.of("PGPASSWORD", "not-it")));
        assertTrue(wrong.getMessage().startsWith("cannot use the database loomftp_"), wrong.getMessage());
        assertTrue(wrong.getMessage().contains("password authentication failed"), wrong.getMessage());
        assertFalse(wrong.getMessage().contains("not-it"), "no password in a message");
        assertFalse(wrong.getMessage().contains("Exception"), wrong.getMessage());
        Config missing = config(folder, new Config.Database(database.url() + "_missing", database.user(), 4));
        DatabaseException absent = assertThrows(DatabaseException.class,
                () -> SharedDatabase.open(missing, HASHER, PgEngine.environment()));
        assertTrue(absent.getMessage().contains("does not exist"), absent.getMessage());
    }
}
