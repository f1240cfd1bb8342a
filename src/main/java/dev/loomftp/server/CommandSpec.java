package dev.loomftp.server;

import java.io.IOException;

/**
 * One row of the command table: what a command is called, what it takes, who may send it and
 * what runs it. The session's gatekeeper checks the row before any handler runs.
 *
 * @param name      the verb, upper case
 * @param syntax    how to call it, shown by HELP and in 501 replies
 * @param help      one line on what it does
 * @param gate      whether it needs a logged-in user
 * @param arguments whether it takes an argument
 * @param handler   what runs it, or null for a known command this server does not implement
 */
record CommandSpec(String name, String syntax, String help, Gate gate, Arguments arguments, Handler handler) {

    /** Who may send a command. */
    enum Gate {
        ANYONE, LOGGED_IN
    }

    /** What a command takes after its verb. */
    enum Arguments {
        NONE, OPTIONAL, REQUIRED
    }

    /** Runs one command. The argument is the text after the verb and one space ("" if none). */
    @FunctionalInterface
    interface Handler {
        void handle(Session session, String argument) throws IOException, InterruptedException;
    }

    boolean implemented() {
        return handler != null;
    }
}
