package dev.loomftp.pg;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.loomftp.config.Config;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.tinylog.Logger;

/**
 * The PostgreSQL database that the nodes of one service share: a small pool of connections
 * (HikariCP) and the schema, which {@link #open} brings up to date with Flyway whichever node
 * starts first (Flyway holds a lock in the database while it migrates).
 *
 * <p>Outages are expected and short: a connection is waited for at most 5 s, a statement
 * waits at most {@value #SOCKET_TIMEOUT_SECONDS} s for its answer, and the pool replaces broken
 * connections by itself once the database answers again, so a node recovers without a restart.
 * Safe to use from many threads at once.
 */
public final class Database implements AutoCloseable {
    /** How long a statement may wait for the database's answer before the connection counts as broken. */
    static final int SOCKET_TIMEOUT_SECONDS = 10;

    private final HikariDataSource pool;
    private final String where;
    private final java.util.Properties direct;

    private Database(HikariDataSource pool, String where, java.util.Properties direct) {
        this.pool = pool;
        this.where = where;
        this.direct = direct;
    }

    /**
     * Opens the pool and migrates the schema.
     *
     * @param environment where {@code PGPASSWORD}, {@code PGPASSFILE} and {@code HOME} are read
     * @throws DatabaseException when the database cannot be reached or refuses the role, or its
     *                           schema cannot be migrated
     */
    public static Database open(Config.Database settings, Map<String, String> environment) throws DatabaseException {
        HikariConfig config = new HikariConfig();
        config.setPoolName("loomftp-db");
        config.setJdbcUrl(settings.url());
        config.setUsername(settings.user());
        PgPass.password(settings, environment).ifPresent(config::setPassword);
        config.setMaximumPoolSize(settings.maxConnections());
        config.setMinimumIdle(Math.min(2, settings.maxConnections()));
        // While the database is down, a login gets 421 after this wait. Not shorter: in a storm of
        // logins, PBKDF2 runs keep every carrier thread busy, and the sessions that hold the
        // pool's connections wait for one to run their few milliseconds of SQL (bench/scaleout:
        // 1 s made 8 of 300 logins 421 on three nodes sharing two cores).
        config.setConnectionTimeout(5000);
        config.setValidationTimeout(500);
        config.setKeepaliveTime(30_000);
        // The pool is made even while the database is away; the first connection below says why it is.
        config.setInitializationFailTimeout(-1);
        java.util.Properties driver = new java.util.Properties();
        driver.setProperty("connectTimeout", "2");
        driver.setProperty("loginTimeout", "3");
        driver.setProperty("socketTimeout", Integer.toString(SOCKET_TIMEOUT_SECONDS));
        driver.setProperty("tcpKeepAlive", "true");
        driver.setProperty("ApplicationName", "loomftp");
        // A node cut off in the middle of a transaction must not hold a folder's row locked for
        // the others: a lock is waited for 2 s at most, and the server ends a transaction left
        // idle for 15 s.
        driver.setProperty("options", "-c lock_timeout=2000 -c idle_in_transaction_session_timeout=15000");
        driver.forEach((key, value) -> config.addDataSourceProperty((String) key, value));
        java.util.Properties direct = new java.util.Properties();
        direct.putAll(driver);
        direct.setProperty("user", settings.user());
        if (config.getPassword() != null) {
            direct.setProperty("password", config.getPassword());
        }
        String where = describe(settings);
        // One connection first, so that a wrong password or a missing database is told as
        // PostgreSQL tells it, rather than as a pool that timed out.
        try (Connection first = java.sql.DriverManager.getConnection(settings.url(), direct)) {
            first.isValid(1);
        } catch (SQLException e) {
            throw new DatabaseException("cannot use the database " + where + ": " + reason(e), e);
        }
        HikariDataSource pool = new HikariDataSource(config);
        try {
            Flyway.configure(Database.class.getClassLoader())
                    .dataSource(pool)
                    // The migrations are classes, listed here: a linked image has no class path to scan.
                    .locations(new String[0])
                    .javaMigrations(new V1__Shared_state())
                    .table("loomftp_schema_history")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw new DatabaseException("cannot use the database " + where + ": " + reason(e), e);
        }
        Logger.info("users, bans and quota counters are in the database {}", where);
        return new Database(pool, where, direct);
    }

