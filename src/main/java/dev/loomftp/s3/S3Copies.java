package dev.loomftp.s3;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;

/**
 * Copies of objects inside one bucket, as renames and MFMT make them: in one request up to the
 * single-copy limit (5 GiB in S3), as a multipart copy of ranges beyond, which the storage does
 * without the bytes passing through loomftp.
 */
final class S3Copies {
    private final S3Client client;
    private final String bucket;
    private final S3Tuning tuning;

    S3Copies(S3Client client, String bucket, S3Tuning tuning) {
        this.client = client;
        this.bucket = bucket;
        this.tuning = tuning;
    }

    /**
     * Copies the object at {@code from}, described by {@code head}, to {@code to}: in one request
     * up to {@link S3Tuning#singleCopyLimit}, as a multipart copy beyond.
     *
     * @param metadata the copy's metadata; null keeps the source's
     */
    void copy(String from, String to, HeadObjectResponse head, Map<String, String> metadata)
            throws IOException {
        if (head.contentLength() <= tuning.singleCopyLimit()) {
            copySmall(from, to, metadata, head.contentType());
            return;
        }
        Map<String, String> kept = metadata != null ? metadata : head.metadata();
        String upload;
        try {
            upload = client.createMultipartUpload(request -> request.bucket(bucket).key(to).metadata(kept)
                    .contentType(head.contentType())).uploadId();
        } catch (SdkException e) {
            throw S3Errors.of(e, to);
        }
        try {
            List<CompletedPart> parts = new ArrayList<>();
            long partSize = tuning.copyPartSize(head.contentLength());
            for (long start = 0; start < head.contentLength(); start += partSize) {
                long end = Math.min(start + partSize, head.contentLength()) - 1;
                int number = parts.size() + 1;
                String range = "bytes=" + start + "-" + end;
                String etag = client.uploadPartCopy(request -> request.sourceBucket(bucket).sourceKey(from)
                        .destinationBucket(bucket).destinationKey(to).uploadId(upload).partNumber(number)
                        .copySourceRange(range)).copyPartResult().eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
            client.completeMultipartUpload(request -> request.bucket(bucket).key(to).uploadId(upload)
                    .multipartUpload(whole -> whole.parts(parts)));
        } catch (SdkException e) {
            abortQuietly(to, upload);
            throw S3Errors.of(e, to);
        }
    }

    void copySmall(String from, String to, Map<String, String> metadata, String contentType)
            throws IOException {
        try {
            client.copyObject(request -> {
                request.sourceBucket(bucket).sourceKey(from).destinationBucket(bucket).destinationKey(to);
                if (metadata != null) {
                    request.metadataDirective(MetadataDirective.REPLACE).metadata(metadata).contentType(contentType);
                }
            });
        } catch (SdkException e) {
            throw S3Errors.of(e, from);
        }
    }

    private void abortQuietly(String key, String upload) {
        try {
            client.abortMultipartUpload(request -> request.bucket(bucket).key(key).uploadId(upload));
        } catch (SdkException e) {
            // The sweep at the next start aborts it, a day on.
        }
    }
}
