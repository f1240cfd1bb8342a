package dev.loomftp.storage;

import java.nio.file.FileSystemException;

/** Another session is writing the kept upload of the same file now. */
public final class UploadRunningException extends FileSystemException {
    public UploadRunningException(String file) {
        super(file, null, "another upload of this file is running");
    }
}