    /** The database as logs name it: {@code loomftp at db.example.com:5432 as loomftp}; no password. */
    public static String describe(Config.Database settings) {
        java.net.URI uri = java.net.URI.create(settings.url().substring("jdbc:".length()));
        return uri.getPath().substring(1) + " at " + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + " as " + settings.user();
    }

    /** Where the database is, as {@link #describe} says. */
    String where() {
        return where;
    }

    /** Work done with one connection of the pool. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} on a connection of the pool, in one transaction, committed when it
     * returns and rolled back when it throws. Work that fails because its connection broke (the
     * database restarted since the connection was made) runs once more on a new one.
     *
     * @throws DatabaseException when the database cannot be reached or the work fails
     */
    <T> T transaction(Work<T> work) throws DatabaseException {
        try {
            return attempt(work);
        } catch (CommitUnknownException unknown) {
            // The commit may have been done before the connection broke: work run again could
            // count the same change twice.
            throw failure(unknown.cause);
        } catch (SQLException first) {
            if (!isConnectionLost(first) || first instanceof SQLTransientConnectionException) {
                throw failure(first);
            }
            try {
                return attempt(work);
            } catch (CommitUnknownException unknown) {
                throw failure(unknown.cause);
            } catch (SQLException second) {
                throw failure(second);
            }
        }
    }

    private <T> T attempt(Work<T> work) throws SQLException, CommitUnknownException {
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            T result;
            try {
                result = work.run(connection);
            } catch (SQLException | RuntimeException e) {
                rollBack(connection);
                throw e;
            }
            try {
                connection.commit();
            } catch (SQLException e) {
                throw new CommitUnknownException(e);
            }
            return result;
        }
    }

    /** A commit that failed: whether the database did it is not known. */
    private static final class CommitUnknownException extends Exception {
        @java.io.Serial
        private static final long serialVersionUID = 1L;
        private final transient SQLException cause;

        CommitUnknownException(SQLException cause) {
            super(cause);
            this.cause = cause;
        }
    }

    private static void rollBack(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            // The connection is broken; the pool drops it.
        }
    }

    /** A connection of its own, outside the pool, for a LISTEN that holds it for as long as the node runs. */
    Connection dedicated() throws SQLException {
        return java.sql.DriverManager.getConnection(pool.getJdbcUrl(), direct);
    }

    private DatabaseException failure(SQLException e) {
        return isConnectionLost(e)
                ? new DatabaseException("the database " + where + " cannot be reached: " + reason(e), e, true)
                : new DatabaseException("the database " + where + " failed: " + reason(e), e, false);
    }

    /**
     * Whether {@code e} says the database could not be reached or went away (SQLSTATE class 08,
     * or 57P01..57P03, a server shutting down or starting), rather than that a statement was wrong.
     */
    static boolean isConnectionLost(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLTransientConnectionException
                || state != null && (state.startsWith("08") || state.startsWith("57P"));
    }

    /** The first line of what went wrong, without a stack trace or a class name. */
    static String reason(Throwable e) {
        String reason = e.getMessage() == null ? "no reason given" : e.getMessage();
        // The deepest one is PostgreSQL's own words; a pool's wrapping says less.
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException && cause.getMessage() != null) {
                reason = cause.getMessage();
            }
        }
        return firstLine(reason);
    }

    private static String firstLine(String text) {
        return text.lines().findFirst().orElse(text).strip();
    }

    @Override
    public void close() {
        pool.close();
    }
}
