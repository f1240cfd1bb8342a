package dev.loomftp.cli;

import dev.loomftp.client.FtpUrl;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code loomftp client}: the interactive shell (asking for the server's address and port when
 * none is given, as the original client did), the scripted commands
 * ({@code ls|get|put|rm|mkdir|mirror URL}), and command lists ({@code -c} and {@code --batch}).
 */
final class ClientCommand implements Command {
    private static final String COMMANDS = "c";
    private static final String BATCH = "batch";
    private static final String QUIET = "q";
    private static final String JSON = "json";

    @Override
    public String name() {
        return "client";
    }

    @Override
    public String summary() {
        return "connect to an FTP server: a shell, or one command from a script";
    }

    @Override
    public String usage() {
        return """
                Usage: loomftp client [OPTIONS] [HOST [PORT] | URL]
                       loomftp client [OPTIONS] ls|rm|mkdir URL
                       loomftp client [OPTIONS] get [-c] URL [LOCAL]
                       loomftp client [OPTIONS] put [-c] [--ftp-create-dirs] LOCAL... URL
                       loomftp client [OPTIONS] mirror [-n] [-e] [-P N] URL [LOCAL]
                       loomftp client [OPTIONS] mirror -R [-n] [-e] [-P N] LOCAL URL
                       loomftp client [OPTIONS] -c "CMD; CMD ..." | --batch FILE

                Without HOST, asks for the server's address and port (default 5550). URL is
                ftp://[user@]host[:port]/path, or ftps:// for implicit TLS (port 990 by default).
                The password comes from LOOMFTP_PASSWORD, then ~/.netrc (or --netrc-file), then a
                prompt without echo; never from the command line. ~ is $HOME.

                get saves into the current folder under the remote name unless LOCAL is given; put
                uploads into the folder the URL names, which must exist unless --ftp-create-dirs
                asks to make it (as curl's). -c resumes an interrupted transfer (REST and SIZE).
                Both check the copy with the server's HASH when it offers one.

                mirror copies a folder tree down, or up with -R, like lftp's mirror: files the
                target lacks or that differ in size or time; -n (--only-newer) only files newer
                than the target's; -e (--delete) deletes what the source lacks; -P N (--parallel)
                copies N files at once. A missing target is the source's base name; going up,
                every missing folder on the way to it is made.

                With TLS, a certificate that no authority vouches for is refused with its SHA-256
                fingerprint. At a terminal, the client asks whether to trust it, and keeps a yes
                for that host and port in ~/.loomftp/known_hosts, as ssh keeps host keys; a
                certificate that differs from the one kept there is refused with a warning.

                -c and --batch run shell commands (such as "open HOST PORT; user NAME; pass; get
                FILE") without prompts, and stop at the first that fails.

                Options:
                  --tls                 explicit FTPS (AUTH TLS, PROT P), checked against the JDK's
                                        certificate authorities
                  --fingerprint SHA256  trust only the server certificate with this fingerprint (as
                                        the server logs it); implies --tls
                  --netrc-file FILE     read passwords from FILE instead of ~/.netrc
                  --active              active data connections (EPRT, PORT) instead of passive
                  --compress            compressed transfers (MODE Z)
                  --limit-rate RATE     no more than RATE bytes a second per transfer (500K, 2M)
                  -q                    print only errors
                  --json                print each result as one JSON object per line

                Exit codes: 0 ok, 2 usage, 4 cannot connect (or TLS failed), 5 login refused,
                6 transfer or command failed, 7 not found.

                """ + ClientShell.HELP;
    }

