package dev.loomftp.server;

import static dev.loomftp.server.CommandSpec.Arguments.NONE;
import static dev.loomftp.server.CommandSpec.Arguments.OPTIONAL;
import static dev.loomftp.server.CommandSpec.Arguments.REQUIRED;
import static dev.loomftp.server.CommandSpec.Gate.ANYONE;
import static dev.loomftp.server.CommandSpec.Gate.LOGGED_IN;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Every command the server knows, in one table. The session's gatekeeper looks a verb up here
 * and checks its row (known, implemented, logged in, argument given) before the handler runs, so
 * handlers only deal with what their command means. HELP is built from the same rows.
 */
final class CommandTable {
    /** Commands of RFC 959 and its extensions that this server knows but does not implement yet. */
    private static final List<String> NOT_IMPLEMENTED = List.of(
            "ABOR", "ACCT", "ALLO", "APPE", "DELE", "MKD", "RMD", "RNFR", "RNTO", "REST", "STOU", "STAT",
            "SITE", "SMNT", "REIN", "MDTM", "MLSD", "MLST", "MFMT", "XMKD", "XRMD", "XPWD", "XCWD", "XCUP",
            "AUTH", "PBSZ", "PROT", "CCC", "HASH");

    private static final Map<String, CommandSpec> COMMANDS = build();

    private CommandTable() {}

    /** The row for {@code verb} (upper case), if the server knows it. */
    static Optional<CommandSpec> find(String verb) {
        return Optional.ofNullable(COMMANDS.get(verb));
    }

    /** Every row, in the order HELP shows them. */
    static List<CommandSpec> all() {
        return List.copyOf(COMMANDS.values());
    }

    /** The lines of a 214 reply to HELP without an argument. */
    static List<String> helpLines() {
        List<String> lines = new ArrayList<>();
        lines.add("The following commands are recognized (* = not implemented):");
        List<String> names = COMMANDS.values().stream()
                .map(spec -> spec.implemented() ? spec.name() : spec.name() + "*")
                .toList();
        for (int i = 0; i < names.size(); i += 8) {
            lines.add(names.subList(i, Math.min(i + 8, names.size())).stream()
                    .map(name -> String.format("%-6s", name))
                    .collect(Collectors.joining(" ")).stripTrailing());
        }
        lines.add("HELP command gives its syntax.");
        return lines;
    }

    private static Map<String, CommandSpec> build() {
        Map<String, CommandSpec> table = new LinkedHashMap<>();
        List<CommandSpec> rows = List.of(
                row("USER", "USER name", "starts a login", ANYONE, REQUIRED, LoginCommands::user),
                row("PASS", "PASS password", "completes a login", ANYONE, OPTIONAL, LoginCommands::pass),
                row("QUIT", "QUIT", "ends the session", ANYONE, NONE, LoginCommands::quit),
                row("NOOP", "NOOP", "does nothing; keeps the connection alive", ANYONE, NONE, InfoCommands::noop),
                row("SYST", "SYST", "names the system type", ANYONE, NONE, InfoCommands::syst),
                row("FEAT", "FEAT", "lists the extensions supported (RFC 2389)", ANYONE, NONE, InfoCommands::feat),
                row("OPTS", "OPTS UTF8 ON", "sets an option of a command (RFC 2389, RFC 2640)", ANYONE, REQUIRED,
                        InfoCommands::opts),
                row("HELP", "HELP [command]", "lists the commands, or shows one", ANYONE, OPTIONAL,
                        InfoCommands::help),
                row("PWD", "PWD", "shows the current folder", LOGGED_IN, NONE, NavigationCommands::pwd),
                row("CWD", "CWD folder", "changes the current folder", LOGGED_IN, REQUIRED, NavigationCommands::cwd),
                row("CDUP", "CDUP", "goes to the parent folder", LOGGED_IN, NONE, NavigationCommands::cdup),
                row("TYPE", "TYPE A|I", "sets the transfer type: A text, I binary", LOGGED_IN, REQUIRED,
                        ParameterCommands::type),
                row("MODE", "MODE S", "sets the transfer mode (stream only)", LOGGED_IN, REQUIRED,
                        ParameterCommands::mode),
                row("STRU", "STRU F", "sets the file structure (file only)", LOGGED_IN, REQUIRED,
                        ParameterCommands::stru),
                row("PASV", "PASV", "waits for a data connection (IPv4)", LOGGED_IN, NONE, ParameterCommands::pasv),
                row("EPSV", "EPSV [1|2|ALL]", "waits for a data connection (RFC 2428)", LOGGED_IN, OPTIONAL,
                        ParameterCommands::epsv),
                row("PORT", "PORT h1,h2,h3,h4,p1,p2", "connects to the client for data (IPv4)", LOGGED_IN,
                        REQUIRED, ParameterCommands::port),
                row("EPRT", "EPRT |protocol|address|port|", "connects to the client for data (RFC 2428)",
                        LOGGED_IN, REQUIRED, ParameterCommands::eprt),
                row("LIST", "LIST [-a] [path]", "lists a folder in ls -l form", LOGGED_IN, OPTIONAL,
                        TransferCommands::list),
                row("NLST", "NLST [-a] [path]", "lists the names in a folder", LOGGED_IN, OPTIONAL,
                        TransferCommands::nlst),
                row("RETR", "RETR file", "downloads a file", LOGGED_IN, REQUIRED, TransferCommands::retr),
                row("STOR", "STOR file", "uploads a file, replacing any of that name", LOGGED_IN, REQUIRED,
                        TransferCommands::stor),
                row("SIZE", "SIZE file", "shows a file's size in the current type (RFC 3659)", LOGGED_IN, REQUIRED,
                        TransferCommands::size));
        rows.forEach(spec -> table.put(spec.name(), spec));
        for (String name : NOT_IMPLEMENTED) {
            table.put(name, new CommandSpec(name, name, "not implemented", ANYONE, OPTIONAL, null));
        }
        return table;
    }

    private static CommandSpec row(String name, String syntax, String help, CommandSpec.Gate gate,
            CommandSpec.Arguments arguments, CommandSpec.Handler handler) {
        return new CommandSpec(name, syntax, help, gate, arguments, handler);
    }
}
