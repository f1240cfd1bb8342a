package dev.loomftp.pg;

import dev.loomftp.config.Config;
import dev.loomftp.config.ConfigException;
import dev.loomftp.config.ConfigLoader;
import dev.loomftp.users.LoginVerifier;
import dev.loomftp.users.PasswordHasher;
import dev.loomftp.users.User;
import dev.loomftp.users.UserAdmin;
import dev.loomftp.users.UserNames;
import dev.loomftp.users.UserStoreException;
import dev.loomftp.users.UsersUnavailableException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tinylog.Logger;

/**
 * The users in the database every node shares: a name, a {@link PasswordHasher} hash and, for some,
 * an override written as one of {@code users.overrides} is, which takes the place of the
 * configuration's for that user. Each login reads its user afresh, so a user added, changed or
 * removed on one node (or with {@code loomftp user}) counts on every node at the next login.
 *
 * <p>Names ignore case, as {@link UserNames} explains: rows are keyed by {@link UserNames#key}.
 * Passwords and hashes are never logged. Safe to use from many threads at once.
 */
public final class PgUserStore implements UserAdmin {
    private final Database database;
    private final PasswordHasher hasher;
    private final LoginVerifier logins;
    private final Config.Storage storage;

    /**
     * @param storage       the mounts an override may name
     * @param passwordCache how many users' verified logins are kept, as for a users file
     */
    public PgUserStore(Database database, PasswordHasher hasher, int passwordCache, Config.Storage storage) {
        this.database = database;
        this.hasher = hasher;
        this.logins = LoginVerifier.create(hasher, passwordCache);
        this.storage = storage;
    }

    /** A user's row. */
    private record Row(String name, String hash, String override) {}

    /**
     * {@inheritDoc}
     *
     * <p>A user whose override cannot be read (it names a mount the configuration no longer has)
     * is refused, and the reason logged.
     *
     * @throws UsersUnavailableException when the database cannot be reached: the login can be
     *                                   neither let in nor refused
     */
    @Override
    public Optional<User> authenticate(String name, char[] password) {
        Optional<Row> row;
        try {
            row = database.transaction(connection -> row(connection, name));
        } catch (DatabaseException e) {
            throw new UsersUnavailableException(e.getMessage(), e);
        }
        try {
            boolean right = logins.check(UserNames.key(name), row.map(Row::hash), password);
            if (!right) {
                return Optional.empty();
            }
            if (!hasher.isCurrent(row.get().hash())) {
                upgrade(row.get(), password);
            }
            return Optional.of(new User(row.get().name(), override(row.get())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ConfigException e) {
            Logger.warn("user {} cannot log in: their override in the database is wrong: {}", row.get().name(),
                    e.getMessage());
            return Optional.empty();
        }
    }

    private Config.UserOverride override(Row row) throws ConfigException {
        return row.override() == null ? null
                : ConfigLoader.userOverride("the override of " + row.name(), row.override(), storage);
    }

    /** As for a users file: a hash weaker than the current cost is made again now that the password is known. */
    private void upgrade(Row row, char[] password) throws InterruptedException {
        String stronger = logins.rehash(password);
        try {
            database.transaction(connection -> {
                try (PreparedStatement update = connection.prepareStatement(
                        "update loomftp_users set hash = ? where name_key = ? and hash = ?")) {
                    update.setString(1, stronger);
                    update.setString(2, UserNames.key(row.name()));
                    update.setString(3, row.hash());
                    return update.executeUpdate();
                }
            });
            Logger.info("the password hash of {} was upgraded to the current cost", row.name());
        } catch (DatabaseException e) {
            Logger.warn("the password hash of {} could not be upgraded: {}", row.name(), e.getMessage());
        }
    }

    /** {@inheritDoc} Empty when the database cannot be reached, which is logged. */
    @Override
    public List<String> names() {
        try {
            return list();
        } catch (UserStoreException e) {
            Logger.warn("the users cannot be listed: {}", e.getMessage());
            return List.of();
        }
    }

    @Override
    public List<String> list() throws UserStoreException {
        return call(connection -> {
            List<String> names = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement("select name from loomftp_users order by name_key");
                    ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
            return names;
        });
    }

    @Override
    public Optional<String> find(String name) throws UserStoreException {
        return call(connection -> row(connection, name)).map(Row::name);
    }

    @Override
    public void add(String name, char[] password) throws UserStoreException {
        check(name);
        insert(name, hasher.hash(password));
    }

    @Override
    public void addHashed(String name, String hash) throws UserStoreException {
        check(name);
        if (!PasswordHasher.isWellFormed(hash)) {
            throw new UserStoreException("the password hash of '" + name + "' is not a loomftp hash");
        }
        insert(name, hash);
    }

    private void insert(String name, String hash) throws UserStoreException {
        Optional<String> existing = call(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("""
                    insert into loomftp_users (name_key, name, hash) values (?, ?, ?)
                    on conflict (name_key) do nothing""")) {
                insert.setString(1, UserNames.key(name));
                insert.setString(2, name);
                insert.setString(3, hash);
                return insert.executeUpdate() == 1 ? Optional.empty() : row(connection, name).map(Row::name);
            }
        });
        if (existing.isPresent()) {
            throw UserStoreException.alreadyExists(existing.get(), name);
        }
    }

