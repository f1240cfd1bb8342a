package dev.loomftp.cli;

import dev.loomftp.client.FtpClient;
import dev.loomftp.client.KnownHosts;
import dev.loomftp.client.Trust;
import java.io.IOException;
import java.io.Serial;
import java.security.GeneralSecurityException;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * Whose certificate {@code loomftp client} trusts for one server, and what it tells the user when
 * it refuses one. In this order: the certificate given with {@code --fingerprint}; else the one the
 * user chose to trust for that host and port, kept in their known hosts file, which must not
 * change; else whatever the JDK's authorities vouch for. When the authorities refuse a
 * certificate, a user at a terminal is shown its fingerprint and asked whether to trust it, and a
 * yes is remembered for the host and port, as ssh does. A run without a terminal never asks: it
 * fails with the fingerprint and the option that trusts it.
 */
final class ServerTrust {
    private final Optional<String> fingerprint;
    private final KnownHosts knownHosts;

    /** Where a question for the user goes. */
    @FunctionalInterface
    interface Asker {
        /** For runs that must not ask: the extra connections of a parallel mirror. */
        Asker NOBODY = question -> Optional.empty();

        /** The user's answer, or empty when there is no one to ask (no terminal). */
        Optional<String> ask(String question) throws IOException;
    }

    /** One attempt to connect with TLS, trusting what {@code trust} trusts. */
    @FunctionalInterface
    interface Attempt {
        FtpClient connect(SSLContext trust) throws IOException;
    }

    ServerTrust(Optional<String> fingerprint, KnownHosts knownHosts) {
        this.fingerprint = fingerprint;
        this.knownHosts = knownHosts;
    }

    /**
     * Connects through {@code attempt}, asking {@code asker} whether to trust a certificate the
     * authorities refuse, and connecting again, trusting it, when the answer is yes.
     */
    FtpClient connect(String host, int port, Asker asker, Attempt attempt) throws IOException {
        Optional<KnownHosts.Remembered> remembered = fingerprint.isPresent() ? Optional.empty()
                : knownHosts.find(host, port);
        Optional<String> pin = fingerprint.or(() -> remembered.map(KnownHosts.Remembered::fingerprint));
        Trust trust = trust(pin);
        try {
            return attempt.connect(trust.context());
        } catch (SSLException e) {
            Trust.Refusal refusal = trust.refusal().orElseThrow(() -> e);
            String server = KnownHosts.key(host, port);
            if (fingerprint.isPresent()) {
                throw new Refused(notTheGivenOne(server, fingerprint.get(), refusal.fingerprint()), e);
            }
            if (remembered.isPresent()) {
                throw new Refused(changed(server, remembered.get(), refusal.fingerprint()), e);
            }
            String untrusted = " certificate of " + server + " is not trusted: " + refusal.reason().words() + ".";
            Optional<String> answer = asker.ask("The" + untrusted + "\nIts SHA-256 fingerprint: "
                    + refusal.fingerprint() + "\nCompare it with the one the server logged at start. A yes is kept in "
                    + knownHosts.file() + "\nfor " + server + ", as ssh keeps a host's key.\nTrust it? [y/N] ");
            if (answer.isEmpty() || !isYes(answer.get())) {
                throw new Refused("the" + untrusted + "\n  Its SHA-256 fingerprint: " + refusal.fingerprint()
                        + "\n  If the server logged the same one at start, trust it with this option:"
                        + "\n    --fingerprint " + refusal.fingerprint(), e);
            }
            knownHosts.remember(host, port, refusal.fingerprint());
            return attempt.connect(trust(Optional.of(refusal.fingerprint())).context());
        }
    }

    private static Trust trust(Optional<String> pin) throws IOException {
        try {
            return pin.isPresent() ? Trust.pinning(pin.get()) : Trust.authorities();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: this Java has no TLS or no trust store", e);
        }
    }

    private static boolean isYes(String answer) {
        String word = answer.strip().toLowerCase(Locale.ROOT);
        return word.equals("y") || word.equals("yes");
    }

    private static String notTheGivenOne(String server, String given, String offered) {
        return "the certificate of " + server + " is not the one given with --fingerprint.\n"
                + "  Given:   " + given + "\n"
                + "  Offered: " + offered + "\n"
                + "  Compare them with the fingerprint the server logged at start.";
    }

    /** The warning for a remembered certificate that changed, as loud as ssh's. */
    private String changed(String server, KnownHosts.Remembered remembered, String offered) {
        return "WARNING: THE CERTIFICATE OF " + server + " HAS CHANGED!\n"
                + "  Someone may be listening in on this connection (a machine in the middle), or the server\n"
                + "  may have a new certificate. No password and no file was sent.\n"
                + "  Trusted: " + remembered.fingerprint() + "\n"
                + "  Offered: " + offered + "\n"
                + "  If the server's certificate was replaced on purpose (it logs the new fingerprint at\n"
                + "  start), remove line " + remembered.line() + " (" + server + ") from " + knownHosts.file() + "\n"
                + "  and connect again; until then, connections to " + server + " are refused.";
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
