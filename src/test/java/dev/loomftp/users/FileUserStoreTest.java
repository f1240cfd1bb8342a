package dev.loomftp.users;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FileUserStoreTest {
    private static final PasswordHasher HASHER = new PasswordHasher(PasswordHasher.MIN_ITERATIONS);
    private static final String PASSWORD = "correct horse";

    @TempDir
    Path dir;
    private Path file;
    private FileUserStore store;

    @BeforeEach
    void openStore() {
        file = dir.resolve("users/loomftp-users.txt");
        store = newStore();
    }

    @Test
    void storeWithoutAFileHasNoUsersAndCreatesNone() throws UserStoreException {
        assertEquals(List.of(), store.list());
        assertEquals(List.of(), store.names());
        assertEquals(Optional.empty(), store.authenticate("alice", PASSWORD.toCharArray()));
        assertFalse(Files.exists(file));
    }

    @Test
    void addedUserLogsInWithTheRightPasswordOnly() throws UserStoreException {
        store.add("alice", PASSWORD.toCharArray());

        assertEquals(Optional.of(new User("alice")), store.authenticate("alice", PASSWORD.toCharArray()));
        assertEquals(Optional.empty(), store.authenticate("alice", "wrong horse".toCharArray()));
        assertEquals(Optional.empty(), store.authenticate("alice", "Correct Horse".toCharArray()), "passwords keep case");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bob", "bob", "BOB", "bOB"})
    void aNameLogsInInAnyCaseAsTheUserSpelledAsInTheFile(String typed) throws UserStoreException {
        store.add("Bob", PASSWORD.toCharArray());

        assertEquals(Optional.of(new User("Bob")), store.authenticate(typed, PASSWORD.toCharArray()));
        assertEquals(Optional.empty(), store.authenticate(typed, "wrong horse".toCharArray()));
        assertEquals(Optional.of("Bob"), store.find(typed));
        assertEquals(List.of("Bob"), store.names());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u212Aate", "kate ", "k\u0061te\u0000"})
    void lookAlikesOfANameDoNotLogIn(String lookAlike) throws UserStoreException {
        store.add("kate", PASSWORD.toCharArray());

        assertEquals(Optional.empty(), store.authenticate(lookAlike, PASSWORD.toCharArray()));
        assertEquals(Optional.empty(), store.find(lookAlike));
    }

    @Test
    void passwordAndRemovalFindTheUserInAnyCaseAndGiveItsSpelling() throws Exception {
        store.add("Bob", PASSWORD.toCharArray());
        store.add("carol", PASSWORD.toCharArray());

        assertEquals("Bob", store.setPassword("BOB", "new password".toCharArray()));
        assertEquals(Optional.of(new User("Bob")), store.authenticate("bob", "new password".toCharArray()));
        assertEquals("carol", store.remove("CaRoL"));

        assertEquals(List.of("Bob"), store.list());
        List<String> lines = Files.readAllLines(file, UTF_8);
        assertEquals(3, lines.size(), lines::toString);
        assertTrue(lines.get(2).startsWith("Bob:$pbkdf2-sha256$"), "still spelled as added: " + lines.get(2));
    }

    @Test
    void aWeakerHashIsMadeAgainAtTheCurrentCostAtTheNextRightLoginOnly() throws Exception {
        store.add("alice", PASSWORD.toCharArray());
        String weak = hashOf("alice");
        FileUserStore stronger = new FileUserStore(file, new PasswordHasher(PasswordHasher.MIN_ITERATIONS * 2));

        assertEquals(Optional.empty(), stronger.authenticate("alice", "wrong password".toCharArray()));
        assertEquals(weak, hashOf("alice"), "a wrong password changes nothing");

        assertEquals(Optional.of(new User("alice")), stronger.authenticate("ALICE", PASSWORD.toCharArray()));
        String upgraded = hashOf("alice");
        assertTrue(upgraded.startsWith("$pbkdf2-sha256$" + PasswordHasher.MIN_ITERATIONS * 2 + "$"), upgraded);
        assertEquals(Optional.of(new User("alice")), stronger.authenticate("alice", PASSWORD.toCharArray()));
        assertEquals(Optional.empty(), stronger.authenticate("alice", "wrong password".toCharArray()));
        assertEquals(upgraded, hashOf("alice"), "a current hash is left as it is");

        assertEquals(Optional.of(new User("alice")), store.authenticate("alice", PASSWORD.toCharArray()),
                "a hasher of a lower cost still verifies a stronger hash, and leaves it");
        assertEquals(upgraded, hashOf("alice"));
    }

    /** The hash the users file holds for {@code name}, read from the file as it is now. */
    private String hashOf(String name) throws IOException {
        return Files.readAllLines(file, UTF_8).stream().filter(line -> line.startsWith(name + ":"))
                .map(line -> line.substring(name.length() + 1)).findFirst().orElseThrow();
    }

    @Test
    void unknownUserDoesNotLogIn() throws UserStoreException {
        store.add("alice", PASSWORD.toCharArray());

        assertEquals(Optional.empty(), store.authenticate("mallory", PASSWORD.toCharArray()));
    }

    @Test
    void newFileStartsWithTheHeaderAndHoldsOneHashedLineAUser() throws Exception {
        store.add("alice", PASSWORD.toCharArray());

        List<String> lines = Files.readAllLines(file, UTF_8);

        assertEquals(UsersFile.HEADER, lines.subList(0, 2));
        assertEquals(3, lines.size());
        assertTrue(lines.get(2).startsWith("alice:$pbkdf2-sha256$1000$"), lines.get(2));
        assertTrue(PasswordHasher.isWellFormed(lines.get(2).substring("alice:".length())));
    }

    @Test
    void fileNeverHoldsThePlainTextPassword() throws Exception {
        store.add("alice", PASSWORD.toCharArray());
        store.setPassword("alice", "another secret".toCharArray());

        String text = Files.readString(file);

        assertFalse(text.contains(PASSWORD) || text.contains("another secret"), text);
    }

    @Test
    void fileIsReadableByItsOwnerOnly() throws Exception {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Files.createDirectories(file.getParent());
        Files.writeString(file, "# open to all\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));

        store.add("alice", PASSWORD.toCharArray());

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void rewriteLeavesNoTemporaryFileBehind() throws Exception {
        store.add("alice", PASSWORD.toCharArray());
        store.add("bob", PASSWORD.toCharArray());

        try (var files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void listIsSorted() throws UserStoreException {
        for (String name : List.of("carol", "alice", "bob")) {
            store.add(name, PASSWORD.toCharArray());
        }

        assertEquals(List.of("alice", "bob", "carol"), store.list());
        assertEquals(List.of("alice", "bob", "carol"), store.names());
    }

    @Test
    void addingAnExistingUserIsRefused() throws UserStoreException {
        store.add("alice", PASSWORD.toCharArray());

        UserStoreException e = assertThrows(UserStoreException.class, () -> store.add("alice", "x".toCharArray()));

        assertEquals("user 'alice' already exists", e.getMessage());
        assertEquals(Optional.of(new User("alice")), store.authenticate("alice", PASSWORD.toCharArray()));
    }

    @Test
    void addingANameThatDiffersOnlyInCaseIsRefused() throws UserStoreException {
        store.add("alice", PASSWORD.toCharArray());

        UserStoreException e = assertThrows(UserStoreException.class, () -> store.add("ALICE", "x".toCharArray()));

        assertEquals("user 'alice' already exists, and 'ALICE' is the same name (user names ignore case)",
                e.getMessage());
        assertEquals(List.of("alice"), store.list());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "bob | Bob | user 'Bob' is already on line 3 as 'bob' (user names ignore case)",
        "bob | bob | user 'bob' is already on line 3"})
    void aFileThatNamesOneUserTwiceIsRefusedNamingBothLines(String first, String second, String problem)
            throws Exception {
        String hash = HASHER.hash(PASSWORD.toCharArray());
        Files.createDirectories(file.getParent());
        Files.write(file, List.of("# site users", "", first + ":" + hash, "alice:" + hash, second + ":" + hash), UTF_8);
        String message = "cannot read " + file + ": line 5: " + problem + "; delete one of the two lines";

        assertEquals(message, assertThrows(UserStoreException.class, store::list).getMessage());
        assertEquals(message, assertThrows(UserStoreException.class,
                () -> store.add("carol", PASSWORD.toCharArray())).getMessage());
        assertEquals(message, assertThrows(UserStoreException.class, () -> store.remove(second)).getMessage());
        for (String name : List.of(first, second, "alice")) {
            assertEquals(Optional.empty(), store.authenticate(name, PASSWORD.toCharArray()), "neither line is picked");
        }
        assertEquals(List.of(), store.names());
        assertEquals(5, Files.readAllLines(file, UTF_8).size(), "the file is left for the operator to mend");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Public", "a/b", "../etc", "-rf", "a:b", "with space"})
    void invalidNamesAreRefusedBeforeTheFileIsTouched(String name) {
        UserStoreException e = assertThrows(UserStoreException.class, () -> store.add(name, PASSWORD.toCharArray()));

        assertTrue(e.getMessage().startsWith("invalid user name '"), e.getMessage());
        assertFalse(Files.exists(file));
    }

    @Test
    void setPasswordReplacesTheOldOne() throws UserStoreException {
        store.add("alice", PASSWORD.toCharArray());

        store.setPassword("alice", "new password".toCharArray());

        assertEquals(Optional.empty(), store.authenticate("alice", PASSWORD.toCharArray()));
        assertEquals(Optional.of(new User("alice")), store.authenticate("alice", "new password".toCharArray()));
    }

    @Test
    void removedUserNoLongerLogsIn() throws UserStoreException {
        store.add("alice", PASSWORD.toCharArray());
        store.add("bob", PASSWORD.toCharArray());

        store.remove("alice");

        assertEquals(List.of("bob"), store.list());
        assertEquals(Optional.empty(), store.authenticate("alice", PASSWORD.toCharArray()));
    }

    @Test
    void changingOrRemovingAnUnknownUserFails() throws UserStoreException {
        store.add("alice", PASSWORD.toCharArray());

        UserStoreException passwd = assertThrows(UserStoreException.class,
                () -> store.setPassword("bob", PASSWORD.toCharArray()));
        UserStoreException remove = assertThrows(UserStoreException.class, () -> store.remove("ALICE2"));

        assertEquals("user 'bob' not found", passwd.getMessage());
        assertEquals("user 'ALICE2' not found", remove.getMessage());
    }

    @Test
    void commentsAndInvalidLinesSurviveARewrite() throws Exception {
        String hash = HASHER.hash(PASSWORD.toCharArray());
        List<String> original = List.of("# site users", "", "bob:" + hash, "not a user line", "bad name:" + hash);
        Files.createDirectories(file.getParent());
        Files.write(file, original, UTF_8);

        store.add("carol", PASSWORD.toCharArray());
        store.remove("bob");

        assertEquals(List.of("# site users", "", "not a user line", "bad name:" + hash, lineOf("carol")),
                Files.readAllLines(file, UTF_8));
        assertEquals(List.of("carol"), store.list());
    }

    @Test
    void runningStoreSeesUsersAddedByAnotherStore() throws UserStoreException {
        assertEquals(Optional.empty(), store.authenticate("alice", PASSWORD.toCharArray()));

        newStore().add("alice", PASSWORD.toCharArray());

        assertEquals(Optional.of(new User("alice")), store.authenticate("alice", PASSWORD.toCharArray()));
        assertEquals(List.of("alice"), store.names());
    }

    @Test
    void runningStoreSeesPasswordChangesAndRemovalsByAnotherStore() throws UserStoreException {
        store.add("alice", PASSWORD.toCharArray());
        assertTrue(store.authenticate("alice", PASSWORD.toCharArray()).isPresent());
        FileUserStore admin = newStore();

        admin.setPassword("alice", "changed elsewhere".toCharArray());
        assertEquals(Optional.empty(), store.authenticate("alice", PASSWORD.toCharArray()));
        assertTrue(store.authenticate("alice", "changed elsewhere".toCharArray()).isPresent());

        admin.remove("alice");
        assertEquals(Optional.empty(), store.authenticate("alice", "changed elsewhere".toCharArray()));
    }

    @Test
    void runningStoreSeesTheFileDeleted() throws Exception {
        store.add("alice", PASSWORD.toCharArray());
        assertTrue(store.authenticate("alice", PASSWORD.toCharArray()).isPresent());

        Files.delete(file);

        assertEquals(Optional.empty(), store.authenticate("alice", PASSWORD.toCharArray()));
        assertEquals(List.of(), store.names());
    }

    @Test
    void unreadableFileFailsListAndRefusesEveryLogin() throws Exception {
        Files.createDirectories(file);

        UserStoreException e = assertThrows(UserStoreException.class, store::list);

        assertTrue(e.getMessage().startsWith("cannot read " + file + ": "), e.getMessage());
        assertEquals(Optional.empty(), store.authenticate("alice", PASSWORD.toCharArray()));
        assertEquals(List.of(), store.names());
    }

    @Test
    void fileThatIsNotUtf8IsReportedAsSuch() throws Exception {
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[] {'a', ':', (byte) 0xff, '\n'});

        UserStoreException e = assertThrows(UserStoreException.class, store::list);

        assertEquals("cannot read " + file + ": it is not UTF-8 text", e.getMessage());
    }

    @Test
    void fileInAFolderThatCannotExistIsReportedAndNothingChanges() throws Exception {
        Files.writeString(dir.resolve("users"), "a file where the folder should be");

        UserStoreException e = assertThrows(UserStoreException.class, () -> store.add("alice", PASSWORD.toCharArray()));

        assertTrue(e.getMessage().startsWith("cannot read " + file + ": "), e.getMessage());
        assertEquals("a file where the folder should be", Files.readString(dir.resolve("users")));
    }

    private FileUserStore newStore() {
        return new FileUserStore(file, HASHER);
    }

    private String lineOf(String name) throws IOException {
        return Files.readAllLines(file, UTF_8).stream().filter(line -> line.startsWith(name + ":")).findFirst()
                .orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice", "ALICE"})
    void aWrongPasswordTakesAsLongForAnUnknownUserAsForAKnownOne(String typed) throws UserStoreException {
        FileUserStore store = new FileUserStore(dir.resolve("timed-users.txt"), new PasswordHasher(50_000));
        store.add("alice", "alice-password".toCharArray());
        long[] known = new long[11];
        long[] unknown = new long[11];
        for (int round = -5; round < known.length; round++) {
            long first = nanos(() -> store.authenticate(typed, "wrong-password".toCharArray()));
            long second = nanos(() -> store.authenticate("nobody", "wrong-password".toCharArray()));
            if (round >= 0) {
                known[round] = first;
                unknown[round] = second;
            }
        }
        long knownMedian = median(known);
        long unknownMedian = median(unknown);
        double ratio = (double) unknownMedian / knownMedian;
        assertTrue(ratio > 0.5 && ratio < 2.0,
                "known " + knownMedian / 1000 + " us, unknown " + unknownMedian / 1000 + " us");
    }

    private static long nanos(Runnable login) {
        long started = System.nanoTime();
        login.run();
        return System.nanoTime() - started;
    }

    private static long median(long[] times) {
        long[] sorted = times.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
