package dev.loomftp.client;

import java.security.GeneralSecurityException;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Which server certificates the client trusts: those the JDK's trust store vouches for, or one
 * pinned by its SHA-256 fingerprint (as the server logs it), for a self-signed server.
 */
public final class Trust {
    private Trust() {}

    /**
     * The JDK's own trust store; {@link FtpClient} checks that the certificate names the host it
     * connected to, as HTTPS does.
     */
    public static SSLContext system() throws GeneralSecurityException {
        return SSLContext.getDefault();
    }

    /**
     * Only the certificate with this SHA-256 fingerprint ({@code AB:CD:...}, colons and case do
     * not matter).
     */
    public static SSLContext pinned(String fingerprint) throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new Pin(fingerprint.replace(":", "").toLowerCase(Locale.ROOT))}, null);
        return context;
    }

    /**
     * Trusts one certificate by its fingerprint. It is an extended trust manager so that JSSE does
     * not add its own host name check on top: the pin names the certificate, whatever host it is
     * reached by.
     */
    private static final class Pin extends X509ExtendedTrustManager {
        private final String wanted;

        Pin(String wanted) {
            this.wanted = wanted;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                String seen = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded()));
                if (!seen.equals(wanted)) {
                    throw new CertificateException("the server's certificate has SHA-256 fingerprint "
                            + HexFormat.ofDelimiter(":").withUpperCase().formatHex(HexFormat.of().parseHex(seen))
                            + ", not the one trusted");
                }
            } catch (NoSuchAlgorithmException e) {
                throw new CertificateException(e);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkServerTrusted(chain, authType);
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
            return new X509Certificate[0];
        }
    }
}
