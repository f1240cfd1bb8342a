package dev.loomftp.server;

/**
 * The transfer the session runs, as the control lines answered during it see it: what STAT tells
 * of it, and whether ABOR asked to end it, in which case the transfer's 426 is followed by a 226
 * for the ABOR (RFC 959 section 4.1.3). The session makes one for each transfer and keeps it
 * until the next, so that the replies after an abort can still read it.
 *
 * <p>Mutable; owned by the session's thread, which alone reads and changes it (the transfer's own
 * threads never see it), so it needs no locks.
 */
final class TransferInProgress {
    private final String description;
    private boolean abortRequested;

    /** @param description the verb and the path, as STAT shows them */
    TransferInProgress(String description) {
        this.description = description;
    }

    String description() {
        return description;
    }

    /** Whether ABOR came, as opposed to the client leaving, which ends a transfer too. */
    boolean abortRequested() {
        return abortRequested;
    }

    void requestAbort() {
        abortRequested = true;
    }
}
