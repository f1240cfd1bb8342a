package dev.loomftp.storage;

import java.nio.file.FileSystemException;

/** An upload or a copy would take a mount past its {@link Quota}: the reason reads as the system's EDQUOT. */
public final class QuotaExceededException extends FileSystemException {
    public QuotaExceededException(String file, String detail) {
        super(file, null, "Disk quota exceeded: " + detail);
    }
}
