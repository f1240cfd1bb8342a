package dev.loomftp.s3;

import dev.loomftp.storage.AheadIterator;
import dev.loomftp.storage.FileEntry;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.time.Instant;
import java.util.Iterator;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A folder of {@link S3Storage}: the pages of a listing with the delimiter "/", each read when
 * the one before is used up, so a folder of any size lists in the memory of one page (1,000
 * keys). Common prefixes are folders, shown with the time of the listing, which S3 does not
 * keep for them; keys are files. Read by one thread, once.
 */
final class S3Listing implements DirectoryStream<FileEntry> {
    private final Iterator<ListObjectsV2Response> pages;
    private final String below;
    private final Instant now = Instant.now();
    private ListObjectsV2Response page;
    private boolean iterated;

    S3Listing(ListObjectsV2Response first, Iterator<ListObjectsV2Response> pages, String below) {
        this.page = first;
        this.pages = pages;
        this.below = below;
    }

    @Override
    public Iterator<FileEntry> iterator() {
        if (iterated) {
            throw new IllegalStateException("the folder was read already");
        }
        iterated = true;
        return new AheadIterator<>() {
            private Iterator<CommonPrefix> folders = page.commonPrefixes().iterator();
            private Iterator<S3Object> files = page.contents().iterator();

            @Override
            protected FileEntry fetch() {
                while (true) {
                    if (folders.hasNext()) {
                        String name = nameOf(folders.next().prefix());
                        if (shown(name)) {
                            return S3Storage.folder(name, now);
                        }
                    } else if (files.hasNext()) {
                        S3Object object = files.next();
                        String name = nameOf(object.key());
                        if (shown(name)) {
                            return new FileEntry(name, FileEntry.Kind.FILE, object.size(), object.lastModified(),
                                    S3Storage.FILE_MODE);
                        }
                    } else if (page != null && pages.hasNext()) {
                        try {
                            page = pages.next();
                        } catch (SdkException e) {
                            throw new DirectoryIteratorException(S3Errors.of(e, below));
                        }
                        folders = page.commonPrefixes().iterator();
                        files = page.contents().iterator();
                    } else {
                        page = null;
                        return null;
                    }
                }
            }
        };
    }

    /** The name of a key or common prefix of this listing, less the folder and a trailing "/". */
    private String nameOf(String key) {
        String name = key.substring(below.length());
        return name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    }

    /** Names a path can hold: the folder's own marker (an empty name), "." and ".." are not. */
    private static boolean shown(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0;
    }

    @Override
    public void close() {
        page = null;
    }
}
