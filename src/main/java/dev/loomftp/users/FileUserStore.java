package dev.loomftp.users;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.tinylog.Logger;

/**
 * The users, kept in a UTF-8 text file with one {@code name:hash} line a user, where the hash is a
 * {@link PasswordHasher} hash. Blank lines and lines starting with '#' are comments; they are kept
 * when the file is rewritten, and a new file starts with a comment that explains the format.
 *
 * <p>The file is rewritten whole on every change: into a temporary file in the same folder, with
 * permissions {@code rw-------} where the file system has them, then moved over the old one in one
 * step, so that a reader sees the old file or the new one, never half of one.
 *
 * <p>Names ignore case, as {@link UserNames} explains: every method finds a user by any spelling of
 * the name, and the file keeps the spelling the user was added with. A file that names one user
 * twice cannot be read; the message gives both lines.
 *
 * <p>{@link #authenticate} is safe to call from many threads at once, and sees the changes that
 * {@code loomftp user} makes while the server runs: each call looks at the file's size, time and
 * identity, and reads the file again when one of them changed. A line that is not a valid user is
 * skipped and logged once per change of the file. Passwords and hashes are never logged.
 */
public final class FileUserStore implements UserAdmin {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** The default {@code passwordCache}: how many users' verified logins are kept. */
    public static final int DEFAULT_PASSWORD_CACHE = VerifiedLogins.DEFAULT_CAPACITY;

    private final Path file;
    private final PasswordHasher hasher;
    private final LoginVerifier logins;
    private final ReentrantLock reloading = new ReentrantLock();
    private final ReentrantLock writing = new ReentrantLock();
    private volatile Snapshot snapshot = Snapshot.STALE;

    /**
     * A store that keeps the verified logins of up to {@value #DEFAULT_PASSWORD_CACHE} users.
     *
     * @param file   the users file; it need not exist yet, which means there are no users
     * @param hasher hashes new passwords and checks logins
     */
    public FileUserStore(Path file, PasswordHasher hasher) {
        this(file, hasher, DEFAULT_PASSWORD_CACHE);
    }

    /**
     * @param file          the users file; it need not exist yet, which means there are no users
     * @param hasher        hashes new passwords and checks logins
     * @param passwordCache how many users' verified logins are kept, so that their next login with
     *                      the same password costs no PBKDF2 run; 0 keeps none
     */
    public FileUserStore(Path file, PasswordHasher hasher, int passwordCache) {
        this(file, hasher, passwordCache, LoginVerifier.defaultMaxHashing());
    }

    /** As above, with at most {@code maxHashing} PBKDF2 runs at once rather than one a core. */
    FileUserStore(Path file, PasswordHasher hasher, int passwordCache, int maxHashing) {
        this.file = Objects.requireNonNull(file, "file");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.logins = new LoginVerifier(hasher, new VerifiedLogins(passwordCache), maxHashing);
    }

