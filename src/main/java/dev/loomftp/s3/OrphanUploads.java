package dev.loomftp.s3;

import dev.loomftp.config.Config;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import org.tinylog.Logger;

/**
 * Aborts the multipart uploads that a node stopped in the middle left behind (a kill, a crash, a
 * lost connection to the storage): their parts take space and cost money until aborted. Only
 * uploads under a mount's prefix, and only those started more than {@link #AGE} ago, since other
 * nodes upload to the same bucket now.
 */
public final class OrphanUploads {
    /** How old an unfinished upload must be to be taken for an orphan. */
    public static final Duration AGE = Duration.ofDays(1);

    private OrphanUploads() {}

    /**
     * Sweeps the prefix of {@code store} (up to a user's name in it); stops early when the thread
     * is interrupted, as when the server stops.
     *
     * @return how many uploads were aborted
     */
    public static int sweep(S3Clients clients, Config.ObjectStore store, Instant now) {
        S3Client client = clients.clientFor(store);
        String prefix = store.prefix();
        int user = prefix.indexOf(Config.Mount.USER_PLACEHOLDER);
        String below = user < 0 ? prefix : prefix.substring(0, user);
        Instant before = now.minus(AGE);
        int aborted = 0;
        try {
            for (MultipartUpload upload : client.listMultipartUploadsPaginator(
                    request -> request.bucket(store.bucket()).prefix(below)).uploads()) {
                if (Thread.currentThread().isInterrupted()) {
                    break;
                }
                if (upload.initiated() != null && upload.initiated().isBefore(before)) {
                    client.abortMultipartUpload(request -> request.bucket(store.bucket()).key(upload.key())
                            .uploadId(upload.uploadId()));
                    aborted++;
                }
            }
        } catch (SdkException e) {
            if (Thread.currentThread().isInterrupted() || e instanceof software.amazon.awssdk.core.exception.AbortedException) {
                return aborted;
            }
            Logger.warn("cannot look for unfinished uploads in bucket {}: {}", store.bucket(),
                    S3Errors.of(e, below).getMessage());
        }
        if (aborted > 0) {
            Logger.info("aborted {} uploads to bucket {} that were left unfinished more than a day ago", aborted,
                    store.bucket());
        }
        return aborted;
    }
}
