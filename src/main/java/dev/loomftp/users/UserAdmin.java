package dev.loomftp.users;

import java.util.List;
import java.util.Optional;

/**
 * A {@link UserStore} that {@code loomftp user} can change. Names ignore case, as
 * {@link UserNames} explains: every method finds a user by any spelling of the name, and the
 * store keeps the spelling the user was added with.
 */
public interface UserAdmin extends UserStore {

    /**
     * The names of every user, sorted, as the store holds them now.
     *
     * @throws UserStoreException when the store cannot be read
     */
    List<String> list() throws UserStoreException;

    /** The user that {@code name} names, in any case, as the store spells it. */
    Optional<String> find(String name) throws UserStoreException;

    /**
     * Adds a user, spelled as {@code name} is.
     *
     * @throws UserStoreException when the name is invalid, when the user exists (in any case), or
     *                            when the store cannot be changed
     */
    void add(String name, char[] password) throws UserStoreException;

    /**
     * Adds a user whose password hash is known already (a {@link PasswordHasher} hash), as when a
     * users file moves in.
     *
     * @throws UserStoreException as {@link #add} does, and when {@code hash} is not such a hash
     */
    void addHashed(String name, String hash) throws UserStoreException;

    /**
     * Changes the password of the user that {@code name} names, in any case.
     *
     * @return the user's name as the store spells it
     */
    String setPassword(String name, char[] password) throws UserStoreException;

    /**
     * Removes the user that {@code name} names, in any case. Their files stay where they are.
     *
     * @return the user's name as the store spells it
     */
    String remove(String name) throws UserStoreException;
}
