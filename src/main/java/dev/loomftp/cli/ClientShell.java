package dev.loomftp.cli;

import dev.loomftp.client.FtpClient;
import dev.loomftp.client.FtpUrl;
import dev.loomftp.client.Mirror;
import dev.loomftp.protocol.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jline.reader.Completer;

/**
 * The interactive shell of {@code loomftp client}, and the runner of {@code -c} and
 * {@code --batch} command lists. It keeps the original client's commands (LIST, CWD, RETR, STOR,
 * USER, PASS, !DISCONNECT, in any case) and the names people type from habit. Errors from the
 * server are shown plainly and the shell carries on; {@link #failure} keeps the exit code of the
 * last command for command lists. On a terminal, lines are edited and completed through
 * {@link TerminalInput}.
 */
final class ClientShell {
    static final String HELP = """
            Commands (any case):
              open HOST [PORT] | URL    connect (the original asked for both at start)
              USER name, PASS           log in; PASS asks for the password without echo
              LIST, ls, dir [path]      list a remote folder
              CWD, cd path; pwd         change or show the remote folder
              RETR, get remote [local]  download
              STOR, put local [remote]  upload
              mget GLOB...; mput GLOB...  download or upload every file that matches
              mirror [-R] [-n] [-e] [-P N] SOURCE [TARGET]
                                        mirror a folder down (or up with -R): -n only newer
                                        files, -e delete what the source lacks, -P N parallel
              mkdir, rmdir, rm path     make or remove a folder, delete a file
              rename from to            rename or move a remote file
              passive                   switch between passive (the default) and active mode
              lcd dir; lpwd; lls        change, show or list the local folder
              !command                  run a local shell command
              close                     disconnect and stay in the shell
              !DISCONNECT, bye, quit, exit   disconnect and leave
            """;
    /**
     * The commands after which the remote folders completion knows still hold: they change no
     * folder and not what a relative name means. After any other, completion lists again.
     */
    private static final Set<String> KEEP_LISTINGS = Set.of("help", "?", "lcd", "lpwd", "lls", "passive", "list",
            "ls", "dir", "nlst", "pwd", "retr", "get", "mget");

    private final Io io;
    private final LineInput input;
    private final ClientSettings settings;
    private final ClientOutput output;
    private FtpClient client;
    /** Where the connection goes and who logged in, for the extra connections of a parallel mirror. */
    private String host;
    private int port;
    private boolean implicitTls;
    private String user;
    private char[] password;
    private boolean active;
    /** The exit code of the last command that failed, or 0. */
    private int failure = ExitCode.OK;
    private Path local = Path.of("").toAbsolutePath();
    /** The remote folders listed for completion, through this shell's connection. */
    private final RemoteFolders remoteFolders = new RemoteFolders(() -> Optional.ofNullable(client));

    /**
     * A shell that reads from the line input {@code input} makes out of the shell's completer (of
     * its commands, and of remote and local names): a terminal's, or plain lines.
     */
    ClientShell(Io io, Function<Completer, LineInput> input, ClientSettings settings, ClientOutput output) {
        this.io = io;
        this.input = input.apply(new ShellCompleter(remoteFolders, () -> local));
        this.settings = settings;
        this.output = output;
        this.active = settings.active();
    }

    int failure() {
        return failure;
    }

    String ask(String prompt) throws IOException {
        return input.readLine(prompt);
    }

    /** Reads and runs commands until the input ends or the user leaves. */
    void loop() throws IOException {
        String line;
        while ((line = ask("ftp> ")) != null) {
            if (!line.isBlank() && !run(line.strip())) {
                break;
            }
        }
        disconnect();
    }

    /** Runs one command line; false when the shell should end. */
    boolean run(String line) {
        failure = ExitCode.OK;
        if (line.startsWith("!") && !line.equalsIgnoreCase("!DISCONNECT")) {
            localShell(line.substring(1));
            return true;
        }
        String[] words = line.split("\\s+", 2);
        String verb = words[0].toLowerCase(Locale.ROOT);
        String rest = words.length > 1 ? words[1].strip() : "";
        try {
            switch (verb) {
                case "!disconnect", "bye", "quit", "exit" -> {
                    return false;
                }
                case "help", "?" -> io.out().print(HELP);
                case "open" -> open(rest);
                case "close" -> disconnect();
                case "lcd" -> changeLocal(rest);
                case "lpwd" -> io.out().println(local);
                case "lls" -> listLocal();
                case "passive" -> {
                    active = !active;
                    if (client != null) {
                        client.active(active);
                    }
                    io.out().println(active ? "active mode" : "passive mode");
                }
                default -> remote(verb, rest);
            }
        } catch (UsageException e) {
            io.err().println(e.getMessage());
            failure = ExitCode.USAGE;
        } catch (IOException e) {
            io.err().println(ClientOutput.message(e));
            failure = ClientOutput.exitCode(e);
        }
        if (!KEEP_LISTINGS.contains(verb)) {
            remoteFolders.forget();
        }
        return true;
    }

