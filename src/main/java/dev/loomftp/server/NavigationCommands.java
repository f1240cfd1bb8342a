package dev.loomftp.server;

import dev.loomftp.storage.FileEntry;
import dev.loomftp.storage.VirtualPath;
import java.io.IOException;
import java.util.Optional;

/** PWD, CWD and CDUP. */
final class NavigationCommands {
    private NavigationCommands() {}

    /** Replies with the folder in quotes, doubling any quote in it (RFC 959 appendix II). */
    static void pwd(Session session, String argument) throws IOException {
        session.reply(257, quoted(session.login().cwd()) + " is the current folder.");
    }

    static void cwd(Session session, String argument) throws IOException {
        Optional<VirtualPath> target = session.resolveOrReply(argument, 553);
        if (target.isPresent()) {
            change(session, target.get(), 250);
        }
    }

    /** CDUP answers 200, as RFC 959 lists it. */
    static void cdup(Session session, String argument) throws IOException {
        change(session, session.login().cwd().parent(), 200);
    }

    static String quoted(VirtualPath path) {
        return "\"" + path.toString().replace("\"", "\"\"") + "\"";
    }

    private static void change(Session session, VirtualPath target, int code) throws IOException {
        Optional<FileEntry> entry;
        try {
            entry = session.files().stat(target);
        } catch (IOException e) {
            FileErrors.reply(session, e, target);
            return;
        }
        if (entry.isEmpty()) {
            session.reply(550, "No such folder.");
        } else if (!entry.get().isDirectory()) {
            session.reply(550, "Not a folder.");
        } else {
            session.login().changeDirectory(target);
            session.reply(code, "Folder changed to " + quoted(target) + ".");
        }
    }
}
