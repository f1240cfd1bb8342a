package dev.loomftp.server;

import dev.loomftp.storage.VirtualFileSystem;
import dev.loomftp.storage.VirtualPath;
import dev.loomftp.users.User;
import java.util.Optional;

/**
 * Who is logging in or logged in on one session, the view of the files that login gives, the
 * current folder in it, and the failed logins so far. Before a login there is no view, and the
 * handlers that need one are gated on {@link #loggedIn()}.
 *
 * <p>Mutable, and changed on the session's thread only, so it needs no locks. A transfer's
 * subtask reads the view of the files (an upload writes through it); the subtask is forked after
 * the last change, and while it runs the session answers only ABOR, STAT and NOOP, which change
 * nothing here.
 */
final class LoginState {
    private String pendingUser;
    private User user;
    private VirtualFileSystem files;
    private VirtualPath cwd = VirtualPath.ROOT;
    private int failedLogins;

    /** The name USER gave, waiting for PASS. */
    Optional<String> pendingUser() {
        return Optional.ofNullable(pendingUser);
    }

    void expectPassword(String name) {
        pendingUser = name;
    }

    boolean loggedIn() {
        return user != null;
    }

    /** The logged-in user, or empty before a login. */
    Optional<User> user() {
        return Optional.ofNullable(user);
    }

    /** The user's name, or "-" before a login (as the logs show it). */
    String userName() {
        return user == null ? "-" : user.name();
    }

    /** Records a good login: the user's view of the files is ready and the folder is "/". */
    void succeeded(User who, VirtualFileSystem view) {
        pendingUser = null;
        user = who;
        files = view;
        cwd = VirtualPath.ROOT;
    }

    /** Records a failed login and returns how many there have been on this session. */
    int failed() {
        pendingUser = null;
        return ++failedLogins;
    }

    /** The logged-in user's view of the files; null before a login. */
    VirtualFileSystem files() {
        return files;
    }

    VirtualPath cwd() {
        return cwd;
    }

    void changeDirectory(VirtualPath path) {
        cwd = path;
    }

    /** REIN: no user and no view. The failed logins still count: REIN does not reset the limit. */
    void reset() {
        pendingUser = null;
        user = null;
        files = null;
        cwd = VirtualPath.ROOT;
    }
}
