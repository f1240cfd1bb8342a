package dev.loomftp.server;

import dev.loomftp.protocol.Reply;
import dev.loomftp.storage.FileEntry;
import dev.loomftp.storage.VirtualPath;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tinylog.Logger;

/**
 * The commands that change files and folders without a data connection: DELE, MKD, RMD,
 * RNFR/RNTO, MFMT and SITE CHMOD, and MDTM, which reads a modification time.
 */
final class FileCommands {
    private static final Pattern CHMOD = Pattern.compile("(?i)CHMOD\\s+([0-7]{3,4})\\s+(.+)");
    private static final Pattern MFMT = Pattern.compile("(\\d{14})(?:\\.\\d{1,3})?\\s+(.+)");

    private FileCommands() {}

    /** A change to one path, which may fail with a storage error. */
    @FunctionalInterface
    private interface Change {
        void apply(VirtualPath path) throws IOException;
    }

    static void dele(Session session, String argument) throws IOException {
        change(session, "DELE", argument, path -> {
            session.files().deleteFile(path);
            session.context().fire(session, Hooks.Event.DELETE, "path", path.toString());
        }, 250, "Deleted.");
    }

    /** MKD (and XMKD): replies 257 with the new folder's path in quotes, as RFC 959 asks. */
    static void mkd(Session session, String argument) throws IOException {
        Optional<VirtualPath> path = session.resolveOrReply(argument, 553);
        if (path.isPresent() && applied(session, "MKD", path.get(), target -> session.files().createFolder(target))) {
            session.context().fire(session, Hooks.Event.MKDIR, "path", path.get().toString());
            session.reply(257, NavigationCommands.quoted(path.get()) + " created.");
        }
    }

    static void rmd(Session session, String argument) throws IOException {
        change(session, "RMD", argument, path -> session.files().deleteFolder(path), 250, "Folder removed.");
    }

    /** RNFR: remembers what to rename; the next command must be RNTO. */
    static void rnfr(Session session, String argument) throws IOException {
        Optional<VirtualPath> path = session.resolveOrReply(argument, 553);
        if (path.isEmpty()) {
            return;
        }
        try {
            if (session.files().stat(path.get()).isEmpty()) {
                session.reply(550, "No such file or folder.");
                return;
            }
        } catch (IOException e) {
            FileErrors.reply(session, e, path.get());
            return;
        }
        session.oneShots().renameFrom(path.get());
        session.reply(350, "Ready for RNTO.");
    }

    static void rnto(Session session, String argument) throws IOException {
        Optional<VirtualPath> from = session.oneShots().takeRenameFrom();
        if (from.isEmpty()) {
            session.reply(503, "Send RNFR first.");
            return;
        }
        Optional<VirtualPath> to = session.resolveOrReply(argument, 553);
        if (to.isPresent() && applied(session, "RNTO", to.get(), target -> session.files().rename(from.get(), target))) {
            Logger.info("session {} rename user={} {} -> {}", session.id(), session.login().userName(), from.get(),
                    to.get());
            session.context().fire(session, Hooks.Event.RENAME, "path", from.get().toString(), "target",
                    to.get().toString());
            session.reply(250, "Renamed.");
        }
    }

    /** MDTM (RFC 3659): a file's modification time, in UTC. */
    static void mdtm(Session session, String argument) throws IOException {
        Optional<VirtualPath> path = session.resolveOrReply(argument, 550);
        Optional<FileEntry> entry = path.isEmpty() ? Optional.empty() : TransferCommands.statFile(session, path.get());
        if (entry.isPresent()) {
            session.reply(213, Facts.time(entry.get().modified()));
        }
    }

    /** MFMT (draft-somers-ftp-mfxx): sets a file's modification time, so clients can keep it. */
    static void mfmt(Session session, String argument) throws IOException {
        Matcher matcher = MFMT.matcher(argument.strip());
        Instant time;
        try {
            if (!matcher.matches()) {
                throw new DateTimeParseException("no match", argument, 0);
            }
            time = Facts.TIME.parse(matcher.group(1), Instant::from);
        } catch (DateTimeParseException e) {
            session.reply(501, "Syntax: MFMT YYYYMMDDHHMMSS path (UTC).");
            return;
        }
        Optional<VirtualPath> path = session.resolveOrReply(matcher.group(2), 553);
        if (path.isPresent() && applied(session, "MFMT", path.get(), target -> session.files().setModified(target, time))) {
            session.reply(213, "Modify=" + matcher.group(1) + "; " + path.get());
        }
    }

    /** SITE HELP, SITE QUOTA and SITE CHMOD mode path. */
    static void site(Session session, String argument) throws IOException {
        String command = argument.strip();
        if (command.equalsIgnoreCase("HELP")) {
            session.reply(new Reply(214, List.of("SITE commands:", "CHMOD mode path", "HELP", "QUOTA", "End")));
            return;
        }
        if (command.equalsIgnoreCase("QUOTA")) {
            List<String> lines = new java.util.ArrayList<>();
            lines.add("Quotas of " + session.login().userName() + ":");
            lines.addAll(InfoCommands.quotaLines(session));
            lines.add("End.");
            session.reply(new Reply(200, lines));
            return;
        }
        Matcher chmod = CHMOD.matcher(command);
        if (!chmod.matches()) {
            String word = command.split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
            session.reply(word.equals("CHMOD") ? 501 : 504,
                    word.equals("CHMOD") ? "Syntax: SITE CHMOD mode path, with an octal mode such as 644."
                            : "SITE " + Session.shorten(word) + " is not supported; see SITE HELP.");
            return;
        }
        int mode = Integer.parseInt(chmod.group(1), 8) & 0777;
        Optional<VirtualPath> path = session.resolveOrReply(chmod.group(2), 553);
        if (path.isPresent() && applied(session, "SITE CHMOD", path.get(), target -> session.files().setMode(target, mode))) {
            session.reply(200, "Mode of " + path.get().name() + " set to " + String.format("%03o", mode) + ".");
        }
    }

    private static void change(Session session, String verb, String argument, Change change, int code, String done)
            throws IOException {
        Optional<VirtualPath> path = session.resolveOrReply(argument, 553);
        if (path.isPresent() && applied(session, verb, path.get(), change)) {
            Logger.info("session {} {} user={} {}", session.id(), verb.toLowerCase(Locale.ROOT),
                    session.login().userName(), path.get());
            session.reply(code, done);
        }
    }

    /** Applies a change; on a storage error replies with its code and returns false. */
    private static boolean applied(Session session, String verb, VirtualPath path, Change change) throws IOException {
        try {
            change.apply(path);
            return true;
        } catch (UnsupportedOperationException e) {
            session.reply(504, verb + " is not supported by this storage.");
        } catch (IOException e) {
            FileErrors.reply(session, e, path);
        }
        return false;
    }

}
