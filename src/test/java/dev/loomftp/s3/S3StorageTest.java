package dev.loomftp.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.storage.AtomicChannel;
import dev.loomftp.storage.FileEntry;
import dev.loomftp.storage.VirtualPath;
import dev.loomftp.storage.WriteMode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** {@link S3Storage} against a real S3 engine (Ceph RGW): what the FTP commands build on. */
class S3StorageTest {
    private static final int MIB = 1024 * 1024;
    private static S3Engine engine;
    private static S3Clients clients;
    private String bucket;
    private S3Storage storage;

    @BeforeAll
    static void startEngine() throws Exception {
        engine = S3Engine.shared();
        clients = new S3Clients();
    }

    @AfterAll
    static void closeClients() {
        clients.close();
    }

    /** Every part's thread has ended when its channel's close or abort returned. */
    @AfterEach
    void noPartThreadOutlivesItsUpload() {
        assertEquals(List.of(), dev.loomftp.LiveThreads.named("loomftp-s3-part"));
    }

    @BeforeEach
    void newBucket() {
        bucket = engine.newBucket();
        storage = storage("homes/alice/", S3Tuning.MIN_PART_SIZE, 2, S3Storage.SINGLE_COPY_LIMIT);
    }

    private S3Storage storage(String prefix, long partSize, int inFlight, long singleCopyLimit) {
        S3Client client = clients.clientFor(engine.store(bucket, prefix));
        return new S3Storage(client, bucket, prefix, new S3Tuning(partSize, inFlight, singleCopyLimit));
    }

    private static VirtualPath path(String... names) {
        VirtualPath path = VirtualPath.ROOT;
        for (String name : names) {
            path = path.child(name);
        }
        return path;
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private void write(S3Storage into, VirtualPath path, byte[] bytes, WriteMode mode, long offset) throws IOException {
        try (SeekableByteChannel channel = into.openWrite(path, mode, offset)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                // A transfer's writes are a data connection's reads: 64 KiB at most.
                ByteBuffer slice = buffer.slice(buffer.position(), Math.min(64 * 1024, buffer.remaining()));
                buffer.position(buffer.position() + channel.write(slice));
            }
        }
    }

    private byte[] read(VirtualPath path, long from) throws IOException {
        try (SeekableByteChannel channel = storage.openRead(path)) {
            channel.position(from);
            ByteBuffer all = ByteBuffer.allocate((int) (channel.size() - from));
            while (all.hasRemaining() && channel.read(all) >= 0) {
                // Reads until the buffer is full.
            }
            return all.array();
        }
    }

