package dev.loomftp.storage;

/** A path a client sent that cannot name a file at all. Answered with 553 or 501. */
public final class InvalidPathException extends Exception {
    public InvalidPathException(String message) {
        super(message);
    }
}
