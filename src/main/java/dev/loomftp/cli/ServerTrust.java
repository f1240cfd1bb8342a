package dev.loomftp.cli;

import dev.loomftp.client.FtpClient;
import dev.loomftp.client.Trust;
import java.io.IOException;
import java.io.Serial;
import java.security.GeneralSecurityException;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * Whose certificate {@code loomftp client} trusts for one server, and what it tells the user when
 * it refuses one: the certificate given with {@code --fingerprint}, else whatever the JDK's
 * authorities vouch for. A refusal names the certificate's fingerprint and the option that
 * trusts it.
 */
final class ServerTrust {
    private final Optional<String> fingerprint;

    /** One attempt to connect with TLS, trusting what {@code trust} trusts. */
    @FunctionalInterface
    interface Attempt {
        FtpClient connect(SSLContext trust) throws IOException;
    }

    ServerTrust(Optional<String> fingerprint) {
        this.fingerprint = fingerprint;
    }

    /** Connects through {@code attempt}, and explains a refused certificate. */
    FtpClient connect(String host, int port, Attempt attempt) throws IOException {
        Trust trust = trust(fingerprint);
        try {
            return attempt.connect(trust.context());
        } catch (SSLException e) {
            Trust.Refusal refusal = trust.refusal().orElseThrow(() -> e);
            String server = host + ":" + port;
            if (fingerprint.isPresent()) {
                throw new Refused(notTheGivenOne(server, fingerprint.get(), refusal.fingerprint()), e);
            }
            throw new Refused("the certificate of " + server + " is not trusted: " + refusal.reason().words()
                    + ".\n  Its SHA-256 fingerprint: " + refusal.fingerprint()
                    + "\n  If the server logged the same one at start, trust it with this option:\n    --fingerprint "
                    + refusal.fingerprint(), e);
        }
    }

    private static Trust trust(Optional<String> pin) throws IOException {
        try {
            return pin.isPresent() ? Trust.pinning(pin.get()) : Trust.authorities();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: this Java has no TLS or no trust store", e);
        }
    }

    private static String notTheGivenOne(String server, String given, String offered) {
        return "the certificate of " + server + " is not the one given with --fingerprint.\n"
                + "  Given:   " + given + "\n"
                + "  Offered: " + offered + "\n"
                + "  Compare them with the fingerprint the server logged at start.";
    }

    /** A certificate that was refused, with a message for the user: exit code 4, as any TLS failure. */
    static final class Refused extends SSLException {
        @Serial
        private static final long serialVersionUID = 1L;

        Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
