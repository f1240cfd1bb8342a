package dev.loomftp.storage;

import java.util.EnumSet;
import java.util.Set;

/** What a user may do in a mount. Each FTP command needs one (see {@link VirtualFileSystem}). */
public enum Permission {
    /** List folders: LIST, NLST, MLSD, STAT with a path. */
    LIST,
    /** Read files: RETR, HASH. */
    READ,
    /** Write files: STOR, APPE, STOU, MFMT, SITE CHMOD. */
    WRITE,
    /** Delete files and folders: DELE, RMD. */
    DELETE,
    /** Make folders: MKD. */
    MKDIR,
    /** Rename and move: RNFR/RNTO. */
    RENAME;

    /** Everything. */
    public static Set<Permission> all() {
        return EnumSet.allOf(Permission.class);
    }

    /** Listing and reading. */
    public static Set<Permission> readOnly() {
        return EnumSet.of(LIST, READ);
    }
}