    /** {@code open HOST [PORT]} or {@code open URL}: a URL also logs in and changes to its folder. */
    void open(String target) throws IOException {
        String[] words = target.split("\\s+");
        if (words[0].isEmpty()) {
            throw new IOException("open needs a host, or an ftp:// address");
        }
        if (words[0].contains("://")) {
            FtpUrl url;
            try {
                url = FtpUrl.parse(words[0]);
            } catch (IllegalArgumentException e) {
                throw new IOException(e.getMessage());
            }
            connect(url.host(), url.port(), url.implicitTls());
            var credentials = settings.credentials(url, io);
            login(credentials.login(), credentials.password());
            if (!url.path().isEmpty()) {
                client.cwd(url.path());
            }
            return;
        }
        int number;
        try {
            number = words.length > 1 ? Integer.parseInt(words[1]) : FtpUrl.DEFAULT_PORT;
        } catch (NumberFormatException e) {
            throw new IOException("not a port number: " + words[1]);
        }
        connect(words[0], number, false);
    }

    private void connect(String toHost, int toPort, boolean implicit) throws IOException {
        disconnect();
        client = settings.connect(toHost, toPort, implicit, input::ask);
        client.active(active);
        client.limitRate(settings.rateLimit());
        host = toHost;
        port = toPort;
        implicitTls = implicit;
        show(client.greeting());
    }

    private void login(String name, char[] secret) throws IOException {
        user = name;
        show(client.command("USER " + name));
        pass(secret);
    }

    private void pass(char[] secret) throws IOException {
        Reply reply = client.command("PASS " + new String(secret));
        show(reply);
        if (reply.code() == 230) {
            forgetPassword();
            password = secret;
            client.command("TYPE I");
            if (settings.compress()) {
                client.compress(true);
            }
        } else {
            Arrays.fill(secret, '\0');
        }
    }

    private void remote(String verb, String rest) throws IOException, UsageException {
        FtpClient connected = connected();
        ClientActions actions = new ClientActions(connected, output);
        switch (verb) {
            case "user" -> {
                user = rest;
                show(connected.command("USER " + rest));
            }
            case "pass" -> pass(rest.isBlank() ? password() : rest.toCharArray());
            case "list", "ls", "dir" -> actions.list(rest);
            case "nlst" -> connected.names(rest).forEach(io.out()::println);
            case "cwd", "cd" -> {
                connected.cwd(rest);
                io.out().println(connected.pwd());
            }
            case "pwd" -> io.out().println(connected.pwd());
            case "retr", "get" -> {
                String[] names = twoNames(rest, "get needs a remote file name");
                String name = names[0].substring(names[0].lastIndexOf('/') + 1);
                actions.get(names[0], local.resolve(names.length > 1 ? names[1] : name), false);
            }
            case "stor", "put" -> {
                String[] names = twoNames(rest, "put needs a local file name");
                Path source = local.resolve(names[0]);
                actions.put(source, names.length > 1 ? names[1] : source.getFileName().toString(), false);
            }
            case "mget" -> actions.mget(globs(rest, "mget"), local);
            case "mput" -> actions.mput(globs(rest, "mput"), local, "");
            case "mirror" -> mirror(actions, rest);
            case "mkdir" -> connected.mkdir(rest);
            case "rmdir" -> connected.rmdir(rest);
            case "rm", "delete", "dele" -> connected.delete(rest);
            case "rename" -> {
                String[] names = rest.split("\\s+", 2);
                if (names.length < 2) {
                    throw new IOException("rename needs a name and a new name");
                }
                connected.rename(names[0], names[1]);
            }
            default -> {
                io.err().println("unknown command '" + verb + "'; type help for the list");
                failure = ExitCode.USAGE;
            }
        }
    }

