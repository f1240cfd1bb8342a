package dev.loomftp.storage;

/** How a STOR writes its file, so that a cut upload never looks like a finished one. */
public enum UploadPolicy {
    /**
     * Into a hidden temporary file beside the target, renamed over it once the whole upload has
     * come; a cut upload is deleted, and the file it was to replace stays as it was.
     */
    ATOMIC,
    /**
     * As {@link #ATOMIC}, but a cut upload is kept, hidden, under a name made from the target's,
     * and a later REST + STOR or APPE of the target continues it.
     */
    ATOMIC_RESUMABLE,
    /** Into the target itself, as servers have always done: a cut upload stays, cut. */
    DIRECT
}
