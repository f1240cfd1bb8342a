package dev.loomftp.storage;

import java.io.IOException;
import java.nio.file.Path;

/** Opens the folder of a mount as a {@link Storage}: {@link LocalStorage} unless a test or another backend says otherwise. */
@FunctionalInterface
public interface StorageOpener {
    /** The local file system. */
    StorageOpener LOCAL = LocalStorage::new;

    /** The storage whose root is {@code folder}, created if needed. */
    Storage open(Path folder) throws IOException;
}
