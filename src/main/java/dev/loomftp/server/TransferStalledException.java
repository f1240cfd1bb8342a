package dev.loomftp.server;

import java.io.IOException;
import java.time.Duration;

/** A transfer that moved no data for the stall timeout. Answered with 426. */
final class TransferStalledException extends IOException {
    TransferStalledException(Duration stall) {
        super("no data moved for " + stall.toMillis() + " ms");
    }
}
