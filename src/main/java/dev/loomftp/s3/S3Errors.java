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
            // Only a missing object, or a refusal of this object, is the client's doing; a missing
            // bucket or a bad signature, clock or key is the operator's, and is logged as such.
            // A HEAD's error has no body, and so no code.
            String given = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
            boolean missing = s3.statusCode() == 404 && (given == null || given.equals("NoSuchKey"));
            boolean refused = s3.statusCode() == 403 && "AccessDenied".equals(given);
            if (missing) {
                return new NoSuchFileException(key, null, "object storage: " + code);
            }
            if (refused) {
                return new AccessDeniedException(key, null, "object storage: " + code);
            }
            return new IOException("object storage refused " + key + ": " + code, e);
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