    private List<String> names(VirtualPath folder) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<FileEntry> entries = storage.list(folder)) {
            entries.forEach(entry -> names.add(entry.name() + (entry.isDirectory() ? "/" : "")));
        }
        return names.stream().sorted().toList();
    }

    @Test
    void smallAndMultipartFilesRoundTripByteExact() throws IOException {
        byte[] small = random(1000, 1);
        byte[] large = random(17 * MIB + 123, 2);
        write(storage, path("small.bin"), small, WriteMode.REPLACE, 0);
        write(storage, path("large.bin"), large, WriteMode.REPLACE, 0);

        assertArrayEquals(small, read(path("small.bin"), 0));
        assertArrayEquals(large, read(path("large.bin"), 0));
        assertArrayEquals(Arrays.copyOfRange(large, 9 * MIB + 7, large.length), read(path("large.bin"), 9 * MIB + 7),
                "a ranged GET, as REST + RETR reads");
        FileEntry entry = storage.stat(path("large.bin")).orElseThrow();
        assertEquals(large.length, entry.size());
        assertTrue(entry.isFile());
        assertEquals(List.of("homes/alice/large.bin", "homes/alice/small.bin"), engine.keys(bucket));
        assertEquals(0, engine.unfinishedUploads(bucket));
    }

    @Test
    void anEmptyFileIsAnEmptyObject() throws IOException {
        write(storage, path("empty"), new byte[0], WriteMode.REPLACE, 0);
        assertEquals(0, storage.stat(path("empty")).orElseThrow().size());
        assertEquals(List.of("empty"), names(VirtualPath.ROOT));
    }

    @Test
    void anAbortedWriteLeavesTheObjectAsItWasAndNoUpload() throws IOException {
        byte[] before = random(2000, 3);
        write(storage, path("report.bin"), before, WriteMode.REPLACE, 0);
        AtomicChannel channel = (AtomicChannel) storage.openWrite(path("report.bin"), WriteMode.REPLACE, 0);
        channel.write(ByteBuffer.wrap(random(12 * MIB, 4)));
        channel.abort();
        channel.close();

        assertArrayEquals(before, read(path("report.bin"), 0));
        assertEquals(0, engine.unfinishedUploads(bucket), "the multipart upload was aborted");
    }

    @Test
    void aResumeKeepsTheFirstBytesCopiedInsideTheStorage() throws IOException {
        byte[] first = random(13 * MIB + 11, 5);
        write(storage, path("movie.bin"), first, WriteMode.REPLACE, 0);
        byte[] rest = random(6 * MIB, 6);
        long offset = 11L * MIB + 5;
        write(storage, path("movie.bin"), rest, WriteMode.RESUME, offset);

        byte[] expected = new byte[(int) offset + rest.length];
        System.arraycopy(first, 0, expected, 0, (int) offset);
        System.arraycopy(rest, 0, expected, (int) offset, rest.length);
        assertArrayEquals(expected, read(path("movie.bin"), 0));
        assertThrows(java.io.EOFException.class, () -> storage.openWrite(path("movie.bin"), WriteMode.RESUME, 1L << 40),
                "a resume past the end");
    }

    @Test
    void anAppendAddsToTheEndOrMakesTheFile() throws IOException {
        write(storage, path("log.txt"), "one\n".getBytes(), WriteMode.APPEND, 0);
        write(storage, path("log.txt"), "two\n".getBytes(), WriteMode.APPEND, 0);
        assertEquals("one\ntwo\n", new String(read(path("log.txt"), 0)));
    }

    @Test
    void createNewRefusesATakenName() throws IOException {
        write(storage, path("taken"), new byte[1], WriteMode.CREATE_NEW, 0);
        assertThrows(FileAlreadyExistsException.class, () -> storage.openWrite(path("taken"), WriteMode.CREATE_NEW, 0));
    }

    @Test
    void foldersAreMarkersAndPrefixesAndBehaveAsOnDisk() throws IOException {
        storage.createFolder(path("photos"));
        assertEquals(List.of("homes/alice/photos/"), engine.keys(bucket), "an empty folder is its marker");
        assertEquals(List.of("photos/"), names(VirtualPath.ROOT));
        assertEquals(List.of(), names(path("photos")), "an empty folder lists empty");
        assertThrows(FileAlreadyExistsException.class, () -> storage.createFolder(path("photos")));
        assertThrows(NoSuchFileException.class, () -> storage.createFolder(path("missing", "inner")));
        assertThrows(NoSuchFileException.class, () -> storage.openWrite(path("missing", "file"), WriteMode.REPLACE, 0));

        write(storage, path("photos", "cat.jpg"), random(100, 7), WriteMode.REPLACE, 0);
        assertThrows(DirectoryNotEmptyException.class, () -> storage.deleteFolder(path("photos")));
        storage.deleteFile(path("photos", "cat.jpg"));
        assertTrue(storage.stat(path("photos")).orElseThrow().isDirectory(),
                "a folder stays when its last file goes");
        storage.deleteFolder(path("photos"));
        assertTrue(storage.stat(path("photos")).isEmpty());
        assertEquals(List.of(), engine.keys(bucket));
    }

    @Test
    void aFolderMadeByAnotherToolIsAFolder() throws IOException {
        engine.client().putObject(request -> request.bucket(bucket).key("homes/alice/a/b/c.txt"), RequestBody.fromString("c"));
        assertEquals(List.of("a/"), names(VirtualPath.ROOT));
        assertEquals(List.of("b/"), names(path("a")));
        assertTrue(storage.stat(path("a", "b")).orElseThrow().isDirectory());
        assertEquals(List.of("c.txt"), names(path("a", "b")));
    }

    @Test
    void missingFoldersAndFilesFailAsOnDisk() throws IOException {
        write(storage, path("file"), new byte[3], WriteMode.REPLACE, 0);
        assertThrows(NoSuchFileException.class, () -> storage.list(path("nothing")));
        assertThrows(NotDirectoryException.class, () -> storage.list(path("file")));
        assertThrows(NoSuchFileException.class, () -> storage.openRead(path("nothing")));
        assertThrows(NoSuchFileException.class, () -> storage.deleteFile(path("nothing")));
        assertThrows(NotDirectoryException.class, () -> storage.deleteFolder(path("file")));
        assertTrue(storage.stat(path("nothing")).isEmpty());
        assertEquals(List.of(), names(VirtualPath.ROOT).stream().filter(name -> name.equals("nothing")).toList());
    }

    @Test
    void renamesCopyThenDeleteFilesAndWholeFolders() throws IOException {
        byte[] bytes = random(3000, 8);
        write(storage, path("a.bin"), bytes, WriteMode.REPLACE, 0);
        storage.rename(path("a.bin"), path("b.bin"));
        assertArrayEquals(bytes, read(path("b.bin"), 0));
        assertTrue(storage.stat(path("a.bin")).isEmpty());

        storage.createFolder(path("src"));
        storage.createFolder(path("src", "empty"));
        write(storage, path("src", "one"), bytes, WriteMode.REPLACE, 0);
        storage.createFolder(path("src", "deep"));
        write(storage, path("src", "deep", "two"), new byte[0], WriteMode.REPLACE, 0);
        storage.rename(path("src"), path("dst"));
        assertEquals(List.of("b.bin", "dst/"), names(VirtualPath.ROOT));
        assertEquals(List.of("deep/", "empty/", "one"), names(path("dst")));
        assertArrayEquals(bytes, read(path("dst", "one"), 0));

        assertThrows(FileSystemException.class, () -> storage.rename(path("dst"), path("dst", "inside")));
        assertThrows(FileAlreadyExistsException.class, () -> storage.rename(path("b.bin"), path("dst")));
        assertThrows(NoSuchFileException.class, () -> storage.rename(path("b.bin"), path("nowhere", "b.bin")));
        assertThrows(NoSuchFileException.class, () -> storage.rename(path("gone"), path("c")));
    }

    @Test
    void largeObjectsAreCopiedInParts() throws IOException {
        S3Storage small = storage("homes/alice/", S3Tuning.MIN_PART_SIZE, 2, 6L * MIB);
        byte[] bytes = random(13 * MIB + 1, 9);
        write(small, path("big.bin"), bytes, WriteMode.REPLACE, 0);
        small.rename(path("big.bin"), path("moved.bin"));
        Instant time = Instant.parse("2024-02-29T12:34:56Z");
        small.setModified(path("moved.bin"), time);

        assertArrayEquals(bytes, read(path("moved.bin"), 0));
        assertEquals(time, small.stat(path("moved.bin")).orElseThrow().modified());
        assertEquals(0, engine.unfinishedUploads(bucket));
    }

    @Test
    void aSetTimeIsMetadataThatStatReads() throws IOException {
        write(storage, path("dated"), new byte[10], WriteMode.REPLACE, 0);
        Instant time = Instant.parse("2001-09-09T01:46:40.250Z");
        storage.setModified(path("dated"), time);
        assertEquals(time, storage.stat(path("dated")).orElseThrow().modified());
        assertEquals("1000000000.25", S3Storage.seconds(time));
        assertEquals(10, storage.stat(path("dated")).orElseThrow().size(), "the bytes stay");
        assertThrows(UnsupportedOperationException.class, () -> storage.setMode(path("dated"), 0600));
    }

    @Test
    void noNameReachesAnotherPrefix() throws IOException {
        S3Client client = engine.client();
        client.putObject(request -> request.bucket(bucket).key("homes/alice2/secret"), RequestBody.fromString("no"));
        client.putObject(request -> request.bucket(bucket).key("homes/bob/secret"), RequestBody.fromString("no"));
        client.putObject(request -> request.bucket(bucket).key("homes/alice/../bob/planted"), RequestBody.fromString("x"));
        client.putObject(request -> request.bucket(bucket).key("homes/alice/./dot"), RequestBody.fromString("x"));
        client.putObject(request -> request.bucket(bucket).key("homes/alice//empty-name"), RequestBody.fromString("x"));
        write(storage, path("mine"), new byte[1], WriteMode.REPLACE, 0);

        assertEquals(List.of("mine"), names(VirtualPath.ROOT), "\"..\", \".\" and empty names are not shown");
        assertTrue(storage.stat(path("secret")).isEmpty());
        assertFalse(names(VirtualPath.ROOT).contains("secret"));
    }

    @Test
    void aRenameOntoItselfKeepsTheFileSmallOrLarge() throws IOException {
        S3Storage small = storage("homes/alice/", S3Tuning.MIN_PART_SIZE, 2, 6L * MIB);
        byte[] large = random(13 * MIB, 10);
        write(small, path("big.iso"), large, WriteMode.REPLACE, 0);
        write(small, path("note.txt"), "keep".getBytes(), WriteMode.REPLACE, 0);
        small.rename(path("big.iso"), path("big.iso"));
        small.rename(path("note.txt"), path("note.txt"));
        assertArrayEquals(large, read(path("big.iso"), 0), "copied in parts onto itself, then deleted, it would be gone");
        assertEquals("keep", new String(read(path("note.txt"), 0)));
        assertThrows(NoSuchFileException.class, () -> small.rename(path("none"), path("none")));
    }

    @Test
    void aPartThatFailsAbortsTheUploadAndCloseSaysSo() throws IOException {
        write(storage, path("target.bin"), "before".getBytes(), WriteMode.REPLACE, 0);
        SeekableByteChannel channel = storage.openWrite(path("target.bin"), WriteMode.REPLACE, 0);
        channel.write(ByteBuffer.wrap(random(6 * MIB, 11)));
        // The storage loses the upload under it, as when another tool aborts it: the next part fails.
        S3Client client = engine.client();
        client.listMultipartUploads(request -> request.bucket(bucket)).uploads().forEach(upload -> client
                .abortMultipartUpload(request -> request.bucket(bucket).key(upload.key()).uploadId(upload.uploadId())));
        assertThrows(IOException.class, () -> {
            for (int i = 0; i < 4; i++) {
                channel.write(ByteBuffer.wrap(random(5 * MIB, 12 + i)));
            }
        });
        assertFalse(channel.isOpen());
        assertThrows(IOException.class, channel::close, "no close completes an upload that lost a part");
        assertEquals("before", new String(read(path("target.bin"), 0)));
        assertEquals(0, engine.unfinishedUploads(bucket));
    }

    @Test
    void anAbortOnAnInterruptedThreadStillAbortsTheUpload() throws IOException {
        AtomicChannel channel = (AtomicChannel) storage.openWrite(path("cut.bin"), WriteMode.REPLACE, 0);
        channel.write(ByteBuffer.wrap(random(6 * MIB, 13)));
        Thread.currentThread().interrupt();
        try {
            channel.abort();
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the caller");
        } finally {
            Thread.interrupted();
        }
        assertEquals(0, engine.unfinishedUploads(bucket), "as when a stopping server cancels its sessions");
        assertTrue(storage.stat(path("cut.bin")).isEmpty());
    }

    @Test
    void resumesAtTheEdges() throws IOException {
        byte[] whole = random(10 * MIB, 14);
        write(storage, path("edges.bin"), whole, WriteMode.REPLACE, 0);
        write(storage, path("edges.bin"), new byte[] {7}, WriteMode.RESUME, 10L * MIB);
        byte[] longer = Arrays.copyOf(whole, whole.length + 1);
        longer[whole.length] = 7;
        assertArrayEquals(longer, read(path("edges.bin"), 0), "at the end, two whole parts copied and nothing read");
        write(storage, path("edges.bin"), "new".getBytes(), WriteMode.RESUME, 0);
        assertEquals("new", new String(read(path("edges.bin"), 0)), "at 0, a new file");
        write(storage, path("part.bin"), random((int) S3Tuning.MIN_PART_SIZE, 15), WriteMode.REPLACE, 0);
        assertEquals(S3Tuning.MIN_PART_SIZE, storage.stat(path("part.bin")).orElseThrow().size(), "exactly one part");
        assertEquals(0, engine.unfinishedUploads(bucket));
    }

    @Test
    void aReadOrResumeOfAFileThatChangedUnderItFailsRatherThanMixVersions() throws IOException {
        write(storage, path("moving.bin"), random(7 * MIB, 16), WriteMode.REPLACE, 0);
        String stale = engine.client().headObject(request -> request.bucket(bucket).key("homes/alice/moving.bin")).eTag();
        SeekableByteChannel reading = storage.openRead(path("moving.bin"));
        // Another node replaces the file after this one opened it.
        engine.client().putObject(request -> request.bucket(bucket).key("homes/alice/moving.bin"),
                RequestBody.fromBytes(random(7 * MIB, 17)));

        IOException read = assertThrows(IOException.class, () -> reading.read(ByteBuffer.allocate(1024)));
        assertTrue(read.getMessage().contains("PreconditionFailed"), read.getMessage());
        reading.close();
        S3Client client = clients.clientFor(engine.store(bucket, ""));
        IOException resumed = assertThrows(IOException.class, () -> new S3WriteChannel(client, bucket,
                "homes/alice/moving.bin", 6L * MIB + 1, stale, new S3Tuning(S3Tuning.MIN_PART_SIZE, 1, 1L << 32)));
        assertTrue(resumed.getMessage().contains("PreconditionFailed"), resumed.getMessage());
        assertEquals(0, engine.unfinishedUploads(bucket), "the copy's upload was aborted");
    }

    @Test
    void theSweepAbortsOnlyUploadsOlderThanADayUnderItsPrefix() {
        S3Client client = engine.client();
        String mine = client.createMultipartUpload(request -> request.bucket(bucket).key("homes/alice/cut.bin")).uploadId();
        client.createMultipartUpload(request -> request.bucket(bucket).key("elsewhere/other.bin"));
        dev.loomftp.config.Config.ObjectStore homes = engine.store(bucket, "homes/{user}/");

        assertEquals(0, OrphanUploads.sweep(clients, homes, Instant.now()), "a fresh upload may be running");
        assertEquals(2, engine.unfinishedUploads(bucket));
        assertEquals(1, OrphanUploads.sweep(clients, homes, Instant.now().plus(OrphanUploads.AGE).plusSeconds(60)));
        assertEquals(List.of("elsewhere/other.bin"), client.listMultipartUploads(request -> request.bucket(bucket))
                .uploads().stream().map(upload -> upload.key()).toList(), "only under the mount's prefix");
        assertFalse(client.listMultipartUploads(request -> request.bucket(bucket)).uploads().stream()
                .anyMatch(upload -> upload.uploadId().equals(mine)));
    }

    @Test
    void aFolderOfThousandsListsPageByPage() throws IOException {
        S3Client client = engine.client();
        int count = 2_500;
        IntStream.range(0, count).parallel().forEach(i -> client.putObject(request -> request.bucket(bucket)
                .key("homes/alice/many/f" + i), RequestBody.fromString(Integer.toString(i))));
        List<String> names = names(path("many"));
        assertEquals(count, names.size(), "three pages of at most 1,000 keys");
        assertEquals(count, new java.util.HashSet<>(names).size());
    }
}