    @Override
    public String setPassword(String name, char[] password) throws UserStoreException {
        String hash = hasher.hash(password);
        return change(name, "update loomftp_users set hash = ? where name_key = ? returning name", hash);
    }

    @Override
    public String remove(String name) throws UserStoreException {
        return change(name, "delete from loomftp_users where name_key = ? returning name", null);
    }

    /**
     * The override of the user {@code name} names, as the database keeps it.
     *
     * @return empty when the user has none (the configuration's counts)
     * @throws UserStoreException when there is no such user or the database cannot be reached
     */
    public Optional<String> override(String name) throws UserStoreException {
        Row row = call(connection -> row(connection, name)).orElseThrow(() -> UserStoreException.notFound(name));
        return Optional.ofNullable(row.override());
    }

    /**
     * Sets the override of the user {@code name} names, checked first as the configuration's are;
     * null removes it, so the configuration's counts again.
     *
     * @return the user's name as the database spells it
     * @throws UserStoreException when the override is wrong, there is no such user, or the
     *                            database cannot be reached
     */
    public String setOverride(String name, String json) throws UserStoreException {
        if (json != null) {
            try {
                ConfigLoader.userOverride("the override", json, storage);
            } catch (ConfigException e) {
                throw new UserStoreException(e.getMessage(), e);
            }
        }
        return change(name, "update loomftp_users set override = ? where name_key = ? returning name", json);
    }

    /** Runs {@code sql}, which takes an optional first value and then the name key, on one user. */
    private String change(String name, String sql, String value) throws UserStoreException {
        Optional<String> changed = call(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                int next = 1;
                if (sql.startsWith("update")) {
                    statement.setString(next++, value);
                }
                statement.setString(next, UserNames.key(name));
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next() ? Optional.of(rows.getString(1)) : Optional.<String>empty();
                }
            }
        });
        return changed.orElseThrow(() -> UserStoreException.notFound(name));
    }

    private static Optional<Row> row(java.sql.Connection connection, String name) throws java.sql.SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "select name, hash, override from loomftp_users where name_key = ?")) {
            query.setString(1, UserNames.key(name));
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? Optional.of(new Row(rows.getString(1), rows.getString(2), rows.getString(3)))
                        : Optional.empty();
            }
        }
    }

    private static void check(String name) throws UserStoreException {
        try {
            UserNames.check(name);
        } catch (IllegalArgumentException e) {
            throw new UserStoreException(e.getMessage(), e);
        }
    }

    private <T> T call(Database.Work<T> work) throws UserStoreException {
        try {
            return database.transaction(work);
        } catch (DatabaseException e) {
            throw new UserStoreException(e.getMessage(), e);
        }
    }
}
