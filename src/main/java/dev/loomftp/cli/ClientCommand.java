package dev.loomftp.cli;

import dev.loomftp.client.FtpClient;
import dev.loomftp.client.FtpException;
import dev.loomftp.client.FtpUrl;
import dev.loomftp.client.Netrc;
import dev.loomftp.client.Trust;
import dev.loomftp.protocol.Reply;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code loomftp client}: the interactive shell of the original client, with its commands (LIST,
 * CWD, RETR, STOR, USER, PASS, !DISCONNECT) and the names people type from habit (ls, cd, get,
 * put, ...). Without a host it asks for the server's address and port, as the original did.
 * Errors from the server are shown and the shell carries on.
 */
final class ClientCommand implements Command {
    private static final int DEFAULT_PORT = FtpUrl.DEFAULT_PORT;
    private static final Set<String> SCRIPTED = Set.of("ls", "get", "put", "rm", "mkdir");
    private static final String NETRC = "netrc-file";
    private static final String CONTINUE = "c";
    private static final String TLS = "tls";
    private static final String FINGERPRINT = "fingerprint";
    private static final String PASSWORD_VARIABLE = "LOOMFTP_PASSWORD";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String HELP = """
            Commands (any case):
              open HOST [PORT]          connect (the original asked for both at start)
              USER name, PASS           log in; PASS asks for the password without echo
              LIST, ls, dir [path]      list a remote folder
              CWD, cd path; pwd         change or show the remote folder
              RETR, get remote [local]  download
              STOR, put local [remote]  upload
              mkdir, rmdir, rm path     make or remove a folder, delete a file
              rename from to            rename or move a remote file
              lcd dir; lpwd; lls        change, show or list the local folder
              !command                  run a local shell command
              close                     disconnect and stay in the shell
              !DISCONNECT, bye, quit, exit   disconnect and leave
            """;

    @Override
    public String name() {
        return "client";
    }

    @Override
    public String summary() {
        return "connect to an FTP server (interactive)";
    }

    @Override
    public String usage() {
        return """
                Usage: loomftp client [HOST [PORT]]
                       loomftp client ls|rm|mkdir URL [--netrc-file FILE]
                       loomftp client get [-c] URL [LOCAL] [--netrc-file FILE]
                       loomftp client put [-c] LOCAL... URL [--netrc-file FILE]
                       loomftp client -c "CMD; CMD ..." | --batch FILE

                --tls uses explicit FTPS (AUTH TLS, PROT P), trusting the JDK's certificate
                authorities; --fingerprint SHA256 trusts only the server certificate with that
                fingerprint (as the server logs it) and implies --tls.

                Without HOST, asks for the server's address and port (default 5550).
                URL is ftp://[user@]host[:port]/path. The password comes from LOOMFTP_PASSWORD, then
                ~/.netrc (or --netrc-file), then a prompt without echo; never from the command line.
                get saves into the current folder under the remote name unless LOCAL is given; put
                uploads into the folder the URL names. -c resumes an interrupted transfer. Both check
                the copy with the server's HASH when it offers one.

                -c and --batch run shell commands (the ones below, such as "open HOST PORT; user
                NAME; pass; get FILE") without prompts, and stop at the first that fails.

                Exit codes: 0 ok, 2 usage, 4 cannot connect, 5 login refused, 6 transfer or
                command failed, 7 not found.

                """ + HELP;
    }

    @Override
    public int run(List<String> args, Io io) throws UsageException {
        if (!args.isEmpty() && SCRIPTED.contains(args.getFirst())) {
            return scripted(args.getFirst(), Args.parse(args.subList(1, args.size()), Set.of(NETRC, FINGERPRINT),
                    Set.of(CONTINUE, TLS)), io);
        }
        if (!args.isEmpty() && (args.getFirst().equals("-c") || args.getFirst().equals("--batch"))) {
            return batch(args, io);
        }
        if (args.size() > 2) {
            throw new UsageException("too many arguments");
        }
        BufferedReader input = new BufferedReader(new InputStreamReader(io.in(), StandardCharsets.UTF_8));
        Shell shell = new Shell(io, input);
        try {
            if (args.isEmpty()) {
                String host = shell.ask("Server address: ");
                String port = shell.ask("Port [" + DEFAULT_PORT + "]: ");
                if (host == null) {
                    return ExitCode.OK;
                }
                shell.open(host.strip(), port == null || port.isBlank() ? Integer.toString(DEFAULT_PORT) : port.strip());
            } else {
                shell.open(args.getFirst(), args.size() > 1 ? args.get(1) : Integer.toString(DEFAULT_PORT));
            }
            shell.loop();
        } catch (IOException e) {
            io.err().println("loomftp client: " + e.getMessage());
            return ExitCode.FAILURE;
        }
        return ExitCode.OK;
    }

