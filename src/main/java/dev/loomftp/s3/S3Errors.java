package dev.loomftp.s3;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * What a failed S3 call means to a {@link dev.loomftp.storage.Storage} caller: the exceptions the
 * local file system throws for the same cases, so replies and logs read the same for both. The
 * messages name the object's key and the service's error code; never a credential.
 */
final class S3Errors {
    private S3Errors() {}

    /** A call on {@code key} that failed. */
    static IOException of(SdkException e, String key) {
        if (e instanceof S3Exception s3) {
            String code = s3.awsErrorDetails() != null && s3.awsErrorDetails().errorCode() != null
                    ? s3.awsErrorDetails().errorCode() : "HTTP " + s3.statusCode();
            return switch (s3.statusCode()) {
                case 404 -> new NoSuchFileException(key, null, "object storage: " + code);
                case 403 -> new AccessDeniedException(key, null, "object storage: " + code);
                default -> new IOException("object storage refused " + key + ": " + code, e);
            };
        }
        return new IOException("object storage unreachable for " + key + ": " + firstLine(e.getMessage()), e);
    }

    /** Whether the call failed because nothing is at the key. */
    static boolean notFound(SdkException e) {
        return e instanceof S3Exception s3 && s3.statusCode() == 404;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no answer";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}
