package dev.loomftp.server;

import dev.loomftp.storage.VirtualPath;
import java.util.Optional;

/**
 * What one command leaves for the next, used up once: the REST offset for the next RETR or STOR
 * (RFC 3659 section 5), the RNFR source for RNTO (RFC 959 section 4.1.3), and the RANG range for
 * the next HASH (draft-bryan-ftp-range). Each {@code take} method hands its value over and forgets
 * it, so it applies to one command only.
 *
 * <p>Mutable; owned by the session's thread, which alone reads and changes it, so it needs no
 * locks.
 */
final class OneShots {
    /** A byte range, first and last byte both included. */
    record ByteRange(long first, long last) {}

    private long restartOffset;
    private VirtualPath renameFrom;
    private ByteRange hashRange;

    /** REST: where the next RETR or STOR starts. */
    void restartAt(long offset) {
        restartOffset = offset;
    }

    /** The restart offset for the transfer about to start, 0 if none; it applies to that one only. */
    long takeRestartOffset() {
        long offset = restartOffset;
        restartOffset = 0;
        return offset;
    }

    /** RNFR: what the next command, if it is RNTO, renames. */
    void renameFrom(VirtualPath path) {
        renameFrom = path;
    }

    Optional<VirtualPath> takeRenameFrom() {
        VirtualPath from = renameFrom;
        renameFrom = null;
        return Optional.ofNullable(from);
    }

    /** Called before each command: any but RNTO ends an RNFR, which RNTO must follow at once (RFC 959). */
    void beforeCommand(String verb) {
        if (!verb.equals("RNTO")) {
            renameFrom = null;
        }
    }

    /** RANG for the next HASH: first and last byte, both included. */
    void hashRange(long first, long last) {
        hashRange = new ByteRange(first, last);
    }

    /** The range for this HASH, if RANG set one; it applies to one HASH only. */
    Optional<ByteRange> takeHashRange() {
        ByteRange range = hashRange;
        hashRange = null;
        return Optional.ofNullable(range);
    }

    /** REIN: nothing left for the next command. */
    void reset() {
        restartOffset = 0;
        renameFrom = null;
        hashRange = null;
    }
}
