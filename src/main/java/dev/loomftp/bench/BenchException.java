package dev.loomftp.bench;

import java.io.IOException;
import java.io.Serial;

/** A server answered the load generator in a way a benchmark cannot go on from: counted as an error. */
final class BenchException extends IOException {
    @Serial
    private static final long serialVersionUID = 1L;

    BenchException(String message) {
        super(message);
    }
}
