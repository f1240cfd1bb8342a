package dev.loomftp.bench;

import java.security.GeneralSecurityException;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * The server a benchmark runs against, and how each of its clients logs in.
 *
 * @param host           the server's name or address
 * @param port           its control port
 * @param user           the user every client logs in as
 * @param password       that user's password
 * @param trust          makes a TLS context for each client, for explicit FTPS (AUTH TLS, PROT P), or
 *                       null for plain FTP. Each client needs its own: a context's client keeps one
 *                       session to resume for each host and port, and a data connection must resume
 *                       its own control connection's session, not that of another client
 * @param checkHostName  whether the certificate must name {@code host}: yes when trusting the
 *                       JDK's authorities, no when it is pinned by fingerprint
 * @param folder         the folder the benchmark works in ("" for the login folder)
 * @param timeout        the longest any one read, write or connect may wait
 */
public record BenchTarget(String host, int port, String user, String password, Contexts trust, boolean checkHostName,
        String folder, Duration timeout) {

    /** Makes TLS contexts, one for each client. */
    @FunctionalInterface
    public interface Contexts {
        SSLContext create() throws GeneralSecurityException;
    }

    /** Whether clients speak FTPS. */
    public boolean tls() {
        return trust != null;
    }

    /** The path of {@code name} in {@link #folder}. */
    String path(String name) {
        return folder.isEmpty() ? name : folder.endsWith("/") ? folder + name : folder + "/" + name;
    }

    @Override
    public String toString() {
        return (tls() ? "ftp+tls://" : "ftp://") + user + "@" + host + ":" + port + "/" + folder;
    }
}
