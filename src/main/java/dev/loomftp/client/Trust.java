package dev.loomftp.client;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Which server certificates the client trusts: those the JDK's trust store vouches for, or one
 * pinned by its SHA-256 fingerprint (as the server logs it), for a self-signed server. A
 * {@code Trust} also keeps the certificate a server showed when it refused it, with the reason,
 * so that a failed handshake can be explained in a user's words ({@link #refusal}).
 *
 * <p>Its trust manager is called on the thread that does the handshake; the refusal it keeps is
 * read after the handshake failed, on the same thread or another.
 */
public final class Trust {
    private final SSLContext context;
    private final Check check;

    /** Why a server's certificate was refused, and how to say it. */
    public enum Reason {
        /** Self-signed, or signed by an authority the JDK's trust store does not hold. */
        UNKNOWN_AUTHORITY("it is self-signed, or signed by an authority this system does not know"),
        /** Out of its dates: expired, or not valid yet. */
        EXPIRED("it has expired, or is not valid yet"),
        /** Vouched for, but made for another host name. */
        OTHER_HOST("it was made for another host name"),
        /** Not the pinned one. */
        NOT_PINNED("it is not the one pinned by its fingerprint");

        private final String words;

        Reason(String words) {
            this.words = words;
        }

        /** The reason in a user's words, such as "it has expired, or is not valid yet". */
        public String words() {
            return words;
        }
    }

    /**
     * A certificate a server showed and that was refused.
     *
     * @param fingerprint its SHA-256 fingerprint, {@code AB:CD:...}
     * @param reason      why it was refused
     */
    public record Refusal(String fingerprint, Reason reason) {
    }

    private Trust(Check check) throws GeneralSecurityException {
        this.check = check;
        this.context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {check}, null);
    }

    /**
     * The JDK's own trust store; {@link FtpClient} checks that the certificate names the host it
     * connected to, as HTTPS does.
     */
    public static Trust authorities() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        X509ExtendedTrustManager jdk = Arrays.stream(factory.getTrustManagers())
                .filter(X509ExtendedTrustManager.class::isInstance).map(X509ExtendedTrustManager.class::cast)
                .findFirst().orElseThrow(() -> new GeneralSecurityException("the JDK offers no X.509 trust manager"));
        return new Trust(new Check(jdk, null));
    }

    /**
     * Only the certificate with this SHA-256 fingerprint ({@code AB:CD:...}, colons and case do
     * not matter), whatever host name it is reached by.
     */
    public static Trust pinning(String fingerprint) throws GeneralSecurityException {
        return new Trust(new Check(null, fingerprint.replace(":", "").toLowerCase(Locale.ROOT)));
    }

    /** The context of {@link #authorities()}, for a connection that needs no explanations. */
    public static SSLContext system() throws GeneralSecurityException {
        return authorities().context();
    }

    /** The context of {@link #pinning(String)}, for a connection that needs no explanations. */
    public static SSLContext pinned(String fingerprint) throws GeneralSecurityException {
        return pinning(fingerprint).context();
    }

    /** The context to hand to {@link FtpClient}: every handshake it makes is checked here. */
    public SSLContext context() {
        return context;
    }

    /**
     * After a failed handshake: the certificate the server showed and why it was refused; empty
     * when no certificate was refused (the handshake failed for another reason).
     */
    public Optional<Refusal> refusal() {
        return Optional.ofNullable(check.refusal);
    }

    /** A certificate's SHA-256 fingerprint as servers log it: {@code AB:CD:...}. */
    public static String fingerprint(X509Certificate certificate) throws CertificateEncodingException {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(sha256(certificate.getEncoded()));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * Checks a server's certificate against the JDK's trust store or a pin, and keeps what it
     * refused. It is an extended trust manager so that JSSE does not add its own host name check
     * on top: a pin names the certificate, whatever host it is reached by, while the trust store's
     * check is given the socket, and with it the host name to match.
     */
    private static final class Check extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager authorities;
        private final String pin;
        private volatile Refusal refusal;

        Check(X509ExtendedTrustManager authorities, String pin) {
            this.authorities = authorities;
            this.pin = pin;
        }

        private void check(X509Certificate[] chain, String authType, Socket socket, SSLEngine engine)
                throws CertificateException {
            if (pin != null) {
                if (!HexFormat.of().formatHex(sha256(chain[0].getEncoded())).equals(pin)) {
                    throw refuse(chain[0], Reason.NOT_PINNED);
                }
                return;
            }
            try {
                if (socket != null) {
                    authorities.checkServerTrusted(chain, authType, socket);
                } else if (engine != null) {
                    authorities.checkServerTrusted(chain, authType, engine);
                } else {
                    authorities.checkServerTrusted(chain, authType);
                }
            } catch (CertificateException refused) {
                throw refuse(chain[0], reason(chain, authType));
            }
        }

        /** Why the trust store refused: the dates, the chain itself, or else the host name. */
        private Reason reason(X509Certificate[] chain, String authType) {
            try {
                chain[0].checkValidity();
            } catch (CertificateException outOfDate) {
                return Reason.EXPIRED;
            }
            try {
                authorities.checkServerTrusted(chain, authType);
                return Reason.OTHER_HOST;
            } catch (CertificateException unknown) {
                return Reason.UNKNOWN_AUTHORITY;
            }
        }

        private CertificateException refuse(X509Certificate certificate, Reason reason)
                throws CertificateEncodingException {
            refusal = new Refusal(fingerprint(certificate), reason);
            return new CertificateException("the server's certificate (SHA-256 " + refusal.fingerprint()
                    + ") is not trusted: " + reason.words());
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, authType, null, null);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain, authType, socket, null);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain, authType, null, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("this client does not check clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return authorities == null ? new X509Certificate[0] : authorities.getAcceptedIssuers();
        }
    }
}
