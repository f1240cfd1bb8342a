package dev.loomftp.server;

import dev.loomftp.protocol.DataAddress;
import dev.loomftp.storage.VirtualFileSystem;
import dev.loomftp.users.User;
import dev.loomftp.users.UserNames;
import dev.loomftp.users.UsersUnavailableException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import org.tinylog.Logger;

/** USER, PASS and QUIT. */
final class LoginCommands {
    private LoginCommands() {}

    /** The names that mean an anonymous login, when those are on. */
    private static final java.util.Set<String> ANONYMOUS = java.util.Set.of("anonymous", "ftp");

    /** Always asks for a password, whether or not the name exists, so names cannot be probed. */
    static void user(Session session, String name) throws IOException {
        if (session.login().loggedIn()) {
            session.reply(503, "Already logged in as " + session.login().userName() + ".");
            return;
        }
        if (session.context().config().users().overrideFor(name).requiresTls() && !session.controlProtected()) {
            session.reply(530, "This account must use TLS: send AUTH TLS first.");
            return;
        }
        session.login().expectPassword(name);
        session.reply(331, "Password required.");
    }

    static void pass(Session session, String password) throws IOException, InterruptedException {
        if (session.login().loggedIn()) {
            session.reply(503, "Already logged in.");
            return;
        }
        Optional<String> name = session.login().pendingUser();
        if (name.isEmpty()) {
            session.reply(503, "Send USER first.");
            return;
        }
        if (session.context().config().users().anonymous() && ANONYMOUS.contains(UserNames.key(name.get()))) {
            logInAnonymously(session);
            return;
        }
        char[] secret = password.toCharArray();
        Optional<User> user;
        try {
            user = session.context().users().authenticate(name.get(), secret);
        } catch (UsersUnavailableException e) {
            // Neither right nor wrong: no failure is counted, and the client may try again soon.
            Logger.warn("session {} login of {} not checked: {}", session.id(), Session.shorten(name.get()),
                    e.getMessage());
            session.login().failed();
            session.reply(421, "Logins cannot be checked now; try again later.");
            session.quit();
            return;
        } finally {
            Arrays.fill(secret, '\0');
        }
        if (user.isPresent() && session.context().overrideFor(user.get()).requiresTls() && !session.controlProtected()) {
            session.login().failed();
            session.reply(530, "This account must use TLS: send AUTH TLS first.");
        } else if (user.isPresent()) {
            session.context().loginGuard().succeeded(session.remote().getAddress());
            logIn(session, user.get());
        } else {
            refuse(session, name.get());
        }
    }

    /** REIN: ends the login but keeps the connection, ready for USER. */
    static void rein(Session session, String argument) throws IOException {
        if (session.login().loggedIn()) {
            Logger.info("session {} logout user={}", session.id(), session.login().userName());
        }
        session.reinitialize();
        session.reply(220, "Session reset; log in again with USER.");
    }

    static void quit(Session session, String argument) throws IOException {
        session.reply(221, "Goodbye.");
        session.quit();
    }

    /** An anonymous login: any password (by custom an e-mail address, never logged), a read-only view of Public. */
    private static void logInAnonymously(Session session) throws IOException {
        Optional<VirtualFileSystem> view = session.context().anonymousView();
        if (view.isEmpty()) {
            session.login().failed();
            session.reply(530, "There is no shared folder for anonymous users.");
            return;
        }
        session.login().succeeded(new User("anonymous"), view.get());
        session.context().metrics().login(true);
        session.context().fire(session, Hooks.Event.LOGIN);
        Logger.info("session {} login user=anonymous", session.id());
        session.reply(230, "Logged in anonymously: read-only.");
    }

    private static void logIn(Session session, User user) throws IOException {
        VirtualFileSystem view;
        try {
            view = session.context().viewFor(user);
        } catch (IOException e) {
            Logger.error("session {}: the folders of user {} cannot be opened: {}", session.id(), user.name(),
                    FileErrors.reason(e));
            session.login().failed();
            session.reply(530, "Your folders cannot be opened; ask the administrator.");
            return;
        }
        session.login().succeeded(user, view);
        session.context().metrics().login(true);
        session.context().fire(session, Hooks.Event.LOGIN);
        Logger.info("session {} login user={}", session.id(), user.name());
        session.reply(230, "Logged in as " + user.name() + ".");
    }

    /**
     * A failed login: the reply waits as the login guard says (a deliberate penalty against
     * guessing, not a wait for anything), and too many failures close the connection, or ban the
     * address.
     */
    private static void refuse(Session session, String name) throws IOException, InterruptedException {
        int failures = session.login().failed();
        session.context().metrics().login(false);
        session.context().fire(session, Hooks.Event.LOGIN_FAILED, "user", Session.shorten(name));
        int allowed = session.context().config().limits().maxLoginAttempts();
        Logger.warn("session {} login failed user={} from {} ({} of {})", session.id(), Session.shorten(name),
                DataAddress.text(session.remote().getAddress()), failures, allowed);
        LoginGuard.Penalty penalty = session.context().loginGuard().failed(session.remote().getAddress());
        if (penalty.banned()) {
            session.context().metrics().banned();
            session.reply(421, "Too many failed logins from your address; try again later.");
            session.quit();
            return;
        }
        Thread.sleep(penalty.delay());
        if (failures >= allowed) {
            session.reply(421, "Too many failed logins: closing the connection.");
            session.quit();
        } else {
            session.reply(530, "Login incorrect.");
        }
    }
}
