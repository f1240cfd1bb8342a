package dev.loomftp.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The scenarios {@code loomftp bench} runs, by the names its command line takes, in the order they run. */
public enum Scenario {
    /** Many clients log in at the same moment: wall time until the last is in. */
    LOGIN("login", "clients log in at once; wall time until the last is in"),
    /** Many clients, each logging in once, then fetching one small file again and again. */
    SMALL("small", "clients each fetch a small file again and again; files a second"),
    /** One client uploads one large file. */
    STOR("stor", "one client uploads a large file; MB a second"),
    /** One client downloads one large file. */
    RETR("retr", "one client downloads a large file; MB a second"),
    /** LIST of the folder. */
    LIST("list", "LIST of the folder; ms"),
    /** NLST of the folder. */
    NLST("nlst", "NLST of the folder; ms"),
    /** MLSD of the folder. */
    MLSD("mlsd", "MLSD of the folder; ms"),
    /** Many logged-in sessions held idle: the server's memory for each, and a new login meanwhile. */
    IDLE("idle", "sessions held idle; the server's KiB a session (needs --server-pid), a new login's ms");

    private final String word;
    private final String summary;

    Scenario(String word, String summary) {
        this.word = word;
        this.summary = summary;
    }

    /** The name the command line and the JSON use. */
    public String word() {
        return word;
    }

    /** One line for the help. */
    public String summary() {
        return summary;
    }

    /** The scenario named {@code word}, in any case. */
    public static Optional<Scenario> named(String word) {
        String wanted = word.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(s -> s.word.equals(wanted)).findFirst();
    }
}