    /** {@code mirror [-R] [-n] [-e] [-P N] SOURCE [TARGET]}, relative to the current folders. */
    private void mirror(ClientActions actions, String rest) throws IOException, UsageException {
        Args args = Args.parse(List.of(rest.isEmpty() ? new String[0] : rest.split("\\s+")), ClientScript.VALUES,
                ClientScript.FLAGS);
        List<String> operands = args.positionals();
        if (operands.size() > 2) {
            throw new UsageException("mirror needs SOURCE [TARGET]");
        }
        Optional<Integer> parallel = args.intValue(ClientScript.PARALLEL, 1, 64);
        Mirror.Options options = new Mirror.Options(args.flag(ClientScript.ONLY_NEWER), args.flag(ClientScript.DELETE),
                parallel.orElse(1));
        String folder = client.pwd();
        Mirror.Connector more = () -> another(folder);
        if (args.flag(ClientScript.REVERSE)) {
            Path source = local.resolve(operands.isEmpty() ? "." : operands.getFirst()).normalize();
            String target = operands.size() > 1 ? operands.get(1) : source.getFileName().toString();
            actions.mirror(true, target, source, options, more);
        } else {
            String source = operands.isEmpty() ? "" : operands.getFirst();
            String name = source.replaceAll("/+$", "");
            name = name.substring(name.lastIndexOf('/') + 1);
            Path target = local.resolve(operands.size() > 1 ? operands.get(1) : name.isEmpty() ? "." : name);
            actions.mirror(false, source, target.normalize(), options, more);
        }
    }

    /**
     * One more connection as the logged-in user, in {@code folder}, for a parallel mirror. It runs
     * on the mirror's threads, so it does not touch this shell's own connection.
     */
    private FtpClient another(String folder) throws IOException {
        if (password == null) {
            throw new IOException("log in first");
        }
        FtpClient extra = settings.connect(host, port, implicitTls, ServerTrust.Asker.NOBODY);
        char[] secret = password.clone();
        try {
            extra.login(user, secret);
            settings.applyTo(extra);
            extra.active(active);
            extra.cwd(folder);
            return extra;
        } catch (IOException | RuntimeException e) {
            extra.close();
            throw e;
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    private static String[] twoNames(String rest, String missing) throws IOException {
        if (rest.isEmpty()) {
            throw new IOException(missing);
        }
        return rest.split("\\s+", 2);
    }

    private static List<String> globs(String rest, String verb) throws IOException {
        if (rest.isEmpty()) {
            throw new IOException(verb + " needs at least one name or pattern");
        }
        return List.of(rest.split("\\s+"));
    }

    void disconnect() throws IOException {
        forgetPassword();
        if (client != null) {
            client.close();
            client = null;
            io.out().println("disconnected");
        }
    }

    void disconnectQuietly() {
        try {
            disconnect();
        } catch (IOException e) {
            // Leaving anyway.
        }
    }

    /** Gives the terminal back, when the shell had one. */
    void closeInput() {
        try {
            input.close();
        } catch (IOException e) {
            // Leaving anyway.
        }
    }

    private void forgetPassword() {
        if (password != null) {
            Arrays.fill(password, '\0');
            password = null;
        }
    }

    private FtpClient connected() throws IOException {
        if (client == null) {
            throw new IOException("not connected; use open HOST [PORT]");
        }
        return client;
    }

    private char[] password() throws IOException {
        char[] typed = input.readPassword("Password: ");
        return typed == null ? new char[0] : typed;
    }

    private void changeLocal(String folder) throws IOException {
        Path target = local.resolve(folder).normalize();
        if (!Files.isDirectory(target)) {
            throw new IOException("no such local folder: " + folder);
        }
        local = target;
        io.out().println(local);
    }

    private void listLocal() throws IOException {
        try (Stream<Path> entries = Files.list(local)) {
            entries.map(path -> path.getFileName() + (Files.isDirectory(path) ? "/" : "")).sorted()
                    .forEach(io.out()::println);
        }
    }

    private void localShell(String command) {
        try {
            Process process = new ProcessBuilder("sh", "-c", command).directory(local.toFile())
                    .redirectErrorStream(true).start();
            process.getInputStream().transferTo(io.out());
            process.waitFor();
        } catch (IOException e) {
            io.err().println("cannot run: " + ErrorText.of(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void show(Reply reply) {
        if (reply.code() == 530) {
            failure = ExitCode.LOGIN;
        } else if (reply.code() >= 400) {
            failure = ExitCode.TRANSFER;
        }
        (reply.code() >= 400 ? io.err() : io.out()).println(reply.code() + " " + String.join("\n    ", reply.lines()));
    }
}
