package dev.loomftp.users;

import java.util.List;
import java.util.Optional;

/** Where the server checks credentials. Files today; other back ends can follow. */
public interface UserStore {

    /**
     * Checks a name and password. Takes about the same time whether or not the name exists, so
     * that the time taken does not tell which names exist.
     *
     * @return the user when both are right, otherwise empty
     */
    Optional<User> authenticate(String name, char[] password);

    /** The names of every user, for making their home folders. */
    List<String> names();
}
