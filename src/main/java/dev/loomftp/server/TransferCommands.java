package dev.loomftp.server;

import dev.loomftp.protocol.Reply;
import dev.loomftp.storage.FileEntry;
import dev.loomftp.storage.Upload;
import dev.loomftp.storage.UploadPolicy;
import dev.loomftp.storage.VirtualFileSystem;
import dev.loomftp.storage.VirtualPath;
import dev.loomftp.storage.WriteMode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The commands that move files: RETR, STOR, APPE and STOU, with REST to resume either way (RFC
 * 3659 REST STREAM), ABOR, and SIZE, which tells how much RETR would send.
 */
final class TransferCommands {
    static final Reply COMPLETE = Reply.of(226, "Transfer complete.");
    /** The largest file whose TYPE A size SIZE works out by reading it. */
    private static final long MAX_ASCII_SIZE_SCAN = 64L * 1024 * 1024;
    /** Names STOU tries before it gives up. */
    private static final int UNIQUE_NAME_ATTEMPTS = 100;

    private TransferCommands() {}

    static void retr(Session session, String argument) throws IOException, InterruptedException {
        Optional<VirtualPath> path = session.resolveOrReply(argument, 550);
        if (path.isEmpty() || !dataConnectionReady(session)) {
            return;
        }
        Optional<FileEntry> entry = statFile(session, path.get());
        long offset = session.oneShots().takeRestartOffset();
        if (entry.isEmpty()) {
            return;
        }
        if (offset > entry.get().size()) {
            session.reply(554, "The restart offset " + offset + " is past the end of the file ("
                    + entry.get().size() + " bytes).");
            return;
        }
        SeekableByteChannel file;
        try {
            file = session.files().openRead(path.get());
        } catch (IOException e) {
            FileErrors.reply(session, e, path.get());
            return;
        }
        try (file) {
            TransferType type = session.parameters().type();
            String opening = "Opening " + type.label() + " mode data connection for " + path.get().name()
                    + " (" + entry.get().size() + " bytes" + (offset > 0 ? ", from byte " + offset : "") + ").";
            DataTransfer.run(session, "RETR", path.get(), opening, COMPLETE,
                    data -> DataTransfer.send(data, file, type, offset));
        }
    }

    /** STOR: creates or replaces a file; after REST, keeps its first bytes and writes from there. */
    static void stor(Session session, String argument) throws IOException, InterruptedException {
        long offset = session.oneShots().takeRestartOffset();
        store(session, "STOR", argument, offset > 0 ? WriteMode.RESUME : WriteMode.REPLACE, offset);
    }

    /** APPE: adds to the end of a file, creating it if needed. */
    static void appe(Session session, String argument) throws IOException, InterruptedException {
        session.oneShots().takeRestartOffset();
        store(session, "APPE", argument, WriteMode.APPEND, 0);
    }

    /**
     * STOU: stores under a name no file has yet: the one given, with a number added when it is
     * taken, or a new one. The name is in the 150 reply ("FILE: name", RFC 1123) and the 226.
     */
    static void stou(Session session, String argument) throws IOException, InterruptedException {
        session.oneShots().takeRestartOffset();
        Optional<VirtualPath> named = session.resolveOrReply(argument.isBlank() ? "stou" : argument, 553);
        if (named.isEmpty() || !dataConnectionReady(session)) {
            return;
        }
        VirtualPath base = named.get();
        for (int attempt = 0; attempt < UNIQUE_NAME_ATTEMPTS; attempt++) {
            VirtualPath path = base.parent().child(uniqueName(base.name(), attempt, argument.isBlank()));
            Upload upload;
            try {
                // The name is taken at once, so that no other upload takes it meanwhile.
                upload = session.files().startUpload(path, UploadPolicy.DIRECT, WriteMode.CREATE_NEW, 0);
            } catch (FileAlreadyExistsException e) {
                continue;
            } catch (IOException e) {
                FileErrors.reply(session, e, path);
                return;
            }
            try (upload) {
                TransferType type = session.parameters().type();
                DataTransfer.run(session, "STOU", path, "FILE: " + path.name(),
                        Reply.of(226, "Transfer complete; stored as " + path.name() + "."),
                        data -> receive(data, upload, type));
            }
            return;
        }
        session.reply(553, "No unique file name could be found.");
    }

