package dev.loomftp.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

/**
 * Completion for the client shell: the first word from the shell's commands, then remote or local
 * names as the command takes them. Folders complete with a trailing slash, so TAB goes on into
 * them. Remote names come from {@link RemoteFolders}, local ones from the shell's local folder.
 */
public final class ShellCompleter implements Completer {
    /** The shell's commands, as {@link ClientShell} knows them. */
    static final List<String> COMMANDS = List.of("open", "user", "pass", "ls", "list", "dir", "nlst", "cd", "cwd",
            "pwd", "get", "retr", "put", "stor", "mget", "mput", "mirror", "mkdir", "rmdir", "rm", "delete", "dele",
            "rename", "passive", "lcd", "lpwd", "lls", "close", "help", "bye", "quit", "exit");

    /** Where a name that a command takes lives. */
    private enum Side {
        REMOTE, LOCAL, NONE
    }

    private final RemoteFolders remote;
    private final Supplier<Path> local;

    /** Completes remote names from {@code remote} and local ones in the folder {@code local} gives. */
    public ShellCompleter(RemoteFolders remote, Supplier<Path> local) {
        this.remote = remote;
        this.local = local;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        if (line.wordIndex() == 0) {
            COMMANDS.forEach(command -> candidates.add(new Candidate(command)));
            return;
        }
        String typed = line.word().substring(0, line.wordCursor());
        int slash = typed.lastIndexOf('/');
        String folder = typed.substring(0, slash + 1);
        switch (side(line.words().getFirst().toLowerCase(Locale.ROOT), line.wordIndex())) {
            case REMOTE -> remote.entries(remoteFolder(folder))
                    .forEach(entry -> candidates.add(candidate(folder, entry.name(), entry.isFolder())));
            case LOCAL -> localNames(folder, candidates);
            case NONE -> { }
        }
    }

    /** Where the argument at {@code index} (1 for the first) of {@code verb} lives. */
    private static Side side(String verb, int index) {
        return switch (verb) {
            case "lcd", "mput" -> Side.LOCAL;
            case "put", "stor" -> index == 1 ? Side.LOCAL : Side.REMOTE;
            case "get", "retr" -> index == 1 ? Side.REMOTE : Side.LOCAL;
            case "ls", "list", "dir", "nlst", "cd", "cwd", "mget", "mkdir", "rmdir", "rm", "delete", "dele",
                    "rename" -> Side.REMOTE;
            default -> Side.NONE;
        };
    }

    /** The folder to list for a typed folder part: "" for the current one, "/" for the root. */
    private static String remoteFolder(String folder) {
        return folder.length() > 1 ? folder.substring(0, folder.length() - 1) : folder;
    }

    private void localNames(String folder, List<Candidate> candidates) {
        try (Stream<Path> entries = Files.list(local.get().resolve(folder))) {
            entries.forEach(path -> candidates.add(
                    candidate(folder, path.getFileName().toString(), Files.isDirectory(path))));
        } catch (IOException e) {
            // No such folder, or not readable: nothing to offer.
        }
    }

    /**
     * A name within the typed folder part. A file is complete (a space follows it); a folder is
     * not, so its names can follow.
     */
    private static Candidate candidate(String folder, String name, boolean isFolder) {
        String shown = isFolder ? name + "/" : name;
        return new Candidate(folder + shown, shown, null, null, null, null, !isFolder);
    }
}
