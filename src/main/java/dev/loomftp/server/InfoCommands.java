package dev.loomftp.server;

import dev.loomftp.protocol.Reply;
import dev.loomftp.storage.VirtualFileSystem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.tinylog.Logger;

/** NOOP, SYST, FEAT, OPTS and HELP. */
final class InfoCommands {
    /** The RFC 2389 feature list, but for MLST, whose line shows the facts chosen. */
    private static final List<String> FEATURES = List.of("EPRT", "EPSV", "MDTM", "MFMT", "MODE Z", "PASV",
            "REST STREAM", "SIZE", "TVFS", "UTF8");

    private InfoCommands() {}

    static void noop(Session session, String argument) throws IOException {
        session.reply(200, "OK.");
    }

    static void syst(Session session, String argument) throws IOException {
        session.reply(215, "UNIX Type: L8");
    }

    static void feat(Session session, String argument) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("Features:");
        if (session.context().tls().isPresent()) {
            lines.addAll(List.of("AUTH TLS", "PBSZ", "PROT"));
        }
        lines.addAll(FEATURES);
        lines.add(Facts.feature(session.parameters().mlstFacts()));
        lines.add(HashCommands.feature(session.parameters().hashAlgorithm()));
        lines.add("End");
        session.reply(new Reply(211, lines));
    }

    /**
     * OPTS UTF8 ON (RFC 2640): names are always UTF-8 here, so ON is a no-op and OFF is refused.
     * OPTS MLST (RFC 3659): chooses the facts MLST and MLSD send.
     */
    static void opts(Session session, String argument) throws IOException {
        String option = argument.strip().replaceAll("\\s+", " ");
        String upper = option.toUpperCase(Locale.ROOT);
        if (upper.equals("HASH") || upper.startsWith("HASH ")) {
            HashCommands.opts(session, option.substring(4));
            return;
        }
        if (upper.startsWith("MODE Z")) {
            modeZOptions(session, upper.substring(6).strip());
            return;
        }
        if (upper.equals("MLST") || upper.startsWith("MLST ")) {
            session.parameters().mlstFacts(Facts.parseChoice(option.substring(4)));
            String chosen = Facts.KNOWN.stream().filter(session.parameters().mlstFacts()::contains)
                    .map(fact -> fact + ";").collect(java.util.stream.Collectors.joining());
            session.reply(200, "MLST OPTS " + chosen);
            return;
        }
        switch (upper) {
            case "UTF8 ON", "UTF8", "UTF-8 ON" -> session.reply(200, "UTF8 is always on.");
            case "UTF8 OFF" -> session.reply(504, "UTF8 cannot be turned off.");
            default -> session.reply(501, "Unknown option '" + Session.shorten(argument) + "'.");
        }
    }

    /** OPTS MODE Z LEVEL n: the zlib level (0 to 9) of MODE Z transfers. */
    private static void modeZOptions(Session session, String options) throws IOException {
        java.util.regex.Matcher level = java.util.regex.Pattern.compile("LEVEL\\s+([0-9])").matcher(options);
        if (!level.matches()) {
            session.reply(501, "Syntax: OPTS MODE Z LEVEL n, with n from 0 to 9.");
            return;
        }
        session.parameters().compressionLevel(Integer.parseInt(level.group(1)));
        session.reply(200, "MODE Z LEVEL set to " + session.parameters().compressionLevel() + ".");
    }

    /** STAT without an argument: the session's state, as RFC 959 asks. */
    static void status(Session session) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("loomftp status:");
        lines.add("Connected from " + dev.loomftp.protocol.DataAddress.text(session.remote().getAddress()));
        lines.add(session.login().loggedIn() ? "Logged in as " + session.login().userName() : "Not logged in");
        TransferParameters parameters = session.parameters();
        lines.add("TYPE: " + parameters.type().label() + "; STRUcture: File; MODE: "
                + (parameters.modeZ() ? "Z (zlib level " + parameters.compressionLevel() + ")" : "Stream"));
        lines.add(session.dataSetup().prepared() ? "A data connection is prepared" : "No data connection");
        if (session.login().loggedIn()) {
            quotaLines(session).stream().map(line -> "Quota " + line).forEach(lines::add);
        }
        lines.add("End of status.");
        session.reply(new Reply(211, lines));
    }

    /** One line for each mount of the user's view, by path: what it holds of its quota, or that it has none. */
    static List<String> quotaLines(Session session) {
        List<String> lines = new ArrayList<>();
        List<VirtualFileSystem.Mount> mounts = new ArrayList<>(session.files().mounts());
        mounts.sort(java.util.Comparator.comparing(mount -> mount.path().toString()));
        for (VirtualFileSystem.Mount mount : mounts) {
            if (!mount.quota().limited()) {
                lines.add(mount.path() + ": no quota");
                continue;
            }
            try {
                lines.add(mount.path() + ": " + mount.quota().describe(mount.usage().now()));
            } catch (IOException e) {
                Logger.warn("session {} cannot measure {}: {}", session.id(), mount.path(), FileErrors.reason(e));
                lines.add(mount.path() + ": cannot be measured now");
            }
        }
        return lines;
    }

    /** ALLO: storage needs no reservation here (RFC 959 says 202 then). */
    static void allo(Session session, String argument) throws IOException {
        session.reply(202, "No storage allocation necessary.");
    }

    /** ACCT: there are no accounts beyond the login. */
    static void acct(Session session, String argument) throws IOException {
        session.reply(202, "No account necessary.");
    }

    /** HELP lists the commands; HELP VERB shows one command's syntax and purpose. */
    static void help(Session session, String argument) throws IOException {
        if (argument.isBlank()) {
            session.reply(new Reply(214, CommandTable.helpLines()));
            return;
        }
        Optional<CommandSpec> spec = CommandTable.find(argument.strip().toUpperCase(Locale.ROOT));
        if (spec.isEmpty()) {
            session.reply(501, "Unknown command '" + Session.shorten(argument.strip()) + "'.");
        } else if (!spec.get().implemented()) {
            session.reply(214, spec.get().syntax() + " is known but not implemented.");
        } else {
            session.reply(214, "Syntax: " + spec.get().syntax() + " - " + spec.get().help());
        }
    }
}