    /** The users file. */
    public Path file() {
        return file;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The name is matched in any case, and the user has the spelling of the file. A name that is
     * not in the file costs a {@link PasswordHasher#burn}. When the file cannot be read, every
     * login fails and a warning is logged.
     *
     * <p>A password verified lately for the same user and stored hash is taken without a PBKDF2
     * run, as {@link LoginVerifier} explains; every change of the file forgets those. PBKDF2 runs
     * wait for one another on the caller's (virtual) thread, a few at once. A caller interrupted
     * while it waits gets empty, with its interrupt status set.
     */
    @Override
    public Optional<User> authenticate(String name, char[] password) {
        Optional<UsersFile.Entry> entry = current().users().find(name);
        try {
            boolean right = logins.check(UserNames.key(name), entry.map(UsersFile.Entry::hash), password);
            if (right && !hasher.isCurrent(entry.get().hash())) {
                upgrade(entry.get(), password);
            }
            return right ? entry.map(found -> new User(found.name())) : Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * Replaces a hash weaker than the hasher's current cost (fewer iterations, from an older
     * default) with a new one, now that the password is known to be right: existing hashes keep
     * working and grow stronger as their users log in. The file is left alone if the user's hash
     * changed meanwhile (a new password, set by {@code loomftp user passwd}). A failure to write
     * is logged and the login goes on.
     */
    private void upgrade(UsersFile.Entry entry, char[] password) throws InterruptedException {
        String stronger = logins.rehash(password);
        try {
            change(users -> users.find(entry.name()).filter(now -> now.hash().equals(entry.hash())).isPresent()
                    ? users.withHash(entry.name(), stronger) : users);
            Logger.info("the password hash of {} was upgraded to the current cost", entry.name());
        } catch (UserStoreException e) {
            Logger.warn("the password hash of {} could not be upgraded: {}", entry.name(), e.getMessage());
        }
    }

    /** The PBKDF2 runs that logins have cost so far, burns for unknown names included. */
    public long hashesRun() {
        return logins.hashes();
    }

    /** {@inheritDoc} As spelled in the file, sorted; empty when the file cannot be read, which is logged. */
    @Override
    public List<String> names() {
        return current().users().names();
    }

    /**
     * The names of every user, sorted, read from the file now.
     *
     * @throws UserStoreException when the file exists but cannot be read
     */
    @Override
    public List<String> list() throws UserStoreException {
        return read().names();
    }

    /**
     * The user that {@code name} names, in any case, as spelled in the file, read from the file now.
     *
     * @throws UserStoreException when the file exists but cannot be read
     */
    @Override
    public Optional<String> find(String name) throws UserStoreException {
        return read().find(name).map(UsersFile.Entry::name);
    }

    /**
     * Adds a user, spelled as {@code name} is.
     *
     * @throws UserStoreException when the name is invalid, when the user exists (in any case), or
     *                            when the file cannot be read or written
     */
    @Override
    public void add(String name, char[] password) throws UserStoreException {
        try {
            UserNames.check(name);
        } catch (IllegalArgumentException e) {
            throw new UserStoreException(e.getMessage(), e);
        }
        change(users -> {
            Optional<UsersFile.Entry> existing = users.find(name);
            if (existing.isPresent()) {
                throw UserStoreException.alreadyExists(existing.get().name(), name);
            }
            return users.with(name, hasher.hash(password));
        });
    }

    /** {@inheritDoc} */
    @Override
    public void addHashed(String name, String hash) throws UserStoreException {
        try {
            UserNames.check(name);
        } catch (IllegalArgumentException e) {
            throw new UserStoreException(e.getMessage(), e);
        }
        if (!PasswordHasher.isWellFormed(hash)) {
            throw new UserStoreException("the password hash of '" + name + "' is not a loomftp hash");
        }
        change(users -> {
            Optional<UsersFile.Entry> existing = users.find(name);
            if (existing.isPresent()) {
                throw UserStoreException.alreadyExists(existing.get().name(), name);
            }
            return users.with(name, hash);
        });
    }

    /**
     * Changes the password of the user that {@code name} names, in any case.
     *
     * @return the user's name as spelled in the file
     * @throws UserStoreException when there is no such user, or the file cannot be read or written
     */
    @Override
    public String setPassword(String name, char[] password) throws UserStoreException {
        UsersFile before = change(users -> users.withHash(existing(users, name), hasher.hash(password)));
        return existing(before, name);
    }

    /**
     * Removes the user that {@code name} names, in any case. Their home folder and files stay
     * where they are.
     *
     * @return the user's name as spelled in the file
     * @throws UserStoreException when there is no such user, or the file cannot be read or written
     */
    @Override
    public String remove(String name) throws UserStoreException {
        UsersFile before = change(users -> users.without(existing(users, name)));
        return existing(before, name);
    }

    private static String existing(UsersFile users, String name) throws UserStoreException {
        return users.find(name).orElseThrow(() -> UserStoreException.notFound(name)).name();
    }

    /**
     * Reads the file, changes it and writes it back, one change at a time in this process.
     *
     * @return the users as they were read, before the change
     */
    private UsersFile change(Change change) throws UserStoreException {
        writing.lock();
        try {
            UsersFile before = read();
            write(change.apply(before));
            snapshot = Snapshot.STALE;
            return before;
        } finally {
            writing.unlock();
        }
    }

    private UsersFile read() throws UserStoreException {
        try {
            return UsersFile.parse(file, Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return UsersFile.empty();
        } catch (CharacterCodingException e) {
            throw new UserStoreException("cannot read " + file + ": it is not UTF-8 text", e);
        } catch (IOException e) {
            throw UserStoreException.io("cannot read", file, e);
        }
    }

    private void write(UsersFile users) throws UserStoreException {
        Path folder = file.toAbsolutePath().getParent();
        Path temporary = null;
        try {
            Files.createDirectories(folder);
            temporary = Files.createTempFile(folder, "." + file.getFileName() + ".", ".tmp", ownerOnly(folder));
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(users.render().getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(temporary);
            throw UserStoreException.io("cannot write", file, e);
        }
    }

    /** Permissions {@code rw-------} for a new file, where the file system has POSIX permissions. */
    private static FileAttribute<?>[] ownerOnly(Path folder) {
        if (!folder.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)};
    }

    private static void deleteQuietly(Path temporary) {
        if (temporary == null) {
            return;
        }
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException e) {
            Logger.warn("cannot delete the temporary file {}: {}", temporary, UserStoreException.reason(e));
        }
    }

    /** The users as of the file's current state, read again when the file changed. */
    private Snapshot current() {
        Stamp stamp = Stamp.of(file);
        Snapshot seen = snapshot;
        if (seen.isFreshFor(stamp)) {
            return seen;
        }
        reloading.lock();
        try {
            seen = snapshot;
            if (seen.isFreshFor(stamp)) {
                return seen;
            }
            Snapshot loaded = load(stamp, seen);
            snapshot = loaded;
            // A login verified before may have been removed or changed; a changed hash would miss
            // anyway, since it is part of every digest, but what a new file holds is not looked into.
            logins.forget();
            return loaded;
        } finally {
            reloading.unlock();
        }
    }

    /** Reads the file whose state was {@code stamp} just before. A failure is logged when it is new. */
    private Snapshot load(Stamp stamp, Snapshot previous) {
        try {
            return new Snapshot(stamp, read(), null);
        } catch (UserStoreException e) {
            if (!e.getMessage().equals(previous.failure())) {
                Logger.warn("no one can log in: {}", e.getMessage());
            }
            return new Snapshot(stamp, UsersFile.empty(), e.getMessage());
        }
    }

    /** A change to the users file. */
    @FunctionalInterface
    private interface Change {
        UsersFile apply(UsersFile users) throws UserStoreException;
    }

    /**
     * The users read from the file in a given state.
     *
     * @param failure why the file could not be read, or null when it was
     */
    private record Snapshot(Stamp stamp, UsersFile users, String failure) {
        static final Snapshot STALE = new Snapshot(Stamp.UNKNOWN, UsersFile.empty(), null);

        /** Whether this still holds for a file in state {@code now}. A failed read is always retried. */
        boolean isFreshFor(Stamp now) {
            return failure == null && !now.equals(Stamp.UNKNOWN) && stamp.equals(now);
        }
    }

    /**
     * What tells whether the file changed: its size, its time, and its identity (the inode), which
     * changes with every rewrite since the new content is moved in from another file.
     */
    private record Stamp(long size, FileTime modified, Object key) {
        static final Stamp MISSING = new Stamp(-1, null, null);
        static final Stamp UNKNOWN = new Stamp(-2, null, null);

        static Stamp of(Path file) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                return new Stamp(attributes.size(), attributes.lastModifiedTime(), attributes.fileKey());
            } catch (NoSuchFileException e) {
                return MISSING;
            } catch (IOException e) {
                return UNKNOWN;
            }
        }
    }
}
