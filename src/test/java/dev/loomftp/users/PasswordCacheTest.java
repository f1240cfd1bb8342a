package dev.loomftp.users;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verified-login cache of {@link FileUserStore}, seen through the count of PBKDF2 runs. */
class PasswordCacheTest {
    private static final PasswordHasher HASHER = new PasswordHasher(PasswordHasher.MIN_ITERATIONS);
    private static final String PASSWORD = "correct horse";

    @TempDir
    Path dir;
    private Path file;

    @BeforeEach
    void addUsers() throws UserStoreException {
        file = dir.resolve("users.txt");
        FileUserStore admin = new FileUserStore(file, HASHER, 0);
        for (String name : List.of("alice", "bob", "carol")) {
            admin.add(name, PASSWORD.toCharArray());
        }
    }

    @Test
    void aSecondLoginWithTheSamePasswordRunsNoHash() {
        FileUserStore store = store(10);

        assertEquals(login("alice"), store.authenticate("alice", PASSWORD.toCharArray()));
        assertEquals(1, store.hashesRun());
        assertEquals(login("alice"), store.authenticate("ALICE", PASSWORD.toCharArray()), "names ignore case");
        assertEquals(login("alice"), store.authenticate("alice", PASSWORD.toCharArray()));

        assertEquals(1, store.hashesRun());
    }

    @Test
    void aWrongPasswordIsNeverCachedAndAlwaysCostsAHash() {
        FileUserStore store = store(10);

        assertEquals(Optional.empty(), store.authenticate("alice", "wrong".toCharArray()));
        assertEquals(Optional.empty(), store.authenticate("alice", "wrong".toCharArray()));
        assertEquals(2, store.hashesRun());

        assertEquals(login("alice"), store.authenticate("alice", PASSWORD.toCharArray()));
        assertEquals(Optional.empty(), store.authenticate("alice", "wrong".toCharArray()));
        assertEquals(Optional.empty(), store.authenticate("alice", "Correct horse".toCharArray()));
        assertEquals(5, store.hashesRun(), "a wrong password after a cached right one still costs a full hash");
    }

    @Test
    void anUnknownUserAlwaysCostsAHash() {
        FileUserStore store = store(10);

        for (int i = 0; i < 3; i++) {
            assertEquals(Optional.empty(), store.authenticate("mallory", PASSWORD.toCharArray()));
        }

        assertEquals(3, store.hashesRun());
    }

    @Test
    void aPasswordChangedByAnotherStoreIsNotTakenFromTheCache() throws UserStoreException {
        FileUserStore store = store(10);
        store.authenticate("alice", PASSWORD.toCharArray());

        new FileUserStore(file, HASHER, 0).setPassword("alice", "changed".toCharArray());

        assertEquals(Optional.empty(), store.authenticate("alice", PASSWORD.toCharArray()));
        assertEquals(login("alice"), store.authenticate("alice", "changed".toCharArray()));
        assertEquals(login("alice"), store.authenticate("alice", "changed".toCharArray()));
        assertEquals(3, store.hashesRun());
    }

    @Test
    void aRemovedUserIsNotTakenFromTheCache() throws UserStoreException {
        FileUserStore store = store(10);
        store.authenticate("alice", PASSWORD.toCharArray());

        new FileUserStore(file, HASHER, 0).remove("alice");

        assertEquals(Optional.empty(), store.authenticate("alice", PASSWORD.toCharArray()));
        assertEquals(2, store.hashesRun());
    }

    @Test
    void anyChangeOfTheFileForgetsEveryLogin() throws Exception {
        FileUserStore store = store(10);
        store.authenticate("alice", PASSWORD.toCharArray());
        store.authenticate("bob", PASSWORD.toCharArray());

        Files.writeString(file, Files.readString(file) + "# a comment\n");

        assertEquals(login("alice"), store.authenticate("alice", PASSWORD.toCharArray()));
        assertEquals(login("bob"), store.authenticate("bob", PASSWORD.toCharArray()));
        assertEquals(4, store.hashesRun());
    }

    @Test
    void theLeastRecentLoginIsDroppedPastTheBound() {
        FileUserStore store = store(2);
        store.authenticate("alice", PASSWORD.toCharArray());
        store.authenticate("bob", PASSWORD.toCharArray());
        store.authenticate("alice", PASSWORD.toCharArray());
        assertEquals(2, store.hashesRun());

        store.authenticate("carol", PASSWORD.toCharArray());
        store.authenticate("alice", PASSWORD.toCharArray());
        assertEquals(3, store.hashesRun(), "alice was used more lately than bob, so bob made room for carol");

        assertEquals(login("bob"), store.authenticate("bob", PASSWORD.toCharArray()));
        assertEquals(4, store.hashesRun());
    }

    @Test
    void capacityZeroCachesNothing() {
        FileUserStore store = store(0);

        for (int i = 0; i < 3; i++) {
            assertEquals(login("alice"), store.authenticate("alice", PASSWORD.toCharArray()));
        }

        assertEquals(3, store.hashesRun());
    }

    @Test
    void aStormOfOneUsersLoginsCostsNoMoreHashesThanRunAtOnce() throws Exception {
        FileUserStore store = new FileUserStore(file, HASHER, 10, 2);
        List<Future<Optional<User>>> logins = new ArrayList<>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Callable<Optional<User>> login = () -> store.authenticate("alice", PASSWORD.toCharArray());
            for (int i = 0; i < 100; i++) {
                logins.add(threads.submit(login));
            }
            for (Future<Optional<User>> each : logins) {
                assertEquals(login("alice"), each.get());
            }
        }

        assertTrue(store.hashesRun() <= 2, "a later login finds the first ones' result: " + store.hashesRun());
    }

    private FileUserStore store(int capacity) {
        return new FileUserStore(file, HASHER, capacity);
    }

    private static Optional<User> login(String name) {
        return Optional.of(new User(name));
    }
}
