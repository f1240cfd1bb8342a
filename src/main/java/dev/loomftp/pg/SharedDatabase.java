package dev.loomftp.pg;

import dev.loomftp.config.Config;
import dev.loomftp.server.MemoryLoginRecords;
import dev.loomftp.server.SharedState;
import dev.loomftp.users.PasswordHasher;
import java.time.Clock;
import java.util.Map;

/**
 * What the nodes of one service share in PostgreSQL ({@code users.database}): the users, failed
 * logins and bans, and quota counters, with this node's registration and its listener for bans.
 * Open it once a process; close it when the server has stopped.
 */
public final class SharedDatabase implements AutoCloseable {
    private final Database database;
    private final PgUserStore users;
    private final PgNode node;
    private final SharedState state;

    private SharedDatabase(Database database, PgUserStore users, PgNode node, SharedState state) {
        this.database = database;
        this.users = users;
        this.node = node;
        this.state = state;
    }

    /**
     * Connects, migrates the schema and registers this node.
     *
     * @param environment where the password is looked for ({@code PGPASSWORD}, {@code PGPASSFILE},
     *                    {@code HOME}), and the host's name
     * @throws DatabaseException when the database cannot be reached or used
     */
    public static SharedDatabase open(Config config, PasswordHasher hasher, Map<String, String> environment)
            throws DatabaseException {
        Database database = Database.open(config.users().database(), environment);
        try {
            PgUserStore users = new PgUserStore(database, hasher, config.users().passwordCache(), config.storage());
            PgLoginRecords logins = new PgLoginRecords(database, new MemoryLoginRecords(Clock.systemUTC()));
            PgNode node = PgNode.start(database, logins,
                    environment.getOrDefault("HOSTNAME", "node") + ":" + ProcessHandle.current().pid());
            PgQuotaCounters quotas = new PgQuotaCounters(database, node.id());
            node.onBeat(quotas::retryUnfinished);
            return new SharedDatabase(database, users, node, new SharedState(users, logins, quotas));
        } catch (DatabaseException | RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /**
     * Connects and migrates the schema, for {@code loomftp user}: the users alone, without
     * registering a node.
     */
    public static PgUserStore users(Config config, PasswordHasher hasher, Map<String, String> environment,
            java.util.function.Consumer<AutoCloseable> closeLater) throws DatabaseException {
        Database database = Database.open(config.users().database(), environment);
        closeLater.accept(database);
        return new PgUserStore(database, hasher, config.users().passwordCache(), config.storage());
    }

    /** The users, bans and quota counters, for the server. */
    public SharedState state() {
        return state;
    }

    /** The users, for the checks a start makes. */
    public PgUserStore users() {
        return users;
    }

    @Override
    public void close() {
        node.close();
        database.close();
    }
}
