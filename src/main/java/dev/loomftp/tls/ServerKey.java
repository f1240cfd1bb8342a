package dev.loomftp.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The server's one private key and its certificate chain, offered to every handshake whose key
 * type the certificate's key can serve.
 *
 * <p>The JDK's own key managers read keys out of a {@code KeyStore}, and an in-memory PKCS#12
 * store encrypts every key put into it and decrypts it again with PBKDF2: about 150 ms of a cold
 * start spent hiding a key from the process that holds it. The server never picks among keys
 * or asks for client certificates, so this class is all the key management it needs.
 */
final class ServerKey extends X509ExtendedKeyManager {
    private static final String ALIAS = "loomftp";

    private final PrivateKey key;
    private final X509Certificate[] chain;

    ServerKey(PrivateKey key, List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a certificate chain needs at least one certificate");
        }
        this.key = key;
        this.chain = chain.toArray(X509Certificate[]::new);
    }

    /** The certificate the server presents: the first of the chain. */
    X509Certificate certificate() {
        return chain[0];
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return serves(keyType) ? ALIAS : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return serves(keyType) ? ALIAS : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return serves(keyType) ? new String[] {ALIAS} : null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? key : null;
    }

    /** The server authenticates no client by certificate, and is never a client itself. */
    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    /**
     * Whether the key can serve a handshake that asks for {@code keyType}: the key algorithm
     * ("EC", "RSA", "RSASSA-PSS", "EdDSA"), before any "_" and the certificate's signature
     * algorithm that TLS 1.2 names add, as the JDK's own key manager matches it.
     */
    private boolean serves(String keyType) {
        if (keyType == null) {
            return false;
        }
        int underscore = keyType.indexOf('_');
        String algorithm = underscore < 0 ? keyType : keyType.substring(0, underscore);
        return algorithm.equals(chain[0].getPublicKey().getAlgorithm());
    }
}
