package dev.loomftp.server;

import dev.loomftp.protocol.Reply;
import dev.loomftp.storage.AheadIterator;
import dev.loomftp.storage.FileEntry;
import dev.loomftp.storage.VirtualFileSystem.Mount;
import dev.loomftp.storage.VirtualPath;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The commands that show folders: LIST (ls -l lines), NLST (names), MLSD (RFC 3659 facts) over a
 * data connection, and MLST and STAT with a path over the control connection. Listings stream:
 * a folder of any size is sent entry by entry, never held in memory.
 */
final class ListingCommands {
    /** The most lines STAT sends over the control connection. */
    private static final int MAX_STAT_LINES = 10_000;

    private ListingCommands() {}

    static void list(Session session, String argument) throws IOException, InterruptedException {
        ListArguments parsed = ListArguments.parse(argument);
        ListFormat format = new ListFormat(Instant.now(), ZoneOffset.UTC);
        LineFormat line = (mounts, entry) -> format.line(entry, mounts.apply(entry.name()).writable());
        listing(session, "LIST", parsed, line, (folder, all) -> streamFolder(session, "LIST", folder, all, line));
    }

    /**
     * NLST: names only. A folder's names are read without each entry's attributes (see
     * {@link dev.loomftp.storage.VirtualFileSystem#names}); which are shown is as LIST's.
     */
    static void nlst(Session session, String argument) throws IOException, InterruptedException {
        listing(session, "NLST", ListArguments.parse(argument), (mounts, entry) -> entry.name(),
                (folder, all) -> streamNames(session, folder, all));
    }

    /** MLSD (RFC 3659): the entries of a folder, with facts; a file is an error. */
    static void mlsd(Session session, String argument) throws IOException, InterruptedException {
        Optional<VirtualPath> path = session.resolveOrReply(argument, 550);
        if (path.isEmpty() || !TransferCommands.dataConnectionReady(session)) {
            return;
        }
        Optional<FileEntry> entry = stat(session, path.get());
        if (entry.isEmpty()) {
            return;
        }
        if (!entry.get().isDirectory()) {
            session.reply(501, "MLSD lists folders; use MLST for a file.");
            return;
        }
        Facts.Writer facts = new Facts.Writer(session.parameters().mlstFacts());
        streamFolder(session, "MLSD", path.get(), true,
                (mounts, child) -> facts.line(child, mounts.apply(child.name()).permissions()));
    }

    /** MLST (RFC 3659): one entry's facts, over the control connection. */
    static void mlst(Session session, String argument) throws IOException {
        Optional<VirtualPath> path = session.resolveOrReply(argument, 550);
        if (path.isEmpty()) {
            return;
        }
        Optional<FileEntry> entry = stat(session, path.get());
        if (entry.isPresent()) {
            String facts = Facts.line(entry.get(), path.get().toString(), session.files().permissions(path.get()),
                    session.parameters().mlstFacts());
            session.reply(new Reply(250, List.of("Listing " + path.get(), facts, "End")));
        }
    }

    /**
     * STAT: with a path, its listing in ls -l lines over the control connection (RFC 959); without,
     * the session's status.
     */
    static void stat(Session session, String argument) throws IOException {
        if (argument.isBlank()) {
            InfoCommands.status(session);
            return;
        }
        ListArguments parsed = ListArguments.parse(argument);
        Optional<VirtualPath> path = session.resolveOrReply(parsed.path(), 550);
        if (path.isEmpty()) {
            return;
        }
        Optional<FileEntry> entry = stat(session, path.get());
        if (entry.isEmpty()) {
            return;
        }
        ListFormat format = new ListFormat(Instant.now(), ZoneOffset.UTC);
        List<String> lines = new ArrayList<>();
        lines.add("Status of " + path.get() + ":");
        if (!entry.get().isDirectory()) {
            lines.add(format.line(entry.get(), session.files().isWritable(path.get())));
        } else {
            Function<String, Mount> mounts = session.files().childMounts(path.get());
            try (DirectoryStream<FileEntry> entries = session.files().list(path.get())) {
                for (FileEntry child : entries) {
                    if (lines.size() > MAX_STAT_LINES) {
                        lines.add("(more entries follow; use LIST for all of them)");
                        break;
                    }
                    if (parsed.all() || !child.name().startsWith(".")) {
                        lines.add(format.line(child, mounts.apply(child.name()).writable()));
                    }
                }
            } catch (IOException e) {
                FileErrors.reply(session, e, path.get());
                return;
            }
        }
        lines.add("End of status.");
        session.reply(new Reply(213, lines));
    }

    /**
     * How one entry is written in a listing, given the mount of each entry of its folder by name
     * ({@link dev.loomftp.storage.VirtualFileSystem#childMounts}).
     */
    @FunctionalInterface
    private interface LineFormat {
        String line(Function<String, Mount> mounts, FileEntry entry);
    }