    /**
     * {@code -c "cmd; cmd"} or {@code --batch FILE}: shell commands without prompts, stopped at the
     * first that fails, whose exit code is returned.
     */
    private static int batch(List<String> args, Io io) throws UsageException {
        if (args.size() != 2) {
            throw new UsageException(args.getFirst() + " needs one argument");
        }
        List<String> commands;
        if (args.getFirst().equals("-c")) {
            commands = Arrays.stream(args.get(1).split(";")).map(String::strip).filter(c -> !c.isEmpty()).toList();
        } else {
            try {
                commands = Files.readAllLines(Args.path(args.get(1))).stream().map(String::strip)
                        .filter(c -> !c.isEmpty() && !c.startsWith("#")).toList();
            } catch (IOException e) {
                io.err().println("loomftp client: cannot read " + args.get(1) + ": " + e.getMessage());
                return ExitCode.FAILURE;
            }
        }
        Shell shell = new Shell(io, new BufferedReader(new InputStreamReader(io.in(), StandardCharsets.UTF_8)));
        try {
            for (String command : commands) {
                if (!shell.run(command)) {
                    break;
                }
                if (shell.failure != ExitCode.OK) {
                    return shell.failure;
                }
            }
            return ExitCode.OK;
        } finally {
            shell.disconnectQuietly();
        }
    }

    /** The exit code for a failure: 4 connection, 5 login, 7 not found, 6 anything else. */
    private static int exitCodeOf(IOException error) {
        return switch (error) {
            case FtpException refused when refused.reply().code() == 530 -> ExitCode.LOGIN;
            case FtpException refused when refused.reply().code() == 550 -> ExitCode.NOT_FOUND;
            case java.net.ConnectException refused -> ExitCode.CONNECTION;
            case java.net.UnknownHostException unknown -> ExitCode.CONNECTION;
            case java.net.SocketTimeoutException late -> ExitCode.CONNECTION;
            default -> ExitCode.TRANSFER;
        };
    }

