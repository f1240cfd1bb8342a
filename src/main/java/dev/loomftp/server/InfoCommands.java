package dev.loomftp.server;

import dev.loomftp.protocol.Reply;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** NOOP, SYST, FEAT, OPTS and HELP. */
final class InfoCommands {
    /** The RFC 2389 feature list. */
    private static final List<String> FEATURES = List.of("EPRT", "EPSV", "PASV", "SIZE", "UTF8");

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
        lines.addAll(FEATURES);
        lines.add("End");
        session.reply(new Reply(211, lines));
    }

    /** OPTS UTF8 ON (RFC 2640): names are always UTF-8 here, so ON is a no-op and OFF is refused. */
    static void opts(Session session, String argument) throws IOException {
        String option = argument.strip().toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
        switch (option) {
            case "UTF8 ON", "UTF8", "UTF-8 ON" -> session.reply(200, "UTF8 is always on.");
            case "UTF8 OFF" -> session.reply(504, "UTF8 cannot be turned off.");
            default -> session.reply(501, "Unknown option '" + Session.shorten(argument) + "'.");
        }
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
