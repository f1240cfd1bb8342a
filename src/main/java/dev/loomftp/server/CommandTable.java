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
    private static final List<String> NOT_IMPLEMENTED = List.of("SMNT");

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
                row("AUTH", "AUTH TLS", "starts TLS on this connection (RFC 4217)", ANYONE, REQUIRED,
                        SecurityCommands::auth),
                row("PBSZ", "PBSZ 0", "the protection buffer size; always 0 with TLS (RFC 4217)", ANYONE, REQUIRED,
                        SecurityCommands::pbsz),
                row("PROT", "PROT P|C", "protects data connections with TLS (P) or not (C)", ANYONE, REQUIRED,
                        SecurityCommands::prot),
                row("CCC", "CCC", "refused: the control connection stays protected", ANYONE, NONE,
                        SecurityCommands::ccc),
                row("REIN", "REIN", "ends the login; the connection stays open", ANYONE, NONE, LoginCommands::rein),
                row("ACCT", "ACCT account", "not needed: there are no accounts", LOGGED_IN, REQUIRED,
                        InfoCommands::acct),
                row("PWD", "PWD", "shows the current folder", LOGGED_IN, NONE, NavigationCommands::pwd),
                row("XPWD", "XPWD", "as PWD (RFC 775)", LOGGED_IN, NONE, NavigationCommands::pwd),
                row("CWD", "CWD folder", "changes the current folder", LOGGED_IN, REQUIRED, NavigationCommands::cwd),
                row("XCWD", "XCWD folder", "as CWD (RFC 775)", LOGGED_IN, REQUIRED, NavigationCommands::cwd),
                row("CDUP", "CDUP", "goes to the parent folder", LOGGED_IN, NONE, NavigationCommands::cdup),
                row("XCUP", "XCUP", "as CDUP (RFC 775)", LOGGED_IN, NONE, NavigationCommands::cdup),
                row("TYPE", "TYPE A|I", "sets the transfer type: A text, I binary", LOGGED_IN, REQUIRED,
                        ParameterCommands::type),
                row("MODE", "MODE S|Z", "sets the transfer mode: S stream, Z compressed", LOGGED_IN, REQUIRED,
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
                        ListingCommands::list),
                row("NLST", "NLST [-a] [path]", "lists the names in a folder", LOGGED_IN, OPTIONAL,
                        ListingCommands::nlst),
                row("MLSD", "MLSD [folder]", "lists a folder with facts (RFC 3659)", LOGGED_IN, OPTIONAL,
                        ListingCommands::mlsd),
                row("MLST", "MLST [path]", "shows the facts of one entry (RFC 3659)", LOGGED_IN, OPTIONAL,
                        ListingCommands::mlst),
                row("STAT", "STAT [path]", "shows the session's status, or a listing on this connection",
                        LOGGED_IN, OPTIONAL, ListingCommands::stat),
                row("RETR", "RETR file", "downloads a file", LOGGED_IN, REQUIRED, TransferCommands::retr),
                row("STOR", "STOR file", "uploads a file, replacing any of that name", LOGGED_IN, REQUIRED,
                        TransferCommands::stor),
                row("APPE", "APPE file", "uploads to the end of a file", LOGGED_IN, REQUIRED, TransferCommands::appe),
                row("STOU", "STOU [name]", "uploads under a name not yet taken", LOGGED_IN, OPTIONAL,
                        TransferCommands::stou),
                row("REST", "REST offset", "starts the next RETR or STOR at a byte offset (RFC 3659)", LOGGED_IN,
                        REQUIRED, TransferCommands::rest),
                row("ABOR", "ABOR", "aborts the transfer in progress", LOGGED_IN, NONE, TransferCommands::abor),
                row("ALLO", "ALLO size", "not needed: storage is not reserved", LOGGED_IN, REQUIRED,
                        InfoCommands::allo),
                row("SIZE", "SIZE file", "shows a file's size in the current type (RFC 3659)", LOGGED_IN, REQUIRED,
                        TransferCommands::size),
                row("MDTM", "MDTM file", "shows a file's modification time, UTC (RFC 3659)", LOGGED_IN, REQUIRED,
                        FileCommands::mdtm),
                row("MFMT", "MFMT YYYYMMDDHHMMSS file", "sets a file's modification time, UTC", LOGGED_IN,
                        REQUIRED, FileCommands::mfmt),
                row("DELE", "DELE file", "deletes a file", LOGGED_IN, REQUIRED, FileCommands::dele),
                row("MKD", "MKD folder", "makes a folder", LOGGED_IN, REQUIRED, FileCommands::mkd),
                row("XMKD", "XMKD folder", "as MKD (RFC 775)", LOGGED_IN, REQUIRED, FileCommands::mkd),
                row("RMD", "RMD folder", "removes an empty folder", LOGGED_IN, REQUIRED, FileCommands::rmd),
                row("XRMD", "XRMD folder", "as RMD (RFC 775)", LOGGED_IN, REQUIRED, FileCommands::rmd),
                row("RNFR", "RNFR path", "names what to rename; RNTO follows", LOGGED_IN, REQUIRED,
                        FileCommands::rnfr),
                row("RNTO", "RNTO path", "renames what RNFR named", LOGGED_IN, REQUIRED, FileCommands::rnto),
                row("HASH", "HASH file", "shows a file's hash; OPTS HASH chooses the algorithm", LOGGED_IN,
                        REQUIRED, HashCommands::hash),
                row("RANG", "RANG first last", "sets the byte range of the next HASH", LOGGED_IN, REQUIRED,
                        HashCommands::rang),
                row("XSHA256", "XSHA256 file", "shows a file's SHA-256", LOGGED_IN, REQUIRED, HashCommands::xsha256),
                row("XSHA1", "XSHA1 file", "shows a file's SHA-1", LOGGED_IN, REQUIRED, HashCommands::xsha1),
                row("XMD5", "XMD5 file", "shows a file's MD5", LOGGED_IN, REQUIRED, HashCommands::xmd5),
                row("XCRC", "XCRC file", "shows a file's CRC-32", LOGGED_IN, REQUIRED, HashCommands::xcrc),
                row("SITE", "SITE HELP|CHMOD mode path", "site commands: SITE HELP lists them", LOGGED_IN,
                        REQUIRED, FileCommands::site));
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
