package dev.loomftp.server;

import dev.loomftp.config.Config;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import org.tinylog.Logger;

/**
 * FTPS, explicit form (RFC 4217): AUTH TLS starts TLS on the control connection, PBSZ 0 and PROT
 * P then protect the data connections too. CCC, which would turn TLS off again, is refused.
 */
final class SecurityCommands {
    private SecurityCommands() {}

    static void auth(Session session, String argument) throws IOException {
        String mechanism = argument.strip().toUpperCase(Locale.ROOT);
        if (!mechanism.equals("TLS") && !mechanism.equals("TLS-C") && !mechanism.equals("SSL")
                && !mechanism.equals("TLS-P")) {
            session.reply(504, "AUTH " + Session.shorten(mechanism) + " is not supported; use AUTH TLS.");
            return;
        }
        if (session.context().tls().isEmpty()) {
            session.reply(534, "TLS is not offered by this server.");
            return;
        }
        if (session.controlProtected()) {
            session.reply(503, "TLS is on already.");
            return;
        }
        session.reply(234, "AUTH TLS successful; go ahead with the TLS handshake.");
        try {
            session.startTls();
        } catch (TimeoutException | IOException e) {
            Logger.info("session {}: TLS handshake failed: {}", session.id(), FileErrors.reason(
                    e instanceof IOException io ? io : new IOException(e.getMessage())));
            session.quit();
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            session.quit();
            return;
        }
        if (mechanism.equals("SSL") || mechanism.equals("TLS-P")) {
            session.parameters().protectData(true);
        }
    }

    /** PBSZ: the buffer size of RFC 2228; under TLS it is always 0. */
    static void pbsz(Session session, String argument) throws IOException {
        if (!session.controlProtected()) {
            session.reply(503, "Send AUTH TLS first.");
            return;
        }
        if (!argument.strip().chars().allMatch(Character::isDigit) || argument.isBlank()) {
            session.reply(501, "Syntax: PBSZ 0");
            return;
        }
        session.parameters().agreeBufferSize();
        session.reply(200, "PBSZ=0");
    }

    /** PROT C (clear) or P (private) for the data connections that follow. */
    static void prot(Session session, String argument) throws IOException {
        if (!session.parameters().bufferSizeAgreed()) {
            session.reply(503, "Send PBSZ 0 first.");
            return;
        }
        switch (argument.strip().toUpperCase(Locale.ROOT)) {
            case "P" -> {
                session.parameters().protectData(true);
                session.reply(200, "Data connections will be protected.");
            }
            case "C" -> {
                if (session.dataProtectionRequired()) {
                    session.reply(534, "Data connections must be protected here; use PROT P.");
                    return;
                }
                session.parameters().protectData(false);
                session.reply(200, "Data connections will be in clear text.");
            }
            case "S", "E" -> session.reply(536, "Only PROT C and PROT P are supported.");
            default -> session.reply(504, "Unknown protection level; use PROT P or PROT C.");
        }
    }

    /**
     * CCC: back to clear text on the control connection, after login, for firewalls that must
     * read it. Refused unless {@code tls.allowCcc}, and always when TLS is required.
     */
    static void ccc(Session session, String argument) throws IOException {
        Config.Tls tls = session.context().config().tls();
        if (!session.controlProtected()) {
            session.reply(533, "The control connection is not protected.");
            return;
        }
        if (!tls.allowCcc() || tls.control() == Config.Policy.REQUIRED) {
            session.reply(534, "CCC is not allowed: the control connection stays protected.");
            return;
        }
        if (!session.login().loggedIn()) {
            session.reply(503, "Log in first: the password never goes in clear text.");
            return;
        }
        session.reply(200, "CCC accepted: TLS ends on the control connection.");
        try {
            session.stopTls();
        } catch (IOException e) {
            Logger.info("session {}: TLS did not end cleanly after CCC: {}", session.id(), e.getMessage());
            session.quit();
        }
    }
}
