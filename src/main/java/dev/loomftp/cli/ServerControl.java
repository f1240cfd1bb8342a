package dev.loomftp.cli;

import dev.loomftp.config.Config;
import dev.loomftp.config.ConfigException;
import dev.loomftp.config.ConfigLoader;
import dev.loomftp.server.FtpServer;
import dev.loomftp.users.FileUserStore;
import dev.loomftp.users.PasswordHasher;
import dev.loomftp.users.UserAdmin;
import dev.loomftp.users.UserStoreException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.tinylog.Logger;
import sun.misc.Signal;

/**
 * What the signals of a running {@code loomftp serve} do, as daemons have them:
 * <ul>
 * <li>SIGTERM or SIGINT (Ctrl-C, {@code loomftp stop}) drains the server: new connections get
 *     421, running transfers may finish for up to {@code timeouts.drain}; a second one stops it at
 *     once;
 * <li>SIGHUP ({@code loomftp reload}) reads the configuration, the users file and the certificate
 *     again, and new sessions use them; a configuration with a mistake is refused, with the same
 *     one-line message as at start, and the one in force stays;
 * <li>SIGUSR1 reopens the transfer logs, after logrotate moved them (as SIGHUP does too).
 * </ul>
 * A signal's work runs on a virtual thread of its own, never on the JVM's signal thread.
 */
final class ServerControl {
    private final FtpServer server;
    private final Optional<Path> configFile;
    /** The command line's --port and --root, laid over every configuration read. */
    private final UnaryOperator<Config> overrides;
    private final PasswordHasher hasher;
    private final PrintStream console;
    private final AtomicInteger stopSignals = new AtomicInteger();
    private final ReentrantLock reloading = new ReentrantLock();
    private UserAdmin users;

    ServerControl(FtpServer server, Optional<Path> configFile, UnaryOperator<Config> overrides, UserAdmin users,
            PasswordHasher hasher, PrintStream console) {
        this.server = server;
        this.configFile = configFile;
        this.overrides = overrides;
        this.users = users;
        this.hasher = hasher;
        this.console = console;
    }

    /** Installs the handlers; a signal the system does not let this process handle is logged and left alone. */
    void handleSignals() {
        handle("TERM", this::stop);
        handle("INT", this::stop);
        handle("HUP", this::reload);
        handle("USR1", server::reopenLogs);
    }

    private static void handle(String name, Runnable action) {
        try {
            Signal.handle(new Signal(name), signal -> Thread.ofVirtual().name("loomftp-SIG" + name).start(action));
        } catch (IllegalArgumentException taken) {
            Logger.warn("SIG{} cannot be handled here ({}): it does what the system does by default", name,
                    taken.getMessage());
        }
    }

    /** The first stop signal drains the server; the next one stops it at once. */
    void stop() {
        if (stopSignals.incrementAndGet() == 1) {
            java.time.Duration grace = server.config().timeouts().drain();
            console.println("Stopping: running transfers may finish for up to " + grace.toSeconds()
                    + " s. Press Ctrl-C again to stop at once.");
            console.flush();
            server.drain(grace);
        } else {
            Logger.info("a second stop signal: stopping at once");
            server.close();
        }
    }

    /**
     * Reads the configuration and the users file again and puts them in force for new sessions,
     * or logs why not and keeps the ones in force.
     *
     * @return whether the new configuration is in force
     */
    boolean reload() {
        reloading.lock();
        try {
            Config next = overrides.apply(configFile.isPresent() ? ConfigLoader.load(configFile.get())
                    : ConfigLoader.defaults());
            UserAdmin nextUsers = usersFor(next.users());
            // A users file that cannot be read would let no one in: refuse the reload instead.
            nextUsers.list();
            server.reload(next, nextUsers);
            users = nextUsers;
            return true;
        } catch (ConfigException | UserStoreException e) {
            Logger.error("reload refused, the configuration in force stays: {}", e.getMessage());
        } catch (IOException e) {
            Logger.error("reload refused, the configuration in force stays: {}", ErrorText.of(e));
        } finally {
            reloading.unlock();
        }
        return false;
    }

    /**
     * The user store of {@code next}: the one in use when the file and the cache are the same, or
     * when the users are in a database, which a reload does not change.
     */
    private UserAdmin usersFor(Config.Users next) {
        if (!java.util.Objects.equals(next.database(), server.config().users().database())) {
            Logger.warn("users.database changed: that takes effect when the server is restarted");
        }
        if (!(users instanceof FileUserStore file) || next.database() != null) {
            return users;
        }
        if (next.file().equals(file.file()) && next.passwordCache() == server.config().users().passwordCache()) {
            return users;
        }
        return new FileUserStore(next.file(), hasher, next.passwordCache());
    }
}
