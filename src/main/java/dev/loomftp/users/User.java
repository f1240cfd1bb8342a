package dev.loomftp.users;

import dev.loomftp.config.Config;

/**
 * A user who has logged in.
 *
 * @param name     as the store spells it
 * @param override what is different for this user, as the store keeps it; null when the store
 *                 keeps none, and the configuration's {@code users.overrides} says
 */
public record User(String name, Config.UserOverride override) {

    /** A user whose override, if any, is the configuration's. */
    public User(String name) {
        this(name, null);
    }
}
