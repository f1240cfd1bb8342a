package dev.loomftp.cli;

import dev.loomftp.client.FtpClient;
import dev.loomftp.client.FtpException;
import dev.loomftp.client.FtpUrl;
import dev.loomftp.client.Mirror;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The scripted commands, {@code loomftp client ls|get|put|rm|mkdir|mirror URL ...}: one
 * connection, one action, and an exit code that says how it went. Arguments read as scp and curl
 * users expect: {@code get URL [LOCAL]} saves under the remote name unless told otherwise, and
 * {@code put LOCAL... URL} uploads into the folder the URL names.
 */
final class ClientScript {
    static final Set<String> ACTIONS = Set.of("ls", "get", "put", "rm", "mkdir", "mirror");
    static final String CONTINUE = "c";
    static final String REVERSE = "R";
    static final String ONLY_NEWER = "n";
    static final String DELETE = "e";
    static final String PARALLEL = "P";
    /** put: make the URL's folder, and those above it, when missing (curl's name). */
    static final String CREATE_FOLDERS = "ftp-create-dirs";
    /** The options of the actions, oneLetter and long, on top of the connection's. */
    static final Set<String> FLAGS = Set.of(CONTINUE, "continue", REVERSE, "reverse", ONLY_NEWER, "only-newer",
            DELETE, "delete", CREATE_FOLDERS);
    static final Set<String> VALUES = Set.of(PARALLEL, "parallel");
    private static final int MAX_PARALLEL = 64;

    private final Args args;
    private final ClientSettings settings;
    private final ClientOutput output;
    private final Io io;

    ClientScript(Args args, ClientSettings settings, ClientOutput output, Io io) {
        this.args = args;
        this.settings = settings;
        this.output = output;
        this.io = io;
    }

    /** Runs {@code action} with the positional arguments after it. */
    int run(String action, List<String> operands) throws UsageException {
        Operation operation = parse(action, operands);
        FtpUrl url = operation.url();
        FtpClient client;
        try {
            client = settings.open(url, io, question -> LineInput.ask(io, question));
        } catch (IOException e) {
            return output.fail(e);
        }
        try (client) {
            ClientActions actions = new ClientActions(client, output);
            operation.run(client, actions);
            return ExitCode.OK;
        } catch (IOException e) {
            return output.fail(e);
        }
    }

    /** One scripted action, checked before anything connects: where it goes, and what it does there. */
    private record Operation(FtpUrl url, Work work) {
        void run(FtpClient client, ClientActions actions) throws IOException {
            work.run(client, actions);
        }
    }

    private Operation parse(String action, List<String> operands) throws UsageException {
        boolean resume = args.flag(CONTINUE) || args.flag("continue");
        return switch (action) {
            case "ls", "rm", "mkdir" -> {
                expect(operands.size() == 1, action + " needs one URL");
                FtpUrl url = url(operands.getFirst());
                yield operation(url, (client, actions) -> {
                    switch (action) {
                        case "ls" -> actions.list(url.path());
                        case "rm" -> client.delete(url.path());
                        default -> client.mkdir(url.path());
                    }
                });
            }
            case "get" -> {
                expect(operands.size() == 1 || operands.size() == 2, "get needs URL [LOCAL]");
                FtpUrl url = url(operands.getFirst());
                String name = baseName(url.path());
                expect(!name.isEmpty(), "get needs the URL of a file, not a folder");
                Path named = operands.size() > 1 ? Args.path(operands.get(1)) : Path.of(name);
                Path target = Files.isDirectory(named) ? named.resolve(name) : named;
                yield operation(url, (client, actions) -> actions.get(url.path(), target, resume));
            }
            case "put" -> {
                expect(operands.size() >= 2, "put needs LOCAL... URL");
                FtpUrl url = url(operands.getLast());
                List<Path> sources = operands.subList(0, operands.size() - 1).stream().map(Path::of).toList();
                boolean createFolders = args.flag(CREATE_FOLDERS);
                yield operation(url, (client, actions) -> {
                    if (createFolders) {
                        actions.makeFolders(url.path());
                    }
                    for (Path source : sources) {
                        putInto(client, actions, source, url.path(), resume);
                    }
                });
            }
            default -> mirror(operands);
        };
    }

    /**
     * {@code mirror URL [LOCAL]} and {@code mirror -R LOCAL URL}. As with lftp, a missing target
     * is the source's base name, and a target that ends with a slash gets the base name added.
     */
    private Operation mirror(List<String> operands) throws UsageException {
        boolean up = args.flag(REVERSE) || args.flag("reverse");
        Optional<Integer> oneLetter = args.intValue(PARALLEL, 1, MAX_PARALLEL);
        int parallel = oneLetter.isPresent() ? oneLetter.get() : args.intValue("parallel", 1, MAX_PARALLEL).orElse(1);
        Mirror.Options options = new Mirror.Options(args.flag(ONLY_NEWER) || args.flag("only-newer"),
                args.flag(DELETE) || args.flag("delete"), parallel);
        if (up) {
            expect(operands.size() == 2, "mirror -R needs LOCAL URL");
            Path local = Args.path(operands.getFirst()).toAbsolutePath().normalize();
            FtpUrl url = url(operands.get(1));
            String remote = url.path().endsWith("/") ? url.path() + local.getFileName() : url.path();
            return operation(url, (client, actions) -> actions.mirror(true, remote, local, options,
                    () -> settings.open(url, io, ServerTrust.Asker.NOBODY)));
        }
        expect(operands.size() == 1 || operands.size() == 2, "mirror needs URL [LOCAL]");
        FtpUrl url = url(operands.getFirst());
        String name = baseName(url.path());
        Path local;
        if (operands.size() == 1) {
            local = Path.of(name.isEmpty() ? "." : name);
        } else {
            local = Args.path(operands.get(1));
            if (operands.get(1).endsWith("/") && !name.isEmpty()) {
                local = local.resolve(name);
            }
        }
        Path target = local.toAbsolutePath().normalize();
        return operation(url, (client, actions) -> actions.mirror(false, url.path(), target, options,
                () -> settings.open(url, io, ServerTrust.Asker.NOBODY)));
    }

    /**
     * Uploads {@code source} into the remote {@code folder}. When the server refuses and the folder
     * is missing, says so, and how to make it: servers answer STOR into a missing folder with
     * anything from 550 to 553.
     */
    private static void putInto(FtpClient client, ClientActions actions, Path source, String folder, boolean resume)
            throws IOException {
        try {
            actions.put(source, Mirror.child(folder, source.getFileName().toString()), resume);
        } catch (FtpException refused) {
            if (!folder.isEmpty() && !client.isFolder(folder)) {
                throw new MissingFolderException("no folder " + folder + " on the server (put --" + CREATE_FOLDERS
                        + " makes it): " + refused.getMessage(), refused);
            }
            throw refused;
        }
    }

    /** A remote folder that is not there: exit code 7, as for a missing file. */
    static final class MissingFolderException extends IOException {
        MissingFolderException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static Operation operation(FtpUrl url, Work work) {
        return new Operation(url, work);
    }

    /** What an operation does once connected. */
    @FunctionalInterface
    private interface Work {
        void run(FtpClient client, ClientActions actions) throws IOException;
    }

    private static String baseName(String path) {
        String trimmed = path.replaceAll("/+$", "");
        return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }

    private static FtpUrl url(String text) throws UsageException {
        try {
            return FtpUrl.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static void expect(boolean condition, String usage) throws UsageException {
        if (!condition) {
            throw new UsageException(usage);
        }
    }
}