    @Override
    public int run(List<String> words, Io io) throws UsageException {
        Set<String> values = union(ClientSettings.VALUES, ClientScript.VALUES, Set.of(BATCH));
        Set<String> flags = union(ClientSettings.FLAGS, ClientScript.FLAGS, Set.of(QUIET, "quiet", JSON));
        boolean commandList = startsWithCommandList(words, values);
        if (commandList) {
            values = union(values, Set.of(COMMANDS), Set.of());
            flags = new HashSet<>(flags);
            flags.remove(ClientScript.CONTINUE);
        }
        Args args = Args.parse(words, values, flags);
        ClientSettings settings = ClientSettings.of(args, io.home());
        ClientOutput output = new ClientOutput(io, args.flag(JSON) ? ClientOutput.Style.JSON
                : args.flag(QUIET) || args.flag("quiet") ? ClientOutput.Style.QUIET : ClientOutput.Style.TEXT);
        List<String> positionals = args.positionals();
        if (commandList || args.value(BATCH).isPresent()) {
            if (!positionals.isEmpty()) {
                throw new UsageException("-c and --batch take no other arguments");
            }
            return commandList(args, settings, output, io);
        }
        if (!positionals.isEmpty() && ClientScript.ACTIONS.contains(positionals.getFirst())) {
            return new ClientScript(args, settings, output, io).run(positionals.getFirst(),
                    positionals.subList(1, positionals.size()));
        }
        if (positionals.size() > 2) {
            throw new UsageException("too many arguments");
        }
        return interactive(positionals, settings, output, io);
    }

    /** The shell, with line editing, history and completion when standard input and output are a terminal. */
    private static int interactive(List<String> positionals, ClientSettings settings, ClientOutput output, Io io) {
        ClientShell shell = new ClientShell(io, completer -> LineInput.open(io, completer), settings, output);
        try {
            if (positionals.isEmpty()) {
                String host = shell.ask("Server address: ");
                String port = shell.ask("Port [" + FtpUrl.DEFAULT_PORT + "]: ");
                if (host == null) {
                    return ExitCode.OK;
                }
                shell.open(host.strip() + " " + (port == null || port.isBlank() ? FtpUrl.DEFAULT_PORT : port.strip()));
            } else {
                shell.open(String.join(" ", positionals));
            }
            shell.loop();
        } catch (IOException e) {
            io.err().println("loomftp client: " + ClientOutput.message(e));
            shell.disconnectQuietly();
            return ClientOutput.exitCode(e);
        } finally {
            shell.closeInput();
        }
        return ExitCode.OK;
    }

    /**
     * {@code -c "cmd; cmd"} or {@code --batch FILE}: shell commands without prompts, stopped at the
     * first that fails, whose exit code is returned.
     */
    private static int commandList(Args args, ClientSettings settings, ClientOutput output, Io io) {
        List<String> commands;
        if (args.value(COMMANDS).isPresent()) {
            commands = Arrays.stream(args.value(COMMANDS).get().split(";")).map(String::strip)
                    .filter(command -> !command.isEmpty()).toList();
        } else {
            try {
                commands = Files.readAllLines(Args.path(args.value(BATCH).get())).stream().map(String::strip)
                        .filter(command -> !command.isEmpty() && !command.startsWith("#")).toList();
            } catch (IOException | UsageException e) {
                io.err().println("loomftp client: cannot read " + args.value(BATCH).get() + ": "
                        + (e instanceof IOException unread ? ErrorText.of(unread) : e.getMessage()));
                return ExitCode.FAILURE;
            }
        }
        ClientShell shell = new ClientShell(io, completer -> new PlainInput(io), settings, output);
        try {
            for (String command : commands) {
                if (!shell.run(command)) {
                    break;
                }
                if (shell.failure() != ExitCode.OK) {
                    return shell.failure();
                }
            }
            return ExitCode.OK;
        } finally {
            shell.disconnectQuietly();
        }
    }

    /** Whether {@code -c} comes before any word that is not an option: a command list, not get's resume flag. */
    private static boolean startsWithCommandList(List<String> words, Set<String> values) {
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            if (word.equals("-" + COMMANDS)) {
                return true;
            }
            if (!word.startsWith("-") || word.equals("--")) {
                return false;
            }
            String name = word.startsWith("--") ? word.substring(2) : word.substring(1);
            if (values.contains(name)) {
                i++;
            }
        }
        return false;
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> all = new HashSet<>();
        for (Set<String> set : sets) {
            all.addAll(set);
        }
        return Set.copyOf(all);
    }
}
