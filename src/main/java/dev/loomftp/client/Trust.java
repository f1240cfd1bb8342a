package dev.loomftp.client;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;

/**
 * Which server certificates the client trusts: those the JDK's trust store vouches for, or one
 * pinned by its SHA-256 fingerprint (as the server logs it), for a self-signed server.
 */
public final class Trust {
    private Trust() {}

    /** The JDK's own trust store and host checks. */
    public static SSLContext system() throws GeneralSecurityException {
        return SSLContext.getDefault();
    }

    /**
     * Only the certificate with this SHA-256 fingerprint ({@code AB:CD:...}, colons and case do
     * not matter).
     */
    public static SSLContext pinned(String fingerprint) throws GeneralSecurityException {
        String wanted = fingerprint.replace(":", "").toLowerCase(Locale.ROOT);
        X509TrustManager pin = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("this client does not check clients");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                try {
                    String seen = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(chain[0].getEncoded()));
                    if (!seen.equals(wanted)) {
                        throw new CertificateException("the server's certificate has SHA-256 fingerprint "
                                + HexFormat.ofDelimiter(":").withUpperCase().formatHex(HexFormat.of().parseHex(seen))
                                + ", not the one trusted");
                    }
                } catch (GeneralSecurityException e) {
                    throw new CertificateException(e);
                }
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new X509TrustManager[] {pin}, null);
        return context;
    }
}
