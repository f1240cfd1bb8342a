package dev.loomftp.client;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Mirrors a folder tree, down (remote to local) or up (local to remote), as lftp's {@code mirror}
 * does. A file is copied when the target lacks it, or when the two differ in size or in time (to
 * the second); with {@link Options#onlyNewer} only when the source is newer. Going up, a target
 * newer than its source is left alone, so a server that cannot take file times (no MFMT) is not
 * sent the same files again and again. Copied files get the source's time. With
 * {@link Options#delete}, what the source lacks is removed from the target.
 *
 * <p>The first connection walks both trees and makes the folders; the file copies then run on
 * {@link Options#parallel} connections, each a task in one structured scope. A server without
 * MLSD is asked a file's time (MDTM) only where it matters: for a file on both sides, and for a
 * downloaded copy. A file that fails
 * is reported and the others go on; {@link Result#failures} lists them.
 */
public final class Mirror {
    private final FtpClient client;
    private final Connector connector;
    private final Options options;
    private final Reporter reporter;
    private final Path localRoot;
    private final String remoteRoot;
    private final List<Copy> copies = new ArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final AtomicInteger copied = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    private int folders;
    private int deleted;
    private int unchanged;

    /** How to mirror. */
    public record Options(boolean onlyNewer, boolean delete, int parallel) {
        public Options {
            if (parallel < 1) {
                throw new IllegalArgumentException("parallel must be at least 1");
            }
        }
    }

    /** Opens one more logged-in connection to the same server, for parallel copies. */
    @FunctionalInterface
    public interface Connector {
        FtpClient open() throws IOException;
    }

    /**
     * What a mirror did, one step at a time, with paths relative to the mirrored folders: called
     * from the copying threads, so it must be thread-safe.
     */
    @FunctionalInterface
    public interface Reporter {
        void report(Action action, String path, long bytes);
    }

    /** The steps a mirror takes. */
    public enum Action {
        GET, PUT, MKDIR, DELETE
    }

    /**
     * What a mirror did in all.
     *
     * @param copied    files copied
     * @param bytes     bytes copied
     * @param unchanged files already the same
     * @param folders   folders made
     * @param deleted   files and folders removed from the target
     * @param failures  one line for each file or folder that failed
     */
    public record Result(int copied, long bytes, int unchanged, int folders, int deleted, List<String> failures) {
    }

    /** One file to copy, with the source's time to give the copy. */
    private record Copy(String remote, Path local, Optional<Instant> time) {
    }

    /** A local entry's kind, size and time, not following links. */
    private record LocalEntry(boolean folder, boolean file, long size, Instant modified) {
        static LocalEntry of(Path path) throws IOException {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            return new LocalEntry(attributes.isDirectory(), attributes.isRegularFile(), attributes.size(),
                    attributes.lastModifiedTime().toInstant());
        }
    }

    private Mirror(FtpClient client, Connector connector, Options options, Reporter reporter, Path localRoot,
            String remoteRoot) {
        this.client = client;
        this.connector = connector;
        this.options = options;
        this.reporter = reporter;
        this.localRoot = localRoot;
        this.remoteRoot = remoteRoot;
    }

    /** Mirrors the remote folder {@code remote} into the local folder {@code local}. */
    public static Result download(FtpClient client, Connector connector, String remote, Path local, Options options,
            Reporter reporter) throws IOException, InterruptedException {
        Mirror mirror = new Mirror(client, connector, options, reporter, local, remote);
        mirror.planDown(remote, local);
        return mirror.copy(true);
    }

    /**
     * Mirrors the local folder {@code local} into the remote folder {@code remote}, making it and
     * every missing folder above it first, as lftp does.
     */
    public static Result upload(FtpClient client, Connector connector, Path local, String remote, Options options,
            Reporter reporter) throws IOException, InterruptedException {
        if (!Files.isDirectory(local)) {
            throw new IOException("no such local folder: " + local);
        }
        Mirror mirror = new Mirror(client, connector, options, reporter, local, remote);
        List<String> made = client.makeFolders(remote);
        made.forEach(mirror::madeFolder);
        mirror.planUp(local, remote, made.isEmpty());
        return mirror.copy(false);
    }

    /** {@code name} inside the remote folder {@code folder}. */
    public static String child(String folder, String name) {
        if (folder.isEmpty()) {
            return name;
        }
        return folder.endsWith("/") ? folder + name : folder + "/" + name;
    }

    private void planDown(String remote, Path local) throws IOException {
        if (!Files.isDirectory(local, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(local);
            folders++;
            reporter.report(Action.MKDIR, shown(local), 0);
        }
        Map<String, LocalEntry> present = localEntries(local);
        List<RemoteEntry> entries = client.listEntries(remote);
        for (RemoteEntry entry : entries) {
            if (!isPlainName(entry.name())) {
                failures.add(child(remote, entry.name()) + ": skipped, not a plain name");
                continue;
            }
            String from = child(remote, entry.name());
            Path to = local.resolve(entry.name());
            LocalEntry there = present.remove(entry.name());
            if (entry.isFolder()) {
                if (there != null && !there.folder()) {
                    failures.add(to + ": a file is in the way of the folder");
                    continue;
                }
                planDown(from, to);
            } else if (entry.isFile()) {
                if (there != null && there.folder()) {
                    failures.add(to + ": a folder is in the way of the file");
                } else if (there == null || differs(entry.size(), timed(from, entry).modified(), there.size(),
                        Optional.of(there.modified()), true)) {
                    copies.add(new Copy(from, to, entry.modified()));
                } else {
                    unchanged++;
                }
            }
        }
        if (options.delete()) {
            for (String extra : present.keySet()) {
                deleteLocal(local.resolve(extra));
            }
        }
    }

    /**
     * Plans the copies from {@code local} into the remote folder {@code remote}, which is listed
     * only when it was there before: a folder just made is empty. Missing folders below are made.
     */
    private void planUp(Path local, String remote, boolean existed) throws IOException {
        Map<String, RemoteEntry> present = new HashMap<>();
        if (existed) {
            client.listEntries(remote).forEach(entry -> present.put(entry.name(), entry));
        }
        try (Stream<Path> listed = Files.list(local)) {
            for (Path path : listed.sorted().toList()) {
                String name = path.getFileName().toString();
                String to = child(remote, name);
                LocalEntry entry = LocalEntry.of(path);
                RemoteEntry there = present.remove(name);
                if (entry.folder()) {
                    if (there != null && !there.isFolder()) {
                        failures.add(to + ": a file is in the way of the folder");
                    } else {
                        if (there == null) {
                            client.mkdir(to);
                            madeFolder(to);
                        }
                        planUp(path, to, there != null);
                    }
                } else if (entry.file()) {
                    if (there != null && there.isFolder()) {
                        failures.add(to + ": a folder is in the way of the file");
                    } else if (there == null || differs(entry.size(), Optional.of(entry.modified()), there.size(),
                            timed(to, there).modified(), false)) {
                        copies.add(new Copy(to, path, Optional.of(entry.modified())));
                    } else {
                        unchanged++;
                    }
                }
            }
        }
        if (options.delete()) {
            for (RemoteEntry extra : present.values()) {
                deleteRemote(child(remote, extra.name()), extra);
            }
        }
    }

    /** A local path as reported: relative to the mirror's local folder, or "." for the folder itself. */
    private String shown(Path local) {
        String relative = localRoot.relativize(local).toString();
        return relative.isEmpty() ? "." : relative;
    }

    /** A remote path as reported: relative to the mirror's remote folder, or "." for the folder itself. */
    private String shown(String remote) {
        String relative = remote.startsWith(remoteRoot) ? remote.substring(remoteRoot.length()) : remote;
        relative = relative.replaceFirst("^/+", "");
        return relative.isEmpty() ? "." : relative;
    }

    private void madeFolder(String remote) {
        folders++;
        reporter.report(Action.MKDIR, shown(remote), 0);
    }

    /**
     * {@code entry} with its time, asked with MDTM when its listing did not tell it (LIST): asked
     * only for a file that is on both sides, as only those are compared.
     */
    private RemoteEntry timed(String path, RemoteEntry entry) throws IOException {
        if (entry.modified().isPresent()) {
            return entry;
        }
        return client.modified(path).map(entry::withModified).orElse(entry);
    }

    /** Whether a name from the server stays inside its folder: no separators, not "." or "..". */
    public static boolean isPlainName(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0
                && name.indexOf('\\') < 0 && name.indexOf('\0') < 0;
    }

    /** Whether the source must be copied over an existing target. */
    private boolean differs(long sourceSize, Optional<Instant> sourceTime, long targetSize,
            Optional<Instant> targetTime, boolean down) {
        if (sourceTime.isPresent() && targetTime.isPresent()) {
            Instant source = sourceTime.get().truncatedTo(ChronoUnit.SECONDS);
            Instant target = targetTime.get().truncatedTo(ChronoUnit.SECONDS);
            if (options.onlyNewer() || !down && target.isAfter(source)) {
                return source.isAfter(target);
            }
            return sourceSize != targetSize || !source.equals(target);
        }
        return sourceSize != targetSize;
    }

    private Map<String, LocalEntry> localEntries(Path folder) throws IOException {
        Map<String, LocalEntry> entries = new HashMap<>();
        try (Stream<Path> listed = Files.list(folder)) {
            for (Path path : listed.toList()) {
                entries.put(path.getFileName().toString(), LocalEntry.of(path));
            }
        }
        return entries;
    }

    /** Removes a local file, link or folder tree, never following a link out of it. */
    private void deleteLocal(Path path) throws IOException {
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path folder, IOException error) throws IOException {
                if (error != null) {
                    throw error;
                }
                Files.delete(folder);
                return FileVisitResult.CONTINUE;
            }
        });
        deleted++;
        reporter.report(Action.DELETE, shown(path), 0);
    }

    private void deleteRemote(String path, RemoteEntry entry) throws IOException {
        if (entry.isFolder()) {
            for (RemoteEntry inside : client.listEntries(path)) {
                deleteRemote(child(path, inside.name()), inside);
            }
            client.rmdir(path);
        } else {
            client.delete(path);
        }
        deleted++;
        reporter.report(Action.DELETE, shown(path), 0);
    }

    /**
     * Copies the planned files: on this connection when one is asked for, otherwise on up to
     * {@code parallel} new connections, each a task of one scope that ends when all are done.
     */
    private Result copy(boolean down) throws IOException, InterruptedException {
        Queue<Copy> queue = new ConcurrentLinkedQueue<>(copies);
        int workers = Math.min(options.parallel(), copies.size());
        if (workers <= 1) {
            drain(client, queue, down);
        } else {
            // Platform threads: a few workers blocked on sockets gain nothing from virtual threads,
            // and each blocking call would pass through the poller.
            try (var scope = StructuredTaskScope.open(Joiner.<Void>awaitAllSuccessfulOrThrow(),
                    configuration -> configuration.withThreadFactory(Thread.ofPlatform().name("mirror-", 1).factory()))) {
                for (int i = 0; i < workers; i++) {
                    scope.fork(() -> {
                        try (FtpClient worker = connector.open()) {
                            drain(worker, queue, down);
                        }
                        return null;
                    });
                }
                scope.join();
            } catch (StructuredTaskScope.FailedException e) {
                // The tasks throw IOException, or fail on a bug that must stay one.
                switch (e.getCause()) {
                    case IOException io -> throw io;
                    case RuntimeException bug -> throw bug;
                    case Error error -> throw error;
                    default -> throw new IllegalStateException("a mirror task failed unexpectedly", e.getCause());
                }
            }
        }
        return new Result(copied.get(), bytes.get(), unchanged, folders, deleted, List.copyOf(failures));
    }

    /** Copies files from the queue on one connection until it is empty; a file that fails is noted. */
    private void drain(FtpClient connection, Queue<Copy> queue, boolean down) throws IOException {
        for (Copy next; (next = queue.poll()) != null; ) {
            try {
                long moved;
                if (down) {
                    moved = connection.download(next.remote(), next.local());
                    Optional<Instant> time = next.time().isPresent() ? next.time() : connection.modified(next.remote());
                    if (time.isPresent()) {
                        Files.setLastModifiedTime(next.local(), FileTime.from(time.get()));
                    }
                } else {
                    moved = connection.upload(next.local(), next.remote());
                    if (next.time().isPresent()) {
                        connection.setModified(next.remote(), next.time().get());
                    }
                }
                copied.incrementAndGet();
                bytes.addAndGet(moved);
                reporter.report(down ? Action.GET : Action.PUT, down ? shown(next.local()) : shown(next.remote()), moved);
            } catch (FtpException refused) {
                failures.add(next.remote() + ": " + refused.getMessage());
            }
        }
    }
}