    /** REST (RFC 3659): the byte offset at which the next RETR or STOR starts. */
    static void rest(Session session, String argument) throws IOException {
        String digits = argument.strip();
        if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            session.reply(501, "REST takes a byte offset: a whole number from 0.");
            return;
        }
        long offset = Long.parseLong(digits);
        session.oneShots().restartAt(offset);
        session.reply(350, "Restarting at " + offset + ". Send RETR or STOR to go on.");
    }

    /** ABOR when no transfer runs (one that runs is aborted by the session): drops a prepared data connection. */
    static void abor(Session session, String argument) throws IOException {
        session.dataSetup().drop();
        session.reply(226, "No transfer to abort.");
    }

    /**
     * SIZE (RFC 3659): the bytes RETR would send in the current type; but while a cut upload of
     * the file is kept to be resumed, its size, which is what a client that resumes (curl
     * {@code -C -}, lftp {@code put -c}) asks SIZE for.
     */
    static void size(Session session, String argument) throws IOException {
        Optional<VirtualPath> path = session.resolveOrReply(argument, 550);
        if (path.isEmpty()) {
            return;
        }
        Optional<Long> kept = keptUpload(session, path.get());
        if (kept.isPresent()) {
            session.reply(213, Long.toString(kept.get()));
            return;
        }
        Optional<FileEntry> entry = statFile(session, path.get());
        if (entry.isEmpty()) {
            return;
        }
        if (session.parameters().type() == TransferType.BINARY) {
            session.reply(213, Long.toString(entry.get().size()));
        } else if (entry.get().size() > MAX_ASCII_SIZE_SCAN) {
            session.reply(550, "SIZE in TYPE A is given for files up to 64 MiB; use TYPE I.");
        } else {
            try (SeekableByteChannel file = session.files().openRead(path.get())) {
                session.reply(213, Long.toString(asciiSize(file)));
            } catch (IOException e) {
                FileErrors.reply(session, e, path.get());
            }
        }
    }

    /** Replies 425 and returns false when no PASV, EPSV, PORT or EPRT came before. */
    static boolean dataConnectionReady(Session session) throws IOException {
        if (!session.dataSetup().prepared()) {
            session.reply(425, "Use PASV, EPSV, PORT or EPRT first.");
            return false;
        }
        return true;
    }

    /** The size of the cut upload of {@code path} kept for a resume, under the user's upload policy. */
    private static Optional<Long> keptUpload(Session session, VirtualPath path) throws IOException {
        if (session.uploadPolicy() != UploadPolicy.ATOMIC_RESUMABLE) {
            return Optional.empty();
        }
        try {
            return session.files().keptUploadSize(path);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * STOR and APPE, written as the user's upload policy says ({@link VirtualFileSystem#startUpload}).
     * Everything that can be checked is checked before the 150 reply; the file is opened only
     * once the data connection is up, so a transfer that never starts leaves an existing file as
     * it was.
     */
    private static void store(Session session, String verb, String argument, WriteMode mode, long offset)
            throws IOException, InterruptedException {
        Optional<VirtualPath> named = session.resolveOrReply(argument, 553);
        if (named.isEmpty() || !dataConnectionReady(session)) {
            return;
        }
        VirtualPath path = named.get();
        try {
            Optional<FileEntry> existing = session.files().stat(path);
            Optional<FileEntry> folder = session.files().stat(path.parent());
            if (existing.isPresent() && !existing.get().isFile()) {
                session.reply(553, "Not a plain file.");
                return;
            }
            if (folder.isEmpty() || !folder.get().isDirectory()) {
                session.reply(550, "No such folder.");
                return;
            }
            if (!session.files().isWritable(path)) {
                session.reply(550, "Permission denied.");
                return;
            }
            if (mode == WriteMode.REPLACE) {
                session.files().checkRoom(path);
            }
            long resumable = keptUpload(session, path).orElse(existing.map(FileEntry::size).orElse(0L));
            if (mode == WriteMode.RESUME && resumable < offset) {
                session.reply(554, "The restart offset is past the end of the file.");
                return;
            }
        } catch (IOException e) {
            FileErrors.reply(session, e, path);
            return;
        }
        TransferType type = session.parameters().type();
        String opening = "Opening " + type.label() + " mode data connection for " + path.name()
                + (offset > 0 ? " from byte " + offset : "") + ".";
        UploadPolicy policy = session.uploadPolicy();
        DataTransfer.run(session, verb, path, opening, COMPLETE, data -> {
            try (Upload upload = DataTransfer.storage(() -> session.files().startUpload(path, policy, mode, offset))) {
                receive(data, upload, type);
            }
        });
    }

    /**
     * Receives an upload and, once every byte has come, makes it the file. One refused because it
     * grows too much when decompressed (MODE Z) leaves nothing of itself, since nothing usable
     * came ({@link Upload#discard}); one the storage failed (a full disk, an I/O error) leaves no
     * file the failure could have spoiled ({@link Upload#abandon}).
     */
    private static void receive(DataChannel data, Upload upload, TransferType type)
            throws IOException, InterruptedException {
        try {
            DataTransfer.receive(data, upload.channel(), type);
        } catch (DataTransfer.StorageFailure failed) {
            try {
                upload.abandon();
            } catch (IOException e) {
                failed.addSuppressed(e);
            }
            throw failed;
        } catch (DataChannel.ExpansionLimitException refused) {
            DataTransfer.storage(() -> {
                upload.discard();
                return null;
            });
            throw refused;
        }
        DataTransfer.storage(() -> {
            upload.commit();
            return null;
        });
    }

    private static String uniqueName(String base, int attempt, boolean generated) {
        if (generated) {
            return "stou-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
        }
        return attempt == 0 ? base : base + "." + attempt;
    }

    private static long asciiSize(SeekableByteChannel file) throws IOException {
        Ascii.Encoder encoder = new Ascii.Encoder();
        ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
        long size = 0;
        while (file.read(buffer) >= 0) {
            buffer.flip();
            size += encoder.measure(buffer);
            buffer.clear();
        }
        return size;
    }

    /** The entry of a plain file, or empty after a 550 reply. */
    static Optional<FileEntry> statFile(Session session, VirtualPath path) throws IOException {
        Optional<FileEntry> entry;
        try {
            entry = session.files().stat(path);
        } catch (IOException e) {
            FileErrors.reply(session, e, path);
            return Optional.empty();
        }
        if (entry.isEmpty()) {
            session.reply(550, "No such file.");
        } else if (!entry.get().isFile()) {
            session.reply(550, "Not a plain file.");
            return Optional.empty();
        }
        return entry;
    }
}