    /** How a listing sends a whole folder. */
    @FunctionalInterface
    private interface FolderListing {
        void stream(VirtualPath folder, boolean all) throws IOException, InterruptedException;
    }

    /** LIST or NLST: a folder as {@code folderListing} sends it, a file as one line in {@code format}. */
    private static void listing(Session session, String verb, ListArguments parsed, LineFormat format,
            FolderListing folderListing) throws IOException, InterruptedException {
        Optional<VirtualPath> path = session.resolveOrReply(parsed.path(), 550);
        if (path.isEmpty() || !TransferCommands.dataConnectionReady(session)) {
            return;
        }
        Optional<FileEntry> entry = stat(session, path.get());
        if (entry.isEmpty()) {
            return;
        }
        if (entry.get().isDirectory()) {
            folderListing.stream(path.get(), parsed.all());
        } else {
            Mount mount = session.files().locate(path.get()).mount();
            String line = format.line(name -> mount, entry.get());
            DataTransfer.run(session, verb, path.get(), "Opening ASCII mode data connection for the listing.",
                    TransferCommands.COMPLETE, data -> DataTransfer.writeLines(data, List.of(line)));
        }
    }

    private static void streamFolder(Session session, String verb, VirtualPath folder, boolean all, LineFormat format)
            throws IOException, InterruptedException {
        Function<String, Mount> mounts = session.files().childMounts(folder);
        stream(session, verb, folder, () -> session.files().list(folder), FileEntry::name, all,
                child -> format.line(mounts, child));
    }

    private static void streamNames(Session session, VirtualPath folder, boolean all)
            throws IOException, InterruptedException {
        stream(session, "NLST", folder, () -> session.files().names(folder), name -> name, all, name -> name);
    }

    /** Opens a folder's listing; an {@link IOException} is answered with the reply it calls for. */
    @FunctionalInterface
    private interface Opener<T> {
        DirectoryStream<T> open() throws IOException;
    }

    /**
     * Sends the lines of a folder's listing over the data connection, one an entry, less names
     * that start with a dot unless {@code all}; a folder that cannot be read gets its 550 first.
     */
    private static <T> void stream(Session session, String verb, VirtualPath folder, Opener<T> opener,
            Function<T, String> name, boolean all, Function<T, String> line) throws IOException, InterruptedException {
        DirectoryStream<T> entries;
        try {
            entries = opener.open();
        } catch (IOException e) {
            FileErrors.reply(session, e, folder);
            return;
        }
        try (entries) {
            Iterable<String> lines = () -> new Lines<>(entries.iterator(), name, all, line);
            DataTransfer.run(session, verb, folder, "Opening ASCII mode data connection for the listing.",
                    TransferCommands.COMPLETE, data -> DataTransfer.writeLines(data, lines));
        }
    }

    /** A listing's lines: one an entry, less names that start with a dot unless all are asked for. */
    private static final class Lines<T> extends AheadIterator<String> {
        private final Iterator<T> entries;
        private final Function<T, String> name;
        private final boolean all;
        private final Function<T, String> line;

        Lines(Iterator<T> entries, Function<T, String> name, boolean all, Function<T, String> line) {
            this.entries = entries;
            this.name = name;
            this.all = all;
            this.line = line;
        }

        @Override
        protected String fetch() {
            while (entries.hasNext()) {
                T entry = entries.next();
                if (all || !name.apply(entry).startsWith(".")) {
                    return line.apply(entry);
                }
            }
            return null;
        }
    }

    /** The entry at {@code path}, or empty after a 550 reply. */
    private static Optional<FileEntry> stat(Session session, VirtualPath path) throws IOException {
        try {
            Optional<FileEntry> entry = session.files().stat(path);
            if (entry.isEmpty()) {
                session.reply(550, "No such file or folder.");
            }
            return entry;
        } catch (IOException e) {
            FileErrors.reply(session, e, path);
            return Optional.empty();
        }
    }

    /**
     * The argument of LIST, NLST or STAT: leading {@code ls} flags such as {@code -la}, which
     * clients send from habit, then an optional path. Only {@code a} changes anything: it shows
     * names that start with a dot.
     */
    record ListArguments(boolean all, String path) {
        static ListArguments parse(String argument) {
            boolean all = false;
            String rest = argument.strip();
            while (rest.startsWith("-")) {
                int end = rest.indexOf(' ');
                String flags = end < 0 ? rest : rest.substring(0, end);
                all |= flags.indexOf('a') >= 0;
                rest = end < 0 ? "" : rest.substring(end + 1).strip();
            }
            return new ListArguments(all, rest);
        }
    }
}
