package dev.loomftp.server;

import java.util.Optional;

/**
 * How the session's next data connection will be made: the connector PASV, EPSV, PORT or EPRT
 * prepared, if any, and whether EPSV ALL (RFC 2428 section 4) has ruled out the other three. A
 * prepared connector may hold a listening port, so it is closed when another replaces it, on ABOR
 * and REIN, and when the session ends; a transfer takes it and closes it itself.
 *
 * <p>Mutable; owned by the session's thread, which alone reads and changes it, so it needs no
 * locks.
 */
final class DataSetup {
    private DataConnector connector;
    private boolean extendedPassiveOnly;

    /** Prepares the next data connection, closing an earlier connector not used. */
    void prepare(DataConnector next) {
        drop();
        connector = next;
    }

    boolean prepared() {
        return connector != null;
    }

    /** Takes the connector for a transfer, which then closes it. */
    Optional<DataConnector> take() {
        DataConnector taken = connector;
        connector = null;
        return Optional.ofNullable(taken);
    }

    /** Closes the prepared connector, if any. */
    void drop() {
        if (connector != null) {
            connector.close();
            connector = null;
        }
    }

    /** Whether EPSV ALL came: PASV, PORT and EPRT are refused from then on. */
    boolean extendedPassiveOnly() {
        return extendedPassiveOnly;
    }

    void extendedPassiveOnly(boolean value) {
        extendedPassiveOnly = value;
    }

    /** REIN: no connector, and PASV, PORT and EPRT allowed again. */
    void reset() {
        drop();
        extendedPassiveOnly = false;
    }
}
