package dev.loomftp.storage;

/** How {@link Storage#openWrite} opens a file. */
public enum WriteMode {
    /** Create the file, or empty it if it exists (STOR). */
    REPLACE,
    /** Keep the file's first bytes up to an offset, drop the rest, and write from there (REST + STOR). */
    RESUME,
    /** Create the file if needed, and write at its end (APPE). */
    APPEND,
    /** Create a file that must not exist yet (STOU). */
    CREATE_NEW
}
