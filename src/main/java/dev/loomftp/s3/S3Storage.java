package dev.loomftp.s3;

import dev.loomftp.storage.FileEntry;
import dev.loomftp.storage.Storage;
import dev.loomftp.storage.VirtualPath;
import dev.loomftp.storage.WriteMode;
import java.io.EOFException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A storage under a prefix of an S3 bucket. A file is the object whose key is the prefix followed
 * by its path; a folder is the common prefix of the keys below it, and an empty folder is kept by
 * a marker: an empty object named after the folder with a trailing slash, the convention of the
 * S3 console, rclone, s3fs and Cyberduck, so folders made here show in those tools and theirs
 * show here. Keys are built only from the segments of a {@link VirtualPath}, which are never
 * empty, "." or "..", so no name reaches an object outside the prefix.
 *
 * <p>Writes are whole ({@link #writesWhole}): an upload streams into a multipart upload that
 * becomes the object only when it completes ({@link S3WriteChannel}). A rename is a copy and then
 * a delete of each object, so a folder's rename takes time in proportion to what it holds, and a
 * failure part-way leaves the source whole and part of the copy. S3 has no time of modification
 * to set: MFMT stores it as the object's {@code mtime} metadata, as rclone and s3fs do, which
 * stat (MDTM, MLST, SIZE) reads; listings show the time each object was written, which is all a
 * listing of S3 tells without one request per object.
 */
public final class S3Storage implements Storage {
    /** The metadata that holds a time of modification set by MFMT: seconds since 1970, as rclone writes it. */
    static final String MODIFIED = "mtime";
    /** The content type of folder markers, as s3fs gives them. */
    static final String FOLDER_TYPE = "application/x-directory";
    static final int FILE_MODE = 0644;
    static final int FOLDER_MODE = 0755;
    /** The largest object CopyObject copies in one request; beyond it, a multipart copy. */
    static final long SINGLE_COPY_LIMIT = 5L * 1024 * 1024 * 1024;

    private final S3Client client;
    private final String bucket;
    private final String prefix;
    private final S3Tuning tuning;
    private final S3Copies copies;

    /**
     * @param prefix where the storage's root lies in the bucket: empty, or ending with "/"
     */
    public S3Storage(S3Client client, String bucket, String prefix, S3Tuning tuning) {
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            throw new IllegalArgumentException("a prefix ends with /");
        }
        this.client = client;
        this.bucket = bucket;
        this.prefix = prefix;
        this.tuning = tuning;
        this.copies = new S3Copies(client, bucket, tuning);
    }

    @Override
    public boolean writesWhole() {
        return true;
    }

    /** The key of the object of {@code path}; the prefix itself for the root. */
    String key(VirtualPath path) {
        return prefix + String.join("/", path.segments());
    }

    /** The prefix of every key below the folder {@code path}. */
    private String folderPrefix(VirtualPath path) {
        return path.isRoot() ? prefix : key(path) + "/";
    }

    @Override
    public Optional<FileEntry> stat(VirtualPath path) throws IOException {
        if (path.isRoot()) {
            return Optional.of(folder("", Instant.now()));
        }
        Optional<HeadObjectResponse> head = head(key(path));
        if (head.isPresent()) {
            return Optional.of(file(path.name(), head.get()));
        }
        return folderAt(path).map(modified -> folder(path.name(), modified));
    }

    /** The object at {@code key}, or empty when there is none. */
    private Optional<HeadObjectResponse> head(String key) throws IOException {
        try {
            return Optional.of(client.headObject(request -> request.bucket(bucket).key(key)));
        } catch (SdkException e) {
            if (S3Errors.notFound(e)) {
                return Optional.empty();
            }
            throw S3Errors.of(e, key);
        }
    }

    /**
     * Whether a folder is at {@code path}: some key lies below it. Its time is its marker's when
     * the marker comes first, else now.
     */
    private Optional<Instant> folderAt(VirtualPath path) throws IOException {
        String below = folderPrefix(path);
        ListObjectsV2Response page = listPage(below, 1);
        if (page.contents().isEmpty()) {
            return Optional.empty();
        }
        S3Object first = page.contents().getFirst();
        return Optional.of(first.key().equals(below) ? first.lastModified() : Instant.now());
    }

    private boolean folderExists(VirtualPath path) throws IOException {
        return path.isRoot() || folderAt(path).isPresent();
    }

    private ListObjectsV2Response listPage(String below, int most) throws IOException {
        try {
            return client.listObjectsV2(request -> request.bucket(bucket).prefix(below).maxKeys(most));
        } catch (SdkException e) {
            throw S3Errors.of(e, below);
        }
    }

    private static FileEntry file(String name, HeadObjectResponse head) {
        Instant modified = modified(head.metadata()).orElse(head.lastModified());
        return new FileEntry(name, FileEntry.Kind.FILE, head.contentLength(), modified, FILE_MODE);
    }

    static FileEntry folder(String name, Instant modified) {
        return new FileEntry(name, FileEntry.Kind.DIRECTORY, 0, modified, FOLDER_MODE);
    }

    /** The time of modification MFMT stored in an object's metadata, if any that reads as one. */
    static Optional<Instant> modified(Map<String, String> metadata) {
        String seconds = metadata.get(MODIFIED);
        if (seconds == null) {
            return Optional.empty();
        }
        try {
            BigDecimal value = new BigDecimal(seconds.strip());
            long whole = value.longValue();
            int nanos = value.subtract(BigDecimal.valueOf(whole)).movePointRight(9).intValue();
            return Optional.of(Instant.ofEpochSecond(whole, nanos));
        } catch (NumberFormatException | ArithmeticException | java.time.DateTimeException e) {
            return Optional.empty();
        }
    }

    /** {@code time} as {@link #MODIFIED} holds it. */
    static String seconds(Instant time) {
        return BigDecimal.valueOf(time.getEpochSecond()).add(BigDecimal.valueOf(time.getNano(), 9))
                .stripTrailingZeros().toPlainString();
    }

    /**
     * The folder's entries, a page of keys at a time: flat memory whatever the folder holds. The
     * first page is read at once, so a missing folder fails here rather than in the middle.
     */
    @Override
    public DirectoryStream<FileEntry> list(VirtualPath path) throws IOException {
        String below = folderPrefix(path);
        Iterator<ListObjectsV2Response> pages;
        try {
            pages = client.listObjectsV2Paginator(request -> request.bucket(bucket).prefix(below).delimiter("/"))
                    .iterator();
            ListObjectsV2Response first = pages.next();
            if (!path.isRoot() && first.contents().isEmpty() && first.commonPrefixes().isEmpty()) {
                if (head(key(path)).isPresent()) {
                    throw new NotDirectoryException(path.toString());
                }
                throw new NoSuchFileException(path.toString());
            }
            return new S3Listing(first, pages, below);
        } catch (SdkException e) {
            throw S3Errors.of(e, below);
        }
    }

    @Override
    public SeekableByteChannel openRead(VirtualPath path) throws IOException {
        String key = key(path);
        HeadObjectResponse head = head(key).orElseThrow(() -> new NoSuchFileException(path.toString()));
        return new S3ReadChannel(client, bucket, key, head.contentLength(), head.eTag());
    }

    /**
     * Opens an {@link dev.loomftp.storage.AtomicChannel} that becomes the object at close. A
     * resume (REST + STOR) or an append keeps the object's first bytes, copied inside the storage
     * where they fill whole parts, so they never travel through this server.
     */
    @Override
    public SeekableByteChannel openWrite(VirtualPath path, WriteMode mode, long offset) throws IOException {
        if (path.isRoot()) {
            throw new AccessDeniedException("/");
        }
        if (!folderExists(path.parent())) {
            throw new NoSuchFileException(path.parent().toString());
        }
        String key = key(path);
        if (folderAt(path).isPresent()) {
            throw new FileSystemException(path.toString(), null, "Is a directory");
        }
        long kept = 0;
        String version = null;
        if (mode != WriteMode.REPLACE) {
            Optional<HeadObjectResponse> existing = head(key);
            long size = existing.map(HeadObjectResponse::contentLength).orElse(-1L);
            version = existing.map(HeadObjectResponse::eTag).orElse(null);
            switch (mode) {
                case CREATE_NEW -> {
                    if (size >= 0) {
                        throw new FileAlreadyExistsException(path.toString());
                    }
                }
                case APPEND -> kept = Math.max(size, 0);
                case RESUME -> {
                    if (size < offset) {
                        throw new EOFException("the file is shorter than the restart offset");
                    }
                    kept = offset;
                }
                default -> throw new IllegalStateException(mode.toString());
            }
        }
        return new S3WriteChannel(client, bucket, key, kept, version, tuning);
    }

    @Override
    public void createFolder(VirtualPath path) throws IOException {
        if (path.isRoot()) {
            throw new FileAlreadyExistsException("/");
        }
        if (!folderExists(path.parent())) {
            throw new NoSuchFileException(path.parent().toString());
        }
        if (head(key(path)).isPresent() || folderAt(path).isPresent()) {
            throw new FileAlreadyExistsException(path.toString());
        }
        putMarker(folderPrefix(path));
    }

    private void putMarker(String marker) throws IOException {
        try {
            client.putObject(request -> request.bucket(bucket).key(marker).contentType(FOLDER_TYPE),
                    RequestBody.empty());
        } catch (SdkException e) {
            throw S3Errors.of(e, marker);
        }
    }

    /**
     * Keeps the folder {@code path} after its last entry went: a folder with no key below it would
     * vanish, which a folder on disk does not do when its files are deleted.
     */
    private void keepFolder(VirtualPath path) throws IOException {
        if (!path.isRoot() && listPage(folderPrefix(path), 1).contents().isEmpty()) {
            putMarker(folderPrefix(path));
        }
    }

    @Override
    public void deleteFile(VirtualPath path) throws IOException {
        String key = key(path);
        if (path.isRoot() || head(key).isEmpty()) {
            if (folderExists(path)) {
                throw new FileSystemException(path.toString(), null, "Is a directory");
            }
            throw new NoSuchFileException(path.toString());
        }
        delete(key);
        keepFolder(path.parent());
    }

    private void delete(String key) throws IOException {
        try {
            client.deleteObject(request -> request.bucket(bucket).key(key));
        } catch (SdkException e) {
            throw S3Errors.of(e, key);
        }
    }

    @Override
    public void deleteFolder(VirtualPath path) throws IOException {
        if (path.isRoot()) {
            throw new AccessDeniedException("/");
        }
        String below = folderPrefix(path);
        List<S3Object> keys = listPage(below, 2).contents();
        if (keys.isEmpty()) {
            if (head(key(path)).isPresent()) {
                throw new NotDirectoryException(path.toString());
            }
            throw new NoSuchFileException(path.toString());
        }
        if (keys.size() > 1 || !keys.getFirst().key().equals(below)) {
            throw new DirectoryNotEmptyException(path.toString());
        }
        delete(below);
        keepFolder(path.parent());
    }

    /**
     * Copies and then deletes: one object for a file, every object below it for a folder. The
     * target must not be a folder; a file there is replaced.
     */
    @Override
    public void rename(VirtualPath from, VirtualPath to) throws IOException {
        if (from.isRoot() || to.isRoot()) {
            throw new AccessDeniedException("/");
        }
        if (from.equals(to)) {
            // As on disk, a rename onto itself changes nothing; a copy onto itself and a delete
            // would lose the file.
            if (stat(from).isEmpty()) {
                throw new NoSuchFileException(from.toString());
            }
            return;
        }
        if (!folderExists(to.parent())) {
            throw new NoSuchFileException(to.parent().toString());
        }
        if (folderAt(to).isPresent()) {
            throw new FileAlreadyExistsException(to.toString());
        }
        Optional<HeadObjectResponse> file = head(key(from));
        if (file.isPresent()) {
            copies.copy(key(from), key(to), file.get(), null);
            delete(key(from));
        } else {
            if (folderAt(from).isEmpty()) {
                throw new NoSuchFileException(from.toString());
            }
            if (to.startsWith(from)) {
                throw new FileSystemException(to.toString(), null, "Invalid argument");
            }
            if (head(key(to)).isPresent()) {
                throw new FileAlreadyExistsException(to.toString());
            }
            renameFolder(folderPrefix(from), folderPrefix(to));
        }
        keepFolder(from.parent());
    }

    /**
     * Copies every object below {@code source} to the same name below {@code target}, then deletes
     * exactly the objects it copied: one another session put there meanwhile stays. It keeps the
     * names of what it moves, about a hundred bytes each.
     */
    private void renameFolder(String source, String target) throws IOException {
        List<String> moved = new ArrayList<>();
        try {
            for (S3Object object : client.listObjectsV2Paginator(request -> request.bucket(bucket).prefix(source))
                    .contents()) {
                String renamed = target + object.key().substring(source.length());
                if (object.size() > tuning.singleCopyLimit()) {
                    copies.copy(object.key(), renamed, head(object.key()).orElseThrow(
                            () -> new NoSuchFileException(object.key())), null);
                } else {
                    copies.copySmall(object.key(), renamed, null, null);
                }
                moved.add(object.key());
            }
        } catch (SdkException e) {
            throw S3Errors.of(e, source);
        }
        for (String key : moved) {
            delete(key);
        }
    }

    /** Stores the time as the object's {@link #MODIFIED} metadata: the object is copied onto itself. */
    @Override
    public void setModified(VirtualPath path, Instant time) throws IOException {
        String key = key(path);
        HeadObjectResponse head = head(key).orElseThrow(() -> new NoSuchFileException(path.toString()));
        Map<String, String> metadata = new HashMap<>(head.metadata());
        metadata.put(MODIFIED, seconds(time));
        copies.copy(key, key, head, metadata);
    }

    /** Objects have no Unix permission bits. */
    @Override
    public void setMode(VirtualPath path, int mode) {
        throw new UnsupportedOperationException("object storage keeps no permission bits");
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + prefix;
    }
}