    /** One scripted command: connect, log in, do it, and say how it went in the exit code. */
    private static int scripted(String action, Args args, Io io) throws UsageException {
        List<String> operands = args.positionals();
        boolean put = action.equals("put");
        int wanted = put ? 2 : 1;
        if (operands.size() < wanted || !put && operands.size() > (action.equals("get") ? 2 : 1)) {
            throw new UsageException(action + " needs " + (put ? "LOCAL... URL" : action.equals("get")
                    ? "URL [LOCAL]" : "URL"));
        }
        FtpUrl url;
        try {
            url = FtpUrl.parse(put ? operands.getLast() : operands.getFirst());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        FtpClient client;
        boolean tls = url.implicitTls() || args.flag(TLS) || args.value(FINGERPRINT).isPresent();
        try {
            javax.net.ssl.SSLContext trust = !tls ? null : args.value(FINGERPRINT).isPresent()
                    ? Trust.pinned(args.value(FINGERPRINT).get()) : Trust.system();
            client = url.implicitTls() ? FtpClient.connectTls(url.host(), url.port(), TIMEOUT, trust)
                    : FtpClient.connect(url.host(), url.port(), TIMEOUT);
            if (tls && !url.implicitTls()) {
                try {
                    client.startTls(trust);
                } catch (IOException e) {
                    client.close();
                    throw e;
                }
            }
        } catch (javax.net.ssl.SSLException e) {
            io.err().println("loomftp client: TLS failed: " + e.getMessage());
            return ExitCode.CONNECTION;
        } catch (IOException | java.security.GeneralSecurityException e) {
            io.err().println("loomftp client: cannot connect to " + url.host() + " port " + url.port() + ": "
                    + e.getMessage());
            return ExitCode.CONNECTION;
        }
        try (client) {
            try {
                Netrc.Credentials credentials = credentials(url, args, io);
                client.login(credentials.login(), credentials.password());
                Arrays.fill(credentials.password(), '\0');
            } catch (IOException e) {
                io.err().println("loomftp client: " + e.getMessage());
                return ExitCode.LOGIN;
            }
            switch (action) {
                case "ls" -> client.list(url.path()).forEach(io.out()::println);
                case "rm" -> client.delete(url.path());
                case "mkdir" -> client.mkdir(url.path());
                case "get" -> {
                    String name = Path.of(url.path()).getFileName().toString();
                    Path target = operands.size() > 1 ? Path.of(operands.get(1)) : Path.of(name);
                    if (Files.isDirectory(target)) {
                        target = target.resolve(name);
                    }
                    if (args.flag(CONTINUE)) {
                        client.resumeDownload(url.path(), target);
                    } else {
                        client.download(url.path(), target);
                    }
                    verify(client, url.path(), target);
                }
                default -> {
                    for (String local : operands.subList(0, operands.size() - 1)) {
                        Path source = Path.of(local);
                        String remote = (url.path().isEmpty() ? "" : url.path().replaceAll("/+$", "") + "/")
                                + source.getFileName();
                        if (args.flag(CONTINUE)) {
                            client.resumeUpload(source, remote);
                        } else {
                            client.upload(source, remote);
                        }
                        verify(client, remote, source);
                    }
                }
            }
            return ExitCode.OK;
        } catch (FtpException e) {
            io.err().println("loomftp client: " + e.getMessage());
            return e.reply().code() == 550 ? ExitCode.NOT_FOUND : ExitCode.TRANSFER;
        } catch (IOException e) {
            io.err().println("loomftp client: " + e.getMessage());
            return ExitCode.TRANSFER;
        }
    }

    /** Compares the remote and local SHA-256 when the server offers HASH; a difference is an error. */
    private static void verify(FtpClient client, String remote, Path local) throws IOException {
        var remoteHash = client.sha256(remote);
        if (remoteHash.isEmpty()) {
            return;
        }
        String localHash;
        try (var in = Files.newInputStream(local)) {
            var digest = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int read; (read = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, read);
            }
            localHash = java.util.HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        if (!localHash.equals(remoteHash.get())) {
            throw new IOException("the copies differ: SHA-256 " + localHash + " here, " + remoteHash.get()
                    + " on the server");
        }
    }

    /** The user and password: from the URL, LOOMFTP_PASSWORD, the netrc file, or a prompt. */
    private static Netrc.Credentials credentials(FtpUrl url, Args args, Io io) throws IOException {
        String fromEnvironment = System.getenv(PASSWORD_VARIABLE);
        if (fromEnvironment != null && url.user().isPresent()) {
            return new Netrc.Credentials(url.user().get(), fromEnvironment.toCharArray());
        }
        Path netrc = args.value(NETRC).map(Path::of)
                .orElse(Path.of(System.getProperty("user.home"), ".netrc"));
        var found = Netrc.find(netrc, url.host(), url.user());
        if (found.isPresent()) {
            return found.get();
        }
        if (url.user().isPresent() && io.console() != null) {
            char[] typed = io.console().readPassword("Password for %s: ", url.user().get());
            if (typed != null) {
                return new Netrc.Credentials(url.user().get(), typed);
            }
        }
        throw new IOException("no credentials for " + url.host() + ": put user@ in the URL and set "
                + PASSWORD_VARIABLE + ", or add the host to ~/.netrc");
    }

    /** The shell's state: the connection, if any, and the local folder. */
    private static final class Shell {
        private final Io io;
        private final BufferedReader input;
        private FtpClient client;
        /** The exit code of the last command that failed, or 0. */
        private int failure = ExitCode.OK;
        private Path local = Path.of("").toAbsolutePath();

        Shell(Io io, BufferedReader input) {
            this.io = io;
            this.input = input;
        }

        String ask(String prompt) throws IOException {
            io.out().print(prompt);
            io.out().flush();
            return input.readLine();
        }

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
        private boolean run(String line) {
            failure = ExitCode.OK;
            if (line.startsWith("!") && !line.equalsIgnoreCase("!DISCONNECT")) {
                localShell(line.substring(1));
                return true;
            }
            String[] words = line.split("\\s+", 2);
            String verb = words[0].toLowerCase(Locale.ROOT);
            String rest = words.length > 1 ? words[1] : "";
            try {
                switch (verb) {
                    case "!disconnect", "bye", "quit", "exit" -> {
                        return false;
                    }
                    case "help", "?" -> io.out().print(HELP);
                    case "open" -> {
                        String[] target = rest.split("\\s+");
                        open(target[0], target.length > 1 ? target[1] : Integer.toString(DEFAULT_PORT));
                    }
                    case "close" -> disconnect();
                    case "lcd" -> changeLocal(rest);
                    case "lpwd" -> io.out().println(local);
                    case "lls" -> listLocal();
                    default -> remote(verb, rest);
                }
            } catch (IOException e) {
                io.err().println(e.getMessage());
                failure = exitCodeOf(e);
            }
            return true;
        }

        private void remote(String verb, String rest) throws IOException {
            FtpClient connected = connected();
            switch (verb) {
                case "user" -> show(connected.command("USER " + rest.strip()));
                case "pass" -> {
                    char[] password = rest.isBlank() ? password() : rest.toCharArray();
                    try {
                        show(connected.command("PASS " + new String(password)));
                        connected.command("TYPE I");
                    } finally {
                        Arrays.fill(password, '\0');
                    }
                }
                case "list", "ls", "dir" -> connected.list(rest).forEach(io.out()::println);
                case "nlst" -> connected.names(rest).forEach(io.out()::println);
                case "cwd", "cd" -> {
                    connected.cwd(rest.strip());
                    io.out().println(connected.pwd());
                }
                case "pwd" -> io.out().println(connected.pwd());
                case "retr", "get" -> get(connected, rest);
                case "stor", "put" -> put(connected, rest);
                case "mkdir" -> connected.mkdir(rest.strip());
                case "rmdir" -> connected.rmdir(rest.strip());
                case "rm", "delete", "dele" -> connected.delete(rest.strip());
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

        private void get(FtpClient connected, String rest) throws IOException {
            String[] names = rest.strip().split("\\s+", 2);
            if (names[0].isEmpty()) {
                throw new IOException("get needs a remote file name");
            }
            String remote = names[0];
            Path target = local.resolve(names.length > 1 ? names[1] : Path.of(remote).getFileName().toString());
            long bytes = connected.download(remote, target);
            io.out().println("received " + bytes + " bytes into " + target.getFileName());
        }

        private void put(FtpClient connected, String rest) throws IOException {
            String[] names = rest.strip().split("\\s+", 2);
            if (names[0].isEmpty()) {
                throw new IOException("put needs a local file name");
            }
            Path source = local.resolve(names[0]);
            if (!Files.isRegularFile(source)) {
                throw new IOException("no such local file: " + names[0]);
            }
            String remote = names.length > 1 ? names[1] : source.getFileName().toString();
            long bytes = connected.upload(source, remote);
            io.out().println("sent " + bytes + " bytes as " + remote);
        }

        void open(String host, String port) throws IOException {
            disconnect();
            int number;
            try {
                number = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new IOException("not a port number: " + port);
            }
            client = FtpClient.connect(host, number, TIMEOUT);
            show(client.greeting());
        }

        private void disconnect() throws IOException {
            if (client != null) {
                client.close();
                client = null;
                io.out().println("disconnected");
            }
        }

        private FtpClient connected() throws IOException {
            if (client == null) {
                throw new IOException("not connected; use open HOST [PORT]");
            }
            return client;
        }

        private char[] password() throws IOException {
            if (io.console() != null) {
                char[] typed = io.console().readPassword("Password: ");
                return typed == null ? new char[0] : typed;
            }
            String line = ask("Password: ");
            return line == null ? new char[0] : line.toCharArray();
        }

        private void changeLocal(String folder) throws IOException {
            Path target = local.resolve(folder.strip()).normalize();
            if (!Files.isDirectory(target)) {
                throw new IOException("no such local folder: " + folder.strip());
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
                io.err().println("cannot run: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void disconnectQuietly() {
            try {
                disconnect();
            } catch (IOException e) {
                // Leaving anyway.
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
}
