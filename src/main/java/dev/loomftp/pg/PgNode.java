package dev.loomftp.pg;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.tinylog.Logger;

/**
 * This node, as the other nodes see it in the database: a row whose time it renews every
 * {@link #BEAT} (the room its running uploads hold counts only while the row is fresh, so a node
 * that died gives its room back within {@link #DEAD}), and a connection of its own that LISTENs for
 * the bans other nodes announce. One virtual thread does both; when the connection breaks it
 * connects again every second, and reads every ban in force, as some may have been announced
 * meanwhile.
 */
final class PgNode implements AutoCloseable {
    /** How often the node's row is renewed. */
    static final Duration BEAT = Duration.ofSeconds(5);
    /** How old a row may grow before its node counts as dead. */
    static final Duration DEAD = Duration.ofSeconds(30);
    /** How long a LISTEN waits for a notification before it does the rest of its rounds. */
    private static final int LISTEN_MILLIS = 500;

    /** How long the rows of addresses and nodes no one has heard of are kept. */
    private static final Duration FORGOTTEN = Duration.ofDays(1);

    private final UUID id = UUID.randomUUID();
    private final Database database;
    private final PgLoginRecords bans;
    /** Run at each beat, while the database answers: reservations that could not be ended are ended. */
    private volatile Runnable onBeat = () -> { };
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition stopped = lock.newCondition();
    private volatile boolean closed;
    private final Thread thread;

    private PgNode(Database database, PgLoginRecords bans) {
        this.database = database;
        this.bans = bans;
        this.thread = Thread.ofVirtual().name("loomftp-db-listener").unstarted(this::run);
    }

    /** Registers this node and starts listening. */
    static PgNode start(Database database, PgLoginRecords bans, String name) throws DatabaseException {
        PgNode node = new PgNode(database, bans);
        database.transaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "insert into loomftp_nodes (id, name, seen) values (?, ?, now())")) {
                insert.setObject(1, node.id);
                insert.setString(2, name);
                return insert.executeUpdate();
            }
        });
        node.thread.start();
        return node;
    }

    UUID id() {
        return id;
    }

    /** Runs {@code task} at each beat from now on. */
    void onBeat(Runnable task) {
        onBeat = task;
    }

    private void run() {
        boolean failing = false;
        while (!closed) {
            try (Connection connection = database.dedicated()) {
                try (Statement listen = connection.createStatement()) {
                    listen.execute("LISTEN " + PgLoginRecords.CHANNEL);
                }
                bans.loadAll(connection);
                if (failing) {
                    Logger.info("the database {} answers again", database.where());
                    failing = false;
                }
                serve(connection);
            } catch (SQLException e) {
                if (!failing && !closed) {
                    Logger.warn("the database {} cannot be reached: bans are not shared until it returns ({})",
                            database.where(), Database.reason(e));
                    failing = true;
                }
                pause(Duration.ofSeconds(1));
            } catch (RuntimeException e) {
                // Whatever it was, the node must keep its row fresh and hear bans: start again.
                Logger.error(e, "the database listener failed; it starts again");
                pause(Duration.ofSeconds(1));
            }
        }
    }

    /** Hears announcements and renews the row, until the node closes or the connection breaks. */
    private void serve(Connection connection) throws SQLException {
        PGConnection listening = connection.unwrap(PGConnection.class);
        long nextBeat = 0;
        long connected = System.nanoTime();
        while (!closed) {
            PGNotification[] heard = listening.getNotifications(LISTEN_MILLIS);
            if (heard != null) {
                for (PGNotification notification : heard) {
                    bans.heard(notification.getParameter());
                }
            }
            if (System.nanoTime() - nextBeat >= 0) {
                // Other nodes' rows are judged only once this node has been connected for longer
                // than a node may go unheard: after an outage, theirs need a beat to be fresh again.
                beat(connection, System.nanoTime() - connected > DEAD.toNanos());
                onBeat.run();
                nextBeat = System.nanoTime() + BEAT.toNanos();
            }
        }
    }

    /**
     * Renews this node's row (made again if a cleaner took it); with {@code sweep}, drops what dead
     * nodes left, and the records of addresses and nodes not heard of for {@link #FORGOTTEN}.
     */
    private void beat(Connection connection, boolean sweep) throws SQLException {
        try (PreparedStatement renew = connection.prepareStatement("""
                insert into loomftp_nodes (id, name, seen) values (?, 'node', now())
                on conflict (id) do update set seen = now()""")) {
            renew.setObject(1, id);
            renew.executeUpdate();
        }
        if (!sweep) {
            return;
        }
        try (PreparedStatement reservations = connection.prepareStatement("""
                delete from loomftp_quota_reservations r where not exists (select 1 from loomftp_nodes n
                  where n.id = r.node and n.seen > now() - ? * interval '1 millisecond')""");
                PreparedStatement failures = connection.prepareStatement("""
                        delete from loomftp_login_failures
                        where coalesce(banned_until, last_failure) < now() - ? * interval '1 millisecond'""");
                PreparedStatement nodes = connection.prepareStatement(
                        "delete from loomftp_nodes where seen < now() - ? * interval '1 millisecond'")) {
            reservations.setLong(1, DEAD.toMillis());
            reservations.executeUpdate();
            failures.setLong(1, FORGOTTEN.toMillis());
            failures.executeUpdate();
            nodes.setLong(1, FORGOTTEN.toMillis());
            nodes.executeUpdate();
        }
    }

    private void pause(Duration duration) {
        lock.lock();
        try {
            if (!closed) {
                stopped.await(duration.toNanos(), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    /** Stops listening, and takes this node's row and reservations away, as nothing of it runs any more. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            stopped.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            database.transaction(connection -> {
                try (PreparedStatement delete = connection.prepareStatement(
                        "delete from loomftp_quota_reservations where node = ?");
                        PreparedStatement gone = connection.prepareStatement("delete from loomftp_nodes where id = ?")) {
                    delete.setObject(1, id);
                    delete.executeUpdate();
                    gone.setObject(1, id);
                    return gone.executeUpdate();
                }
            });
        } catch (DatabaseException e) {
            Logger.debug("this node's row stays until it grows old: {}", e.getMessage());
        }
    }
}
